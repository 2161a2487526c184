// Real-name levels (实名等级, src/api/realname.c).
import { request } from './http.js';

const QUIET = { quiet: true };

// The applicant's own level and the ways open to it.
export function status() {
  return request('GET', '/api/me/realname');
}
// A one-time code to the mobile of a walk-in case: {mobile_masked, ttl_seconds}.
export function sendCode() {
  return request('POST', '/api/me/realname/sms', {}, QUIET);
}
export function confirmCode(code) {
  return request('POST', '/api/me/realname/sms/confirm', { code }, QUIET);
}
export function provincial() {
  return request('POST', '/api/me/realname/provincial', {}, QUIET);
}

// The window: look an ID number up, confirm its account, or reclaim it.
export function lookup(idno) {
  return request('GET', '/api/realname/lookup?idno=' + encodeURIComponent(idno), undefined, QUIET);
}
export function windowConfirm(idno, mobile) {
  return request('POST', '/api/realname/confirm', { idno, mobile }, QUIET);
}
export function reclaim(idno, name, mobile) {
  return request('POST', '/api/realname/reclaim', { idno, name, mobile }, QUIET);
}
