// Small helpers around the catalogue HTTP API (phase2 contract).
import { api } from '../../api.js';

// Builds "?a=1&b=2" from the non-empty members of params.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

// Lists answer {items, next_cursor}; some answer a bare array.
export function listOf(r) {
  if (Array.isArray(r)) return { items: r, next: null };
  if (!r) return { items: [], next: null };
  const items = r.items || r.versions || r.departments || r.windows || r.reviews || r.requests || r.staff || r.diff || [];
  return { items: Array.isArray(items) ? items : [], next: r.next_cursor || null };
}

// Fetches every page of a list (bounded).
export async function fetchAll(path, params = {}, max = 20) {
  let cursor = '';
  const out = [];
  for (let i = 0; i < max; i++) {
    const r = await api.get(path + qs({ ...params, cursor, limit: 100 }));
    const { items, next } = listOf(r);
    out.push(...items);
    if (!next) break;
    cursor = next;
  }
  return out;
}

// Departments (public list with item counts), cached for the session.
let deptCache = null;
export async function departments(force = false) {
  if (!deptCache || force) deptCache = fetchAll('/api/departments').catch((e) => { deptCache = null; throw e; });
  return deptCache;
}

export function fmtTime(t) {
  if (!t) return '';
  const d = new Date(typeof t === 'number' ? t * 1000 : t);
  if (Number.isNaN(d.getTime())) return String(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
