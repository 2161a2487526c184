// Supervision (src/api/supervise.c): the desk, problem tickets, 亲商助企日,
// 督查通报 notices and leaders' sittings and walk-throughs.
import { api, qs, seg } from './http.js';

const B = '/api/supervise';

export const desk = (params, opts) => api.get(`${B}/desk` + qs(params), opts);
export const deskCases = (params, opts) => api.get(`${B}/desk/cases` + qs(params), opts);

export const tickets = {
  list: (params, opts) => api.get(`${B}/tickets` + qs(params), opts),
  get: (id, opts) => api.get(`${B}/tickets/${seg(id)}`, opts),
  create: (body, opts) => api.post(`${B}/tickets`, body, opts),
  act: (id, action, body, opts) => api.post(`${B}/tickets/${seg(id)}/${action}`, body, opts),
};

export const qinshang = {
  list: (opts) => api.get(`${B}/qinshang`, opts),
  create: (body, opts) => api.post(`${B}/qinshang`, body, opts),
};

export const notices = {
  list: (params, opts) => api.get(`${B}/notices` + qs(params), opts),
  get: (id, opts) => api.get(`${B}/notices/${seg(id)}`, opts),
  issue: (body, opts) => api.post(`${B}/notices`, body, opts),
  act: (id, action, body, opts) => api.post(`${B}/notices/${seg(id)}/${action}`, body, opts),
  pdfUrl: (id) => `${B}/notices/${seg(id)}/pdf`,
};

export const sittings = {
  list: (params, opts) => api.get(`${B}/sittings` + qs(params), opts),
  create: (body, opts) => api.post(`${B}/sittings`, body, opts),
};
