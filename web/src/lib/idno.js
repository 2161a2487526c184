// Identifier checks shared by the forms (the server checks again):
//   居民身份证号码 GB 11643-1999: 17 digits + check character (ISO 7064 MOD 11-2),
//     digits 7-14 a real birth date;
//   统一社会信用代码 GB 32100-2015: 18 characters from 0-9 A-Z without I O Z S V,
//     the last one a MOD 31 check character;
//   mobile: 11 digits starting with 1.

const PERSON_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const PERSON_CHECK = '10X98765432';

export function personCheckChar(first17) {
  if (!/^\d{17}$/.test(first17)) return '';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * PERSON_WEIGHTS[i];
  return PERSON_CHECK[sum % 11];
}

function validBirthDate(s) {
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (d > days[m - 1]) return false;
  // Not in the future (local date is good enough for a form hint).
  const now = new Date();
  const today = now.getFullYear() * 10000 + (now.getMonth() + 1) * 100 + now.getDate();
  return y * 10000 + m * 100 + d <= today;
}

export function personIdValid(s) {
  if (typeof s !== 'string' || !/^\d{17}[\dX]$/.test(s)) return false;
  if (!validBirthDate(s.slice(6, 14))) return false;
  return personCheckChar(s.slice(0, 17)) === s[17];
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17) {
  if (typeof first17 !== 'string' || first17.length !== 17) return '';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CHARS.indexOf(first17[i]);
    if (v < 0) return '';
    sum += v * CREDIT_WEIGHTS[i];
  }
  return CREDIT_CHARS[(31 - (sum % 31)) % 31];
}

export function creditCodeValid(s) {
  if (typeof s !== 'string' || s.length !== 18) return false;
  const c = creditCodeCheckChar(s.slice(0, 17));
  return c !== '' && c === s[17];
}

export function mobileValid(s) {
  return typeof s === 'string' && /^1\d{10}$/.test(s);
}

// Password rule: at least 8 characters using at least three of
// lower-case letters, upper-case letters, digits and other symbols.
export function passwordProblem(pw) {
  if (typeof pw !== 'string' || pw.length < 8) return '密码至少 8 位';
  if (new TextEncoder().encode(pw).length > 128) return '密码过长（最多 128 字节）';
  let classes = 0;
  if (/[a-z]/.test(pw)) classes++;
  if (/[A-Z]/.test(pw)) classes++;
  if (/\d/.test(pw)) classes++;
  if (/[^A-Za-z0-9]/.test(pw)) classes++;
  if (classes < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三类';
  return '';
}

// Masks an identifier for display: first 6 and last 4 of an 18-character
// number, first 3 and last 4 of a mobile; short staff logins unchanged.
export function maskId(s) {
  if (typeof s !== 'string') return '';
  if (s.length === 18) return s.slice(0, 6) + '*'.repeat(8) + s.slice(14);
  if (s.length === 11 && /^\d+$/.test(s)) return s.slice(0, 3) + '****' + s.slice(7);
  return s;
}
