// The roles an account may hold, their names, and the roles of one account.

export const ROLE_LABELS = {
  applicant: '申请人',
  clerk: '窗口人员',
  approver: '审批人员',
  dept_admin: '部门管理员',
  hall_admin: '大厅管理员',
  supervisor: '督查人员',
  sysadmin: '系统管理员',
};

// The roles an account holds; applicants (person/enterprise) always hold
// "applicant" even when the server lists no role.
export function userRoles(user) {
  if (!user) return [];
  const roles = Array.isArray(user.roles) ? user.roles.slice() : [];
  if (user.kind && user.kind !== 'staff' && !roles.includes('applicant')) roles.unshift('applicant');
  return roles;
}

export function roleLabels(user) {
  return userRoles(user).map((r) => ROLE_LABELS[r] || r);
}
