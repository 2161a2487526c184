// 好差评 (src/api/ratings.c): rating a case, the window QR token, the
// applicant's ratings, the bad-rating loop, the appeals, the figures and the
// outbox of uploads.
import { api, qs, seg } from './http.js';

export const options = (opts) => api.get('/api/ratings/options', opts);
export const rate = (caseId, body, opts) => api.post(`/api/cases/${seg(caseId)}/ratings`, body, opts);
export const caseState = (caseId, opts) => api.get(`/api/cases/${seg(caseId)}/rating`, opts);
export const mine = (params, opts) => api.get('/api/my/ratings' + qs(params), opts);
export const qr = (caseId, opts) => api.get(`/api/cases/${seg(caseId)}/rating-qr`, opts);
export const tokenOpen = (token, opts) => api.get(`/api/rating-tokens/${seg(token)}`, opts);
export const tokenRate = (token, body, opts) => api.post(`/api/rating-tokens/${seg(token)}/rating`, body, opts);
export const list = (params, opts) => api.get('/api/ratings' + qs(params), opts);
export const stats = (params, opts) => api.get('/api/ratings/stats' + qs(params), opts);
export const loops = (params, opts) => api.get('/api/rating-loops' + qs(params), opts);
export const loopSummary = (opts) => api.get('/api/rating-loops/summary', opts);
export const loop = (id, opts) => api.get(`/api/rating-loops/${seg(id)}`, opts);
export const loopAct = (id, action, body, opts) => api.post(`/api/rating-loops/${seg(id)}/${seg(action)}`, body, opts);
export const appeals = (params, opts) => api.get('/api/rating-appeals' + qs(params), opts);
export const decideAppeal = (id, accept, body, opts) =>
  api.post(`/api/rating-appeals/${seg(id)}/${accept ? 'accept' : 'refuse'}`, body, opts);
export const outbox = (params, opts) => api.get('/api/outbox' + qs(params), opts);
export const resend = (id, opts) => api.post(`/api/outbox/${seg(id)}/resend`, {}, opts);
