// The reform's scoreboard (src/api/indicators.c): the trend, the gap
// planner, case-based figures and the cases behind them, the reform tasks and
// the quarterly ledger (open, fill, submit, review, roll-up, export).
import { api, qs, seg } from './http.js';

export const trend = (params, opts) => api.get('/api/indicators/trend' + qs(params), opts);
export const gap = (params, opts) => api.get('/api/indicators/gap' + qs(params), opts);
export const cases = (params, opts) => api.get('/api/indicators/cases' + qs(params), opts);
export const board = (params, opts) => api.get('/api/indicators/board' + qs(params), opts);
export const volume = (params, opts) => api.get('/api/indicators/volume' + qs(params), opts);
export const caseList = (params, opts) => api.get('/api/indicators/case-list' + qs(params), opts);
export const discrepancies = (params, opts) => api.get('/api/indicators/discrepancies' + qs(params), opts);
export const tasks = (params, opts) => api.get('/api/tasks' + qs(params), opts);

export const ledgers = {
  rollup: (params, opts) => api.get('/api/ledgers' + qs(params), opts),
  open: (body, opts) => api.post('/api/ledgers', body, opts),
  get: (id, opts) => api.get(`/api/ledgers/${seg(id)}`, opts),
  save: (id, rows, opts) => api.put(`/api/ledgers/${seg(id)}`, { rows }, opts),
  submit: (id, rows, opts) => api.post(`/api/ledgers/${seg(id)}/submit`, { rows }, opts),
  review: (id, body, opts) => api.post(`/api/ledgers/${seg(id)}/review`, body, opts),
  exportUrl: (id, format) => `/api/ledgers/${seg(id)}/export` + qs({ format }),
  rollupExportUrl: (params) => '/api/ledgers/export' + qs(params),
};
