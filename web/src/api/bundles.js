// 一件事 bundles (src/api/bundles.c): the public guide by life event, the
// hall admin's definitions, applications, the window's acceptance and the
// bundle view.
import { api, qs, seg } from './http.js';

// The guide (no sign-in needed).
export const guideList = (opts) => api.get('/api/guide/bundles', opts);
export const guideOne = (id, opts) => api.get('/api/guide/bundles/' + seg(id), opts);

// Definitions (hall admin).
export const defs = (opts) => api.get('/api/bundles/defs', opts);
export const def = (id, opts) => api.get('/api/bundles/defs/' + seg(id), opts);
export const createDef = (body, opts) => api.post('/api/bundles/defs', body, opts);
export const checkDef = (definition, opts) => api.post('/api/bundles/defs/check', { definition }, opts);
export const saveDraft = (id, body, opts) => api.put('/api/bundles/defs/' + seg(id), body, opts);
export const submitDef = (id, body, opts) => api.post(`/api/bundles/defs/${seg(id)}/submit`, body, opts);

// Applications: body {answers, form, materials:[{index, sha256}]}.
export const apply = (id, body, opts) => api.post(`/api/bundles/${seg(id)}/apply`, body, opts);
export const registerWalkin = (id, body, opts) => api.post(`/api/bundles/${seg(id)}/register`, body, opts);
export const cases = (params, opts) => api.get('/api/bundle-cases' + qs(params), opts);
export const mine = (opts) => api.get('/api/bundle-cases/mine', opts);
export const bundleCase = (id, opts) => api.get('/api/bundle-cases/' + seg(id), opts);
// action: accept | reject | request-supplement | supplement | deliver
export const act = (id, action, body, opts) => api.post(`/api/bundle-cases/${seg(id)}/${seg(action)}`, body, opts);
