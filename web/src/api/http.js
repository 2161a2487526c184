// The one fetch helper under every API module (src/api/<resource>.js): JSON
// over fetch with the session cookie. Remembers the CSRF token given by
// POST /api/auth/login and GET /api/me and sends it as X-CSRF-Token on every
// non-GET request. A 401 clears the session and goes to the login page;
// other errors are shown with ElMessage (error.message).
//
// A 503 with Retry-After (a database switching to its standby, a server
// stopping or full): a GET is sent again after the delay, at most
// RETRY_MAX times and RETRY_BUDGET_MS of waiting in all; any other method
// is never repeated here, since its first attempt may have been saved, and
// the user is told to look before submitting again unless the server said
// it did nothing.
//
// Pages do not write URLs: they call the resource modules (cases.js,
// catalog.js, hall.js, ...), which are the only place a path is spelled.
import { ElMessage } from 'element-plus';
import { setUser, clearUser } from '../session.js';

let csrfToken = '';
let router = null;

export function bindRouter(r) {
  router = r;
}

export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || '';
    this.body = body || null; // the whole answer, e.g. an import report's rows
  }
}

// Forgets the CSRF token (logout).
export function resetCsrf() {
  csrfToken = '';
}

function goLogin() {
  clearUser();
  csrfToken = '';
  if (!router) return;
  const cur = router.currentRoute.value;
  if (cur.name === 'login') return;
  router.push({ name: 'login', query: cur.fullPath && cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} });
}

export const RETRY_MAX = 2;
export const RETRY_BUDGET_MS = 5000;
// A 503 of a write whose outcome is not known: the server's commit_unknown,
// or an answer that is not the server's own (a proxy in front of it).
export const OUTCOME_UNKNOWN = '服务暂时不可用，本次操作是否已完成无法确认，请刷新页面查看结果，确认未完成再重新提交';
// 503 codes with which the server says the request was not carried out.
const NOT_DONE = new Set(['db_unavailable', 'busy']);

// Retry-After as milliseconds (delay-seconds or an HTTP date); null when
// absent or unreadable.
export function retryAfterMs(value, now = Date.now()) {
  if (value === null || value === undefined || value === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// fetch(), sending a GET again after a 503 with Retry-After while the
// budget lasts; other methods go once.
async function fetchRetrying(path, init) {
  const idempotent = (init.method || 'GET') === 'GET';
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(path, init);
    if (res.status !== 503 || !idempotent || attempt >= RETRY_MAX) return res;
    const ms = retryAfterMs(res.headers && res.headers.get('Retry-After'));
    if (ms === null || waited + ms > RETRY_BUDGET_MS) return res;
    await sleep(ms);
    waited += ms;
  }
}

// Sends one request and turns the answer into data or an ApiError.
//   opts.quiet: do not show ElMessage on error (the caller shows it)
//   opts.noRedirect: a 401 does not navigate to /login
//   opts.messages: {status: message} used when the server gives none
async function send(path, init, opts) {
  let res;
  try {
    res = await fetchRetrying(path, init);
  } catch (e) {
    const err = new ApiError(0, 'network', '网络连接失败，请检查网络后重试');
    if (!opts.quiet) ElMessage.error(err.message);
    throw err;
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (res.ok) {
    if (data && typeof data.csrf_token === 'string') csrfToken = data.csrf_token;
    return data;
  }
  const e = (data && data.error) || {};
  const fallback = (opts.messages && opts.messages[res.status]) || defaultMessage(res.status);
  let message = e.message || fallback;
  if (res.status === 503 && (init.method || 'GET') !== 'GET' && !NOT_DONE.has(e.code)) {
    // commit_unknown says so itself; an answer without the server's code
    // (a proxy) leaves the outcome just as unknown.
    message = e.code === 'commit_unknown' && e.message ? e.message : OUTCOME_UNKNOWN;
  }
  const err = new ApiError(res.status, e.code || 'http_' + res.status, message, e.field, data);
  if (res.status === 401 && !opts.noRedirect) {
    goLogin();
    if (!opts.quiet) ElMessage.warning(err.message || '请先登录');
    throw err;
  }
  if (!opts.quiet) ElMessage.error(err.message);
  throw err;
}

// request(method, path, body, opts): JSON in and out (opts as for send).
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  return send(path, init, opts);
}

// The CSRF token, fetched from GET /api/me when none is known yet (a page
// opened from a bookmark) or when the server refused the one we had.
async function ensureCsrf(force) {
  if (csrfToken && !force) return csrfToken;
  const me = await request('GET', '/api/me', undefined, { quiet: true, noRedirect: true }).catch(() => null);
  if (me && me.user) setUser(me.user);
  return csrfToken;
}

// upload(path, file, opts): POSTs a File or Blob as the raw request body
// (Content-Type of the file) with the CSRF header; resolves with the JSON
// answer. opts.name adds ?name= (default file.name), opts.contentType
// overrides the type; quiet, noRedirect and messages as for request(). A
// stale CSRF token is renewed once.
export async function upload(path, file, opts = {}) {
  const name = opts.name !== undefined ? opts.name : file && file.name;
  const url = name ? `${path}${path.includes('?') ? '&' : '?'}name=${encodeURIComponent(name)}` : path;
  const type = opts.contentType || (file && file.type) || 'application/octet-stream';
  for (let attempt = 0; ; attempt++) {
    const token = await ensureCsrf(attempt > 0);
    const headers = { Accept: 'application/json', 'Content-Type': type };
    if (token) headers['X-CSRF-Token'] = token;
    try {
      return await send(url, { method: 'POST', headers, credentials: 'same-origin', body: file },
        { ...opts, quiet: attempt === 0 ? true : opts.quiet });
    } catch (e) {
      if (attempt === 0 && e.status === 403 && e.code === 'csrf_failed') continue;
      if (attempt === 0 && !opts.quiet) {
        if (e.status === 401) ElMessage.warning(e.message);
        else ElMessage.error(e.message);
      }
      throw e;
    }
  }
}

function defaultMessage(status) {
  if (status === 401) return '登录已过期，请重新登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '请求的内容不存在';
  if (status === 413) return '提交的内容过大';
  if (status === 429) return '操作过于频繁，请稍后再试';
  if (status >= 500) return '服务器繁忙，请稍后再试';
  return '请求失败（' + status + '）';
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body, opts) => request('POST', path, body === undefined ? {} : body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
  upload,
};

// Builds "?a=1&b=2" from the non-empty members of params.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

// Lists answer {items, next_cursor}; some answer a bare array.
export function listOf(r) {
  if (Array.isArray(r)) return { items: r, next: null };
  if (!r) return { items: [], next: null };
  const items = r.items || r.versions || r.departments || r.windows || r.reviews || r.requests || r.staff || r.diff || [];
  return { items: Array.isArray(items) ? items : [], next: r.next_cursor || null };
}

// Fetches every page of a list (bounded to max pages of 100).
export async function fetchAll(path, params = {}, max = 20) {
  let cursor = '';
  const out = [];
  for (let i = 0; i < max; i++) {
    const r = await api.get(path + qs({ ...params, cursor, limit: 100 }));
    const { items, next } = listOf(r);
    out.push(...items);
    if (!next) break;
    cursor = next;
  }
  return out;
}

// A path segment from an id given by the user or the route.
export const seg = (v) => encodeURIComponent(String(v));
