// Construction projects (src/api/projects.c): stage lists, projects and
// their view, the steward's desk, stage applications, joint events with
// opinions, the sealed joint opinion and rectification items.
import { api, qs, seg } from './http.js';

export const stageDefs = (opts) => api.get('/api/project-stages', opts);
export const setStageDef = (type, stage, bundleId, opts) =>
  api.put(`/api/project-stages/${seg(type)}/${seg(stage)}`, { bundle_id: bundleId }, opts);

export const list = (params, opts) => api.get('/api/projects' + qs(params), opts);
export const create = (body, opts) => api.post('/api/projects', body, opts);
export const desk = (opts) => api.get('/api/projects/desk', opts);
export const get = (id, opts) => api.get('/api/projects/' + seg(id), opts);
export const setTeam = (id, body, opts) => api.put(`/api/projects/${seg(id)}/team`, body, opts);
// body {answers, form, materials:[{index, sha256}]}
export const applyStage = (id, stage, body, opts) =>
  api.post(`/api/projects/${seg(id)}/stages/${seg(stage)}/apply`, body, opts);

export const scheduleEvent = (id, body, opts) => api.post(`/api/projects/${seg(id)}/events`, body, opts);
export const event = (id, opts) => api.get('/api/project-events/' + seg(id), opts);
export const opinion = (id, body, opts) => api.post(`/api/project-events/${seg(id)}/opinion`, body, opts);
export const seal = (id, body, opts) => api.post(`/api/project-events/${seg(id)}/seal`, body, opts);
export const eventPdfUrl = (id) => `/api/project-events/${seg(id)}/pdf`;
export const attach = (id, file, opts) => api.upload(`/api/project-events/${seg(id)}/attachments`, file, opts);
export const attachmentUrl = (id, sha) => `/api/project-events/${seg(id)}/attachments/${seg(sha)}`;
export const reportRect = (id, body, opts) => api.post(`/api/project-rectifications/${seg(id)}/report`, body, opts);
export const reviewRect = (id, body, opts) => api.post(`/api/project-rectifications/${seg(id)}/review`, body, opts);

export const TYPES = { gov: '政府投资项目', social: '社会投资项目', small: '小型社会投资项目' };
export const EVENT_KINDS = { site: '联合踏勘', review: '联合评审', drawing: '联合审图', acceptance: '联合验收' };
export const OPINIONS = { agree: '同意', rectify: '整改后同意', disagree: '不同意' };
export const LEVEL_COLORS = { green: '#2e7d32', yellow: '#e6a23c', red: '#d93026' };
