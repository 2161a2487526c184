// What anyone may ask without an account (src/api/public.c).
import { request } from './http.js';

const QUIET = { quiet: true, noRedirect: true };

// 办件进度查询: {no (case number or query code), mobile?, name?}.
export function progress(body) {
  return request('POST', '/api/public/progress', body, QUIET);
}

// Password recovery: a code by SMS, then the new password.
export function resetRequest(login, mobile) {
  return request('POST', '/api/auth/reset/request', { login, mobile }, QUIET);
}
export function resetConfirm(login, code, password) {
  return request('POST', '/api/auth/reset/confirm', { login, code, password }, QUIET);
}
