// Shared bits of the 好差评 pages.
const ACTIONS = {
  open: '收到差评', valid: '核实属实', claim: '提出申诉', claim_accepted: '申诉成立',
  claim_refused: '申诉不成立', rectify: '整改', rectify_done: '整改完成', extend: '申请延期',
  extension_approved: '延期获批', extension_refused: '延期未批', feedback: '反馈评价人',
  revisit: '回访', close: '监督办结', send_back: '退回整改',
};
export const actionLabel = (a) => ACTIONS[a] || a;

export function fmt(t) {
  if (!t) return '';
  const d = new Date((t + 8 * 3600) * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

export const WARN = { red: { type: 'danger', label: '超期' }, yellow: { type: 'warning', label: '临期' }, green: { type: 'success', label: '正常' } };
