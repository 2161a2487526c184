// The five steps every case page and the public look-up show:
// 申请 → 受理 → 审查 → 决定 → 办结 (the server's case_step_of() in
// service/case/progress.c says the same).

export const STEPS = ['申请', '受理', '审查', '决定', '办结'];

const STEP_OF = {
  submitted: 0, supplement: 0, rejected: 0, withdrawn: 0,
  accepted: 1,
  review: 2, suspended: 2, terminated: 2,
  decide: 3, denied: 3,
  certify: 4, done: 4, revoked: 4,
};

// The step (0..4) a case in this state is at.
export function stepOf(state) {
  return STEP_OF[state] ?? 2;
}

// Did the case stop before 办结 (不予受理, 撤回, 不予许可, 退办, 撤销)?
export function stoppedEarly(state) {
  return ['rejected', 'withdrawn', 'terminated', 'denied', 'revoked'].includes(state);
}

// El-steps status of each step: 'finish' before the current one, the current
// one 'process' (or 'success' when done, 'error' when the case stopped),
// 'wait' after it.
export function stepStatuses(state) {
  const cur = stepOf(state);
  return STEPS.map((_, i) => {
    if (i < cur) return 'finish';
    if (i > cur) return 'wait';
    if (state === 'done') return 'success';
    if (stoppedEarly(state)) return 'error';
    return 'process';
  });
}

// "11610929MB1234567X4000104002000202609290001" -> its parts, so that a
// phone shows the number in readable groups: the department's credit code,
// the level, the item's basic code, the day and the day's sequence.
export function caseNoGroups(no) {
  const s = String(no || '');
  if (s.length < 43) return s ? [s] : [];
  return [s.slice(0, 18), s.slice(18, 19), s.slice(19, 31), s.slice(31, 39), s.slice(39)];
}
