// Shared helpers of the 一件事 pages: labels, colours and the items an
// applicant's answers choose (the same rule as core/bundle.c bundle_choose).

export const LIFE_EVENTS = { P: '个人一件事', E: '企业一件事' };

export const BUNDLE_STATES = {
  submitted: { label: '待受理', type: 'primary' },
  supplement: { label: '待补正', type: 'warning' },
  running: { label: '并联审批中', type: 'primary' },
  completed: { label: '全部办结，待出件', type: 'success' },
  delivered: { label: '已出件', type: 'success' },
  ended: { label: '未能全部办结', type: 'danger' },
  rejected: { label: '不予受理', type: 'danger' },
  withdrawn: { label: '已撤回', type: 'info' },
};

export const CHILD_STATES = {
  skipped: { type: 'info' },
  waiting: { type: 'info' },
  created: { type: 'primary' },
};

export const EVENT_LABELS = {
  apply: '提交申请', register: '窗口登记', accept: '一窗受理', reject: '不予受理',
  request_supplement: '一次性告知补正', supplement: '补正材料', start: '启动后续事项',
  complete: '全部办结', end: '办结失败', deliver: '统一出件',
};

export const OPEN_STATES = ['submitted', 'supplement', 'running', 'completed'];

export function stateTag(s) {
  return (BUNDLE_STATES[s] || { type: 'info' }).type;
}

// The keys of the items the answers choose: every required item, and an
// optional item whose question is answered yes.
export function chosenKeys(items, answers) {
  const out = new Set();
  for (const it of items || []) {
    if (!it.optional || (it.when && answers && answers[it.when] === true)) out.add(it.key);
  }
  return out;
}

// The materials of the combined list that the chosen items need.
export function chosenMaterials(materials, keys) {
  return (materials || []).filter((m) => (m.items || []).some((k) => keys.has(k)));
}

// A child's state as one tag: {label, type}.
export function childTag(ch) {
  const c = ch.case;
  if (ch.state === 'skipped') return { label: ch.status_label || '未选择', type: 'info' };
  if (ch.state === 'waiting') return { label: ch.status_label || '等待', type: 'info' };
  if (c && ['done', 'certify'].includes(c.state)) return { label: ch.status_label || '已准予', type: 'success' };
  if (c && ['denied', 'terminated', 'withdrawn', 'revoked', 'rejected'].includes(c.state)) {
    return { label: ch.status_label || '未能办结', type: 'danger' };
  }
  return { label: (c && c.state_label) || ch.status_label || '审批中', type: 'primary' };
}
