// Formatting shared by every page.

const pad = (n) => String(n).padStart(2, '0');

// Unix seconds (or an ISO string) -> "2026-09-28 10:00"; empty for none.
export function fmtTime(t) {
  if (!t) return '';
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// "2026-10-09" -> "2026年10月9日（星期五）".
export function fmtDay(day, withWeekday = true) {
  if (!day) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const s = `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
  return withWeekday ? `${s}（星期${'日一二三四五六'[d.getDay()]}）` : s;
}
