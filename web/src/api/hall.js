// The hall: departments, windows and their staff, staff-change requests and
// the working-day calendar (src/api/hall.c, calendar.c).
import { api, fetchAll, qs, seg } from './http.js';

// Departments (public list with item counts), cached for the session.
let deptCache = null;
export function departments(force = false) {
  if (!deptCache || force) deptCache = fetchAll('/api/departments').catch((e) => { deptCache = null; throw e; });
  return deptCache;
}
export const department = (id, opts) => api.get('/api/departments/' + seg(id), opts);
export const saveDepartment = (id, body, opts) => api.put('/api/departments/' + seg(id), body, opts);
// Each department's acceptance against its stationing mode, with flags
// (hall admin, supervisor): {items, totals}.
export const acceptance = (opts) => api.get('/api/hall/departments', opts);
// Staff accounts of a department (the responsible person is one of them).
export const deptStaff = (deptId, opts) => api.get('/api/users' + qs({ kind: 'staff', dept_id: deptId, limit: 200 }), opts);

const w = (id) => '/api/windows/' + seg(id);
export const windows = () => fetchAll('/api/windows');
export const createWindow = (body, opts) => api.post('/api/windows', body, opts);
export const saveWindow = (id, body, opts) => api.put(w(id), body, opts);
export const windowItems = (id, opts) => api.get(w(id) + '/items', opts);
export const setWindowItems = (id, itemIds, opts) => api.put(w(id) + '/items', { item_ids: itemIds }, opts);
export const windowStaff = (id, opts) => api.get(w(id) + '/staff', opts);

// A request→approve queue as RequestQueue.vue shows it; create() files one.
export const staffChanges = {
  list: (params, opts) => api.get('/api/staff-changes' + qs(params), opts),
  decide: (id, action, body, opts) => api.post(`/api/staff-changes/${seg(id)}/${action}`, body, opts),
  create: (body, opts) => api.post('/api/staff-changes', body, opts),
};

export const calendar = (year, opts) => api.get('/api/calendar' + qs({ year }), opts);
export const setDay = (date, body, opts) => api.put('/api/calendar/' + seg(date), body, opts);
export const loadYear = (year, text, opts) => api.post('/api/calendar/years/' + seg(String(year)), { text }, opts);
