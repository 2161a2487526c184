// Sign-in, registration and the current user (src/api/auth.c).
import { request, resetCsrf } from './http.js';
import { session, setUser, clearUser } from '../session.js';

const QUIET = { quiet: true, noRedirect: true };

// Loads the current user once; anonymous visitors get null (no redirect).
export async function loadMe() {
  try {
    const data = await request('GET', '/api/me', undefined, QUIET);
    setUser(data && data.user);
  } catch {
    clearUser();
  } finally {
    session.loaded = true;
  }
  return session.user;
}

// Logs in; errors are thrown (not shown) so the form shows them inline.
export async function login(loginName, password) {
  const data = await request('POST', '/api/auth/login', { login: loginName, password }, QUIET);
  setUser(data && data.user);
  // GET /api/me adds what the login answer leaves out (mobile, window).
  const me = await request('GET', '/api/me', undefined, QUIET).catch(() => null);
  if (me && me.user) setUser(me.user);
  return session.user;
}

export async function register(form) {
  return request('POST', '/api/auth/register', form, QUIET);
}

export async function logout() {
  try {
    await request('POST', '/api/auth/logout', {}, QUIET);
  } catch {
    // The session is dropped locally either way.
  }
  resetCsrf();
  clearUser();
}
