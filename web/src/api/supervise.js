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

// 体外循环: monthly volumes against the platform's cases, and cases entered
// and decided by one person within minutes (补录).
export const volumes = {
  list: (params, opts) => api.get(`${B}/volumes` + qs(params), opts),
  report: (body, opts) => api.post(`${B}/volumes`, body, opts),
  importCsv: (csv, opts) => api.post(`${B}/volumes/import`, { csv }, opts),
};
export const quickCases = (params, opts) => api.get(`${B}/quick-cases` + qs(params), opts);

// 评估验收: the checklist, evidence uploaded by the department, assessments.
export const evidence = {
  list: (params, opts) => api.get(`${B}/evidence` + qs(params), opts),
  upload: (file, params, opts) => api.upload(`${B}/evidence` + qs(params), file, opts),
  review: (id, accept, opts) => api.post(`${B}/evidence/${seg(id)}/${accept ? 'accept' : 'reject'}`, {}, opts),
  fileUrl: (id) => `${B}/evidence/${seg(id)}/file`,
};
export const assessments = {
  list: (params, opts) => api.get(`${B}/assessments` + qs(params), opts),
  preview: (params, opts) => api.get(`${B}/assessments/preview` + qs(params), opts),
  create: (body, opts) => api.post(`${B}/assessments`, body, opts),
};
