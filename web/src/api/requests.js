// The one request -> approve queue (src/api/requests.c): every kind of
// request that needs someone's approval (staff changes, item withdrawals,
// restrictive catalogue changes, …), as RequestQueue.vue shows it.
import { api, qs, seg } from './http.js';

export const requests = {
  list: (params, opts) => api.get('/api/requests' + qs(params), opts),
  decide: (id, action, body, opts) => api.post(`/api/requests/${seg(id)}/${action}`, body, opts),
};
export const kinds = (opts) => api.get('/api/requests/kinds', opts);
