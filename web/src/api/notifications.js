// The in-app inbox (src/api/notifications.c).
import { api, qs, seg } from './http.js';

// params: {limit, cursor}; the answer carries "unread".
export const list = (params, opts) => api.get('/api/notifications' + qs(params), opts);
export const read = (id, opts) => api.post(`/api/notifications/${seg(id)}/read`, {}, opts);
export const readAll = (opts) => api.post('/api/notifications/read-all', {}, opts);

// The account's channels (src/api/messages.c): {in_app, sms, mobile_masked}.
export const prefs = (opts) => api.get('/api/notifications/prefs', opts);
export const setPrefs = (body, opts) => api.put('/api/notifications/prefs', body, opts);

// The hall's message templates (hall_admin).
export const templates = (opts) => api.get('/api/message-templates', opts);
export const saveTemplate = (kind, body, opts) => api.put(`/api/message-templates/${seg(kind)}`, body, opts);
export const resetTemplate = (kind, opts) => api.del(`/api/message-templates/${seg(kind)}`, opts);
