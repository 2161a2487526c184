// Role menus. An account may hold several roles: its menu is the union of
// the groups below, in this order. Paths are stable: pages built later keep
// them. `desc` is the one-line explanation shown on the home page.

export const ROLE_LABELS = {
  applicant: '申请人',
  clerk: '窗口人员',
  approver: '审批人员',
  dept_admin: '部门管理员',
  hall_admin: '大厅管理员',
  supervisor: '督查人员',
  sysadmin: '系统管理员',
};

export const MENU_GROUPS = [
  {
    role: 'applicant',
    title: '办事服务',
    icon: 'User',
    items: [
      { path: '/guide', title: '办事指南', icon: 'Reading', desc: '查询事项的办理条件、材料、时限和地点' },
      { path: '/apply', title: '我要办事', icon: 'EditPen', desc: '在线申报，材料一次提交' },
      { path: '/my/cases', title: '我的办件', icon: 'Files', desc: '查看办件进度，补正材料' },
      { path: '/my/certs', title: '我的证照', icon: 'Postcard', desc: '查看和下载电子证照、批文' },
      { path: '/my/ratings', title: '评价记录', icon: 'Star', desc: '对办事服务进行“好差评”' },
      { path: '/notifications', title: '消息通知', icon: 'Bell', desc: '办件进度、补正和领取提醒' },
    ],
  },
  {
    role: 'clerk',
    title: '窗口服务',
    icon: 'Monitor',
    items: [
      { path: '/window', title: '窗口工作台', icon: 'Monitor', desc: '窗口收件、即办、转办一览' },
      { path: '/window/accept', title: '待受理', icon: 'DocumentAdd', desc: '审核申请材料，受理或退回' },
      { path: '/window/deliver', title: '待出件', icon: 'Box', desc: '办结件的送达与出件登记' },
      { path: '/notifications', title: '消息通知', icon: 'Bell', desc: '临期、超期和待办提醒' },
    ],
  },
  {
    role: 'approver',
    title: '审批办理',
    icon: 'Stamp',
    items: [
      { path: '/approve', title: '审批工作台', icon: 'DataBoard', desc: '本部门审批事项的办理情况' },
      { path: '/approve/review', title: '待审查', icon: 'DocumentChecked', desc: '审查受理的办件，提出意见' },
      { path: '/approve/decide', title: '待决定', icon: 'Stamp', desc: '作出审批决定，加盖审批专用章' },
      { path: '/dept/checks', title: '告知承诺核查', icon: 'DocumentChecked', desc: '核查告知承诺的真实性，登记核查结果' },
      { path: '/notifications', title: '消息通知', icon: 'Bell', desc: '临期、超期和待办提醒' },
    ],
  },
  {
    role: 'dept_admin',
    title: '部门管理',
    icon: 'OfficeBuilding',
    items: [
      { path: '/catalog', title: '事项管理', icon: 'Collection', desc: '维护本部门政务服务事项' },
      { path: '/dept/staff', title: '部门人员', icon: 'UserFilled', desc: '本部门进驻人员与窗口授权' },
      { path: '/ledger', title: '工作台账', icon: 'Notebook', desc: '按季度填报和查看工作台账' },
      { path: '/dept/extensions', title: '延期审批', icon: 'Timer', desc: '审批本部门办件的延长办理时限申请' },
      { path: '/dept/checks', title: '告知承诺核查', icon: 'DocumentChecked', desc: '核查告知承诺的真实性，登记核查结果' },
      { path: '/notifications', title: '消息通知', icon: 'Bell', desc: '本部门办件预警与待审批提醒' },
    ],
  },
  {
    role: 'hall_admin',
    title: '大厅管理',
    icon: 'School',
    items: [
      { path: '/hall/depts', title: '部门与窗口', icon: 'OfficeBuilding', desc: '进驻部门、窗口设置与授权' },
      { path: '/hall/review', title: '事项审核发布', icon: 'Finished', desc: '审核部门报送的事项并发布' },
      { path: '/hall/requests', title: '审批申请', icon: 'Finished', desc: '全部须经批准的申请，逾期未审批的标红' },
      { path: '/hall/staff-changes', title: '人员变更审批', icon: 'Switch', desc: '审批进驻人员的调整申请' },
      { path: '/hall/withdrawals', title: '事项撤回审批', icon: 'RefreshLeft', desc: '审批进驻事项的撤回申请' },
      { path: '/hall/calendar', title: '工作日历', icon: 'Calendar', desc: '法定节假日与调休工作日' },
      { path: '/hall/bundles', title: '一件事管理', icon: 'Connection', desc: '“高效办成一件事”联办配置' },
      { path: '/notifications', title: '消息通知', icon: 'Bell', desc: '大厅管理相关提醒' },
    ],
  },
  {
    role: 'supervisor',
    title: '督查监督',
    icon: 'View',
    items: [
      { path: '/supervise', title: '督查总览', icon: 'View', desc: '全县办件、时限与评价总览' },
      { path: '/indicators', title: '改革指标', icon: 'TrendCharts', desc: '“减时间”、“最多跑一次”等五项指标' },
      { path: '/ratings', title: '好差评监督', icon: 'ChatDotSquare', desc: '差评核实、整改与回访' },
      { path: '/warnings', title: '超期预警', icon: 'Bell', desc: '临期与超期办件预警' },
      { path: '/notifications', title: '消息通知', icon: 'Bell', desc: '督查相关提醒' },
    ],
  },
  {
    role: 'sysadmin',
    title: '系统管理',
    icon: 'Setting',
    items: [
      { path: '/admin/users', title: '账户管理', icon: 'Avatar', desc: '工作人员账户与角色' },
      { path: '/admin/audit', title: '审计日志', icon: 'Document', desc: '操作留痕与防篡改校验' },
      { path: '/admin/settings', title: '系统设置', icon: 'Tools', desc: '密钥、备份与系统参数' },
      { path: '/notifications', title: '消息通知', icon: 'Bell', desc: '系统相关提醒' },
    ],
  },
];

// Menu shown to visitors who have not signed in.
export const PUBLIC_GROUP = {
  role: '',
  title: '公共服务',
  icon: 'Reading',
  items: [MENU_GROUPS[0].items[0]],
};

// The role names an account holds; applicants (person/enterprise) always
// hold "applicant" even when the server lists no role.
export function userRoles(user) {
  if (!user) return [];
  const roles = Array.isArray(user.roles) ? user.roles.slice() : [];
  if (user.kind && user.kind !== 'staff' && !roles.includes('applicant')) roles.unshift('applicant');
  return roles;
}

// The menu of an account: its role groups in order; an entry several of its
// roles share (消息通知, 告知承诺核查) appears once, in the first group.
export function menuFor(user) {
  if (!user) return [PUBLIC_GROUP];
  const roles = userRoles(user);
  const seen = new Set();
  const out = [];
  for (const g of MENU_GROUPS) {
    if (!roles.includes(g.role)) continue;
    const items = g.items.filter((it) => !seen.has(it.path));
    for (const it of items) seen.add(it.path);
    if (items.length) out.push({ ...g, items });
  }
  return out;
}

export function roleLabels(user) {
  return userRoles(user).map((r) => ROLE_LABELS[r] || r);
}

// Every menu entry with the roles that may open it (for route meta).
export function menuRoutes() {
  const byPath = new Map();
  for (const g of MENU_GROUPS) {
    for (const it of g.items) {
      const e = byPath.get(it.path) || { ...it, roles: [] };
      e.roles.push(g.role);
      byPath.set(it.path, e);
    }
  }
  return [...byPath.values()];
}
