// The administration pages (src/api/admin.c, users.c): accounts and roles
// (changes go through the hall's staff-change requests, hall.js
// staffChanges), the audit log and the settings of the configuration.
import { api, qs } from './http.js';

export const users = (params, opts) => api.get('/api/users' + qs(params), opts);
// A new staff account is a request (202 {request}); another administrator
// approves it on the request pages.
export const requestAccount = (body, opts) => api.post('/api/users', body, opts);

export const audit = (params, opts) => api.get('/api/audit' + qs(params), opts);
// The filtered records as CSV (a download link; the cookie session applies).
export const auditExportUrl = (params) => '/api/audit/export' + qs(params);
export const auditVerify = (opts) => api.post('/api/audit/verify', {}, opts);

export const settings = (opts) => api.get('/api/settings', opts);
