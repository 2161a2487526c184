// Cases: applying, the work queues, every step of handling a case, time
// extensions, commitment checks and deadline warnings (src/api/cases.c,
// work.c, warnings.c, documents.c).
import { api, qs, seg } from './http.js';

const c = (id) => '/api/cases/' + seg(id);

// --- applying and reading
export const apply = (body, opts) => api.post('/api/cases', body, opts);
export const walkin = (body, opts) => api.post('/api/cases/walkin', body, opts);
export const mine = (params, opts) => api.get('/api/cases' + qs({ mine: 1, ...params }), opts);
export const get = (id, opts) => api.get(c(id), opts);
export const timeline = (id, opts) => api.get(c(id) + '/timeline', opts);
export const documents = (id, opts) => api.get(c(id) + '/documents', opts);
// Staff: a failed document back in the renderer's queue.
export const retryDocument = (docId, opts) => api.post('/api/documents/' + seg(docId) + '/retry', {}, opts);
// by: {idno} or {no}
export const lookup = (by, opts) => api.get('/api/cases/lookup' + qs(by), opts);
// The staff queue: {queue, warn, cursor, limit}.
export const inbox = (params, opts) => api.get('/api/work/inbox' + qs(params), opts);

// --- steps (each body carries the case's version where the server wants it)
export const accept = (id, body, opts) => api.post(c(id) + '/accept', body, opts);
export const reject = (id, body, opts) => api.post(c(id) + '/reject', body, opts);
export const requestSupplement = (id, body, opts) => api.post(c(id) + '/supplement-request', body, opts);
export const supplement = (id, body, opts) => api.post(c(id) + '/supplement', body, opts);
// The generic transitions of the state machine: POST /api/cases/:id/actions/:code.
export const action = (id, code, body, opts) => api.post(c(id) + '/actions/' + seg(code), body, opts);
export const deliver = (id, body, opts) => api.post(c(id) + '/deliver', body, opts);
export const special = (id, body, opts) => api.post(c(id) + '/special', body, opts);
export const specialEnd = (id, body, opts) => api.post(c(id) + '/special/end', body, opts);
export const trip = (id, body, opts) => api.post(c(id) + '/trips', body, opts);
export const overdueExplanation = (id, body, opts) => api.post(c(id) + '/overdue-explanation', body, opts);

// --- time extensions
export const requestExtension = (id, body, opts) => api.post(c(id) + '/extensions', body, opts);
// params: {status, case_id, cursor}
export const extensions = (params, opts) => api.get('/api/extensions' + qs(params), opts);
export const decideExtension = (extId, approve, body, opts) =>
  api.post(`/api/extensions/${seg(extId)}/${approve ? 'approve' : 'reject'}`, body, opts);

// --- commitment checks (告知承诺 核查)
export const checks = (params, opts) => api.get('/api/commitment-checks' + qs(params), opts);
export const checkResult = (checkId, body, opts) => api.post(`/api/commitment-checks/${seg(checkId)}/result`, body, opts);

// --- deadline warnings
export const warnings = (params, opts) => api.get('/api/warnings' + qs(params), opts);
