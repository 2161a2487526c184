// The in-app inbox (src/api/notifications.c).
import { api, qs, seg } from './http.js';

// params: {limit, cursor}; the answer carries "unread".
export const list = (params, opts) => api.get('/api/notifications' + qs(params), opts);
export const read = (id, opts) => api.post(`/api/notifications/${seg(id)}/read`, {}, opts);
export const readAll = (opts) => api.post('/api/notifications/read-all', {}, opts);
