// The fetch helper after a 503 with Retry-After (src/api/http.js): a GET is
// sent again after the delay, within a bounded wait; a write is never
// repeated and the user is told its outcome is unknown.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const shown = [];
vi.mock('element-plus', () => ({
  ElMessage: {
    error: (m) => shown.push(['error', m]),
    warning: (m) => shown.push(['warning', m]),
  },
}));

const { api, retryAfterMs, OUTCOME_UNKNOWN, RETRY_BUDGET_MS } = await import('../src/api/http.js');

// A fetch answering from a list, recording each call and when it came.
function fakeFetch(answers) {
  const calls = [];
  const f = vi.fn(async (path, init) => {
    calls.push({ path, method: init.method, at: Date.now() });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    return new Response(a.body === undefined ? '' : JSON.stringify(a.body),
      { status: a.status, headers: a.headers || {} });
  });
  f.calls = calls;
  return f;
}

const unavailable = (code, retry = '3', message = '数据库暂时不可用（可能正在主备切换），请稍后重试') => ({
  status: 503, headers: retry === null ? {} : { 'Retry-After': retry },
  body: { error: { code, message } },
});

describe('api after 503 Retry-After', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    shown.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('a GET is sent again after the Retry-After delay and succeeds', async () => {
    const f = fakeFetch([unavailable('db_unavailable', '2'), { status: 200, body: { items: [1] } }]);
    vi.stubGlobal('fetch', f);
    const p = api.get('/api/cases');
    await vi.advanceTimersByTimeAsync(1999);
    expect(f.calls.length).toBe(1); // not before the delay
    await vi.advanceTimersByTimeAsync(1);
    await expect(p).resolves.toEqual({ items: [1] });
    expect(f.calls.length).toBe(2);
    expect(f.calls[1].at - f.calls[0].at).toBe(2000);
    expect(shown).toEqual([]); // the user saw nothing of the switch
  });

  it('a GET gives up within the budget and shows the server message', async () => {
    const f = fakeFetch([unavailable('db_unavailable', '3')]);
    vi.stubGlobal('fetch', f);
    const p = api.get('/api/cases');
    const settled = p.then(() => null, (e) => e);
    await vi.advanceTimersByTimeAsync(60000);
    const err = await settled;
    expect(err.status).toBe(503);
    // 3 s, then a second wait of 3 s would pass 5 s: one retry only.
    expect(f.calls.length).toBe(2);
    expect(f.calls.at(-1).at - f.calls[0].at).toBeLessThanOrEqual(RETRY_BUDGET_MS);
    expect(shown).toEqual([['error', '数据库暂时不可用（可能正在主备切换），请稍后重试']]);
  });

  it('at most two retries even with short delays', async () => {
    const f = fakeFetch([unavailable('busy', '1')]);
    vi.stubGlobal('fetch', f);
    const settled = api.get('/api/me', { quiet: true }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(60000);
    expect((await settled).status).toBe(503);
    expect(f.calls.length).toBe(3);
    expect(shown).toEqual([]); // quiet
  });

  it('a GET without Retry-After, or asking for more than the budget, is not repeated', async () => {
    let f = fakeFetch([unavailable('db_unavailable', null), { status: 200, body: {} }]);
    vi.stubGlobal('fetch', f);
    await expect(api.get('/api/x', { quiet: true })).rejects.toMatchObject({ status: 503 });
    expect(f.calls.length).toBe(1);
    f = fakeFetch([unavailable('db_unavailable', '30'), { status: 200, body: {} }]);
    vi.stubGlobal('fetch', f);
    await expect(api.get('/api/x', { quiet: true })).rejects.toMatchObject({ status: 503 });
    expect(f.calls.length).toBe(1);
  });

  it('a POST whose commit is unknown is not repeated and says to check first', async () => {
    const msg = '数据库正在主备切换，本次提交是否已保存无法确认，请稍后刷新查看，确认未保存再重新提交';
    const f = fakeFetch([unavailable('commit_unknown', '3', msg), { status: 200, body: {} }]);
    vi.stubGlobal('fetch', f);
    const settled = api.post('/api/cases/1/approve', {}).catch((e) => e);
    await vi.advanceTimersByTimeAsync(60000);
    const err = await settled;
    expect(f.calls.length).toBe(1);
    expect(err).toMatchObject({ status: 503, code: 'commit_unknown', message: msg });
    expect(shown).toEqual([['error', msg]]);
  });

  it('a write answered 503 by something other than the server: outcome unknown', async () => {
    const f = fakeFetch([{ status: 503, headers: { 'Retry-After': '3' }, body: undefined }]);
    vi.stubGlobal('fetch', f);
    const settled = api.put('/api/settings/x', { v: 1 }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(60000);
    const err = await settled;
    expect(f.calls.length).toBe(1);
    expect(err.message).toBe(OUTCOME_UNKNOWN);
    expect(shown).toEqual([['error', OUTCOME_UNKNOWN]]);
  });

  it('a write the server did not carry out keeps its plain message', async () => {
    const f = fakeFetch([unavailable('db_unavailable')]);
    vi.stubGlobal('fetch', f);
    const err = await api.del('/api/x/1', { quiet: true }).catch((e) => e);
    expect(f.calls.length).toBe(1);
    expect(err.message).toBe('数据库暂时不可用（可能正在主备切换），请稍后重试');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(' 0 ')).toBe(0);
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:04 GMT', now)).toBe(4000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });
});
