// Formatting shared by every page.

const pad = (n) => String(n).padStart(2, '0');

// Unix seconds (or an ISO string) -> "2026-09-28 10:00"; empty for none.
export function fmtTime(t) {
  if (!t) return '';
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
