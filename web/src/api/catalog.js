// The catalogue of service items as staff see it: drafts, review,
// publication, withdrawal, import/export and the indicators report
// (src/api/catalog.c).
import { api, fetchAll, qs, seg } from './http.js';

const it = (id) => '/api/items/' + seg(id);

// params: {q, dept_id, status, cursor, limit}
export const items = (params, opts) => api.get('/api/items' + qs(params), opts);
export const allItems = (params, max) => fetchAll('/api/items', params, max);
export const item = (id, opts) => api.get(it(id), opts);
export const versions = (id, opts) => api.get(it(id) + '/versions', opts);
export const diff = (id, from, to, opts) => api.get(it(id) + '/diff' + qs({ from, to }), opts);
export const create = (body, opts) => api.post('/api/items', body, opts);
export const saveDraft = (id, body, opts) => api.put(it(id) + '/draft', body, opts);
export const submit = (id, opts) => api.post(it(id) + '/submit', {}, opts);
// A restricting version (out of the hall, lower online level, more trips,
// longer promised limit) is not published: 202 {request, item}, the hall decides.
export const publish = (id, body = {}, opts) => api.post(it(id) + '/publish', body, opts);
export const returnDraft = (id, body, opts) => api.post(it(id) + '/return', body, opts);
export const reviews = (opts) => api.get('/api/reviews', opts);
export const requestWithdrawal = (id, body, opts) => api.post(it(id) + '/withdrawals', body, opts);

// Blank forms and samples: POST /api/files, kept by sha256.
export const uploadFile = (file, opts) => api.upload('/api/files', file, opts);

export const exportUrl = (format) => '/api/catalog/export' + qs({ format });
export const importCsv = (file, opts) => api.upload('/api/catalog/import', file, { contentType: 'text/csv', ...opts });

export const indicators = (opts) => api.get('/api/indicators', opts);

// A request→approve queue as RequestQueue.vue shows it.
export const withdrawals = {
  list: (params, opts) => api.get('/api/withdrawals' + qs(params), opts),
  decide: (id, action, body, opts) => api.post(`/api/withdrawals/${seg(id)}/${action}`, body, opts),
};
