// The public service guide (src/api/guide.c): no sign-in needed.
import { api, qs, seg } from './http.js';

// params: {q, object, dept_id, theme, type, cursor, limit}
export const items = (params, opts) => api.get('/api/guide/items' + qs(params), opts);
export const item = (id, opts) => api.get('/api/guide/items/' + seg(id), opts);
export const themes = (opts) => api.get('/api/guide/themes', opts);
export const types = (opts) => api.get('/api/guide/types', opts);
// Base URL of an item's blank forms and samples (…/:sha256 is appended).
export const filesBase = (id) => `/api/guide/items/${seg(id)}/files`;

// The search synonyms the hall administrator edits (src/api/synonyms.c).
export const synonyms = (opts) => api.get('/api/search-synonyms', opts);
export const saveSynonym = (body, opts) => api.post('/api/search-synonyms', body, opts);
export const deleteSynonym = (id, opts) => api.del('/api/search-synonyms/' + seg(id), opts);
