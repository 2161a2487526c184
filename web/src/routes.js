// THE table of pages: every URL of the front end, who may open it, and its
// side-menu entry. The router (router.js) and the side menu / home page
// tiles (menuFor below) are both made from it, so they cannot disagree.
//
// Adding a page = adding ONE entry to PAGES:
//
//   { path: '/supervise/rectify', name: 'supervise-rectify', title: '整改督办',
//     view: () => import('./views/supervise/RectifyView.vue'),
//     access: ['supervisor'],                       // who may open it
//     menu: { icon: 'Finished', desc: '差评与超期的整改督办' } },  // omit: no menu entry
//
//   access  'public' (no sign-in), 'login' (any signed-in account) or a list
//           of roles (see roles.js). The server checks again; this only
//           keeps people away from pages that would answer 403.
//   menu    the entry appears in the menu group of EVERY role in `access`
//           ('login': every role), in the order of this table, once per
//           account (in its first group). Only a public page names the
//           groups it appears in (menu.roles). `desc` is the home page's
//           one-line explanation, a string or {role: text}. `icon` is the
//           name of an @element-plus/icons-vue icon.
//   view    the page component; an entry without one shows the placeholder
//           page until it is built (keep path and name when building it).
//   meta    extra route meta (e.g. { desk: 'window' }).
//   bare    true: shown without the main layout (the phone rating page).
//
// Paths are stable: links in notifications and bookmarks use them.

import { userRoles } from './roles.js';

const ANY_STAFF = ['dept_admin', 'hall_admin', 'supervisor', 'sysadmin'];

export const PAGES = [
  // --- applicants
  { path: '/guide', name: 'guide', title: '办事指南', access: 'public',
    view: () => import('./views/guide/GuideHome.vue'),
    menu: { roles: ['applicant'], icon: 'Reading', desc: '查询事项的办理条件、材料、时限和地点' } },
  { path: '/guide/items/:id(\\d+)', name: 'guide-item', title: '办事指南', access: 'public',
    view: () => import('./views/guide/GuideItem.vue') },
  { path: '/guide/depts/:id(\\d+)', name: 'guide-dept', title: '办事指南', access: 'public',
    view: () => import('./views/guide/GuideDept.vue') },
  { path: '/guide/bundles/:id(\\d+)', name: 'guide-bundle', title: '一件事办事指南', access: 'public',
    view: () => import('./views/guide/GuideBundle.vue') },
  { path: '/progress', name: 'progress', title: '办件进度查询', access: 'public',
    view: () => import('./views/ProgressView.vue'),
    menu: { roles: ['applicant'], icon: 'Search', desc: '凭办件编号或查询码和手机号码查询办理进度' } },
  { path: '/apply', name: 'apply', title: '我要办事', access: ['applicant'],
    view: () => import('./views/cases/ApplyView.vue'),
    menu: { icon: 'EditPen', desc: '在线申报，材料一次提交' } },
  { path: '/my/cases', name: 'my-cases', title: '我的办件', access: ['applicant'],
    view: () => import('./views/my/MyCasesView.vue'),
    menu: { icon: 'Files', desc: '查看办件进度，补正材料' } },
  { path: '/my/cases/:id(\\d+)', name: 'my-case', title: '办件详情', access: ['applicant'],
    view: () => import('./views/my/MyCaseView.vue') },
  { path: '/apply/bundles/:id(\\d+)', name: 'apply-bundle', title: '申办一件事', access: ['applicant'],
    view: () => import('./views/bundles/BundleApply.vue') },
  { path: '/my/bundles', name: 'my-bundles', title: '我的一件事', access: ['applicant'],
    view: () => import('./views/bundles/BundleCasesView.vue'), meta: { mine: true, prefix: '/my/bundles/' },
    menu: { icon: 'Connection', desc: '一件事的并联审批进度、补正与统一出件' } },
  { path: '/my/bundles/:id(\\d+)', name: 'my-bundle', title: '一件事详情', access: ['applicant'],
    view: () => import('./views/bundles/BundleCaseView.vue') },
  { path: '/my/projects', name: 'my-projects', title: '我的项目', access: ['applicant'],
    view: () => import('./views/projects/ProjectsList.vue'), meta: { mine: true },
    menu: { icon: 'OfficeBuilding', desc: '工程建设项目各阶段的并联审批进度、联合验收与整改' } },
  { path: '/my/projects/:pid(\\d+)/stages/:stage(\\d)/apply/:id(\\d+)', name: 'project-stage-apply', title: '阶段申报', access: ['applicant'],
    view: () => import('./views/bundles/BundleApply.vue'), meta: { projectStage: true } },
  { path: '/my/certs', name: 'my-certs', title: '我的证照', access: ['applicant'],
    view: () => import('./views/my/MyCertsView.vue'),
    menu: { icon: 'Postcard', desc: '查看和下载电子证照、批文' } },
  { path: '/my/ratings', name: 'my-ratings', title: '我的评价', access: ['applicant'],
    view: () => import('./views/ratings/MyRatingsView.vue'),
    menu: { icon: 'Star', desc: '我的“好差评”记录与差评处置进度' } },
  { path: '/my/realname', name: 'my-realname', title: '实名核验', access: ['applicant'],
    view: () => import('./views/my/RealnameView.vue'),
    menu: { icon: 'UserFilled', desc: '查看实名等级，用短信验证码等方式完成实名核验' } },
  { path: '/rate/:token', name: 'rate', title: '服务评价', access: 'public', bare: true,
    view: () => import('./views/ratings/RatePublicView.vue') },

  // --- window clerks
  { path: '/window', name: 'window', title: '窗口工作台', access: ['clerk'],
    view: () => import('./views/window/WindowHomeView.vue'),
    menu: { icon: 'Monitor', desc: '窗口收件、即办、转办一览' } },
  { path: '/window/accept', name: 'window-accept', title: '待受理', access: ['clerk'],
    view: () => import('./views/window/WindowHomeView.vue'),
    menu: { icon: 'DocumentAdd', desc: '审核申请材料，受理或退回' } },
  { path: '/window/deliver', name: 'window-deliver', title: '待出件', access: ['clerk'],
    view: () => import('./views/window/WindowHomeView.vue'),
    menu: { icon: 'Box', desc: '办结件的送达与出件登记' } },
  { path: '/window/bundles', name: 'window-bundles', title: '一件事受理', access: ['clerk'],
    view: () => import('./views/bundles/BundleCasesView.vue'), meta: { prefix: '/window/bundles/' },
    menu: { icon: 'Connection', desc: '一件事一窗受理、一次性告知补正、统一出件' } },
  { path: '/window/bundles/:id(\\d+)', name: 'window-bundle', title: '一件事受理', access: ['clerk'],
    view: () => import('./views/bundles/BundleCaseView.vue') },
  { path: '/window/identity', name: 'window-identity', title: '身份核验', access: ['clerk'],
    view: () => import('./views/window/IdentityView.vue'),
    menu: { icon: 'UserFilled', desc: '查验证件后核验申请人账户，或为本人收回被占用的证件号码' } },
  { path: '/window/cases/:id(\\d+)', name: 'window-case', title: '办件办理', access: ['clerk'],
    view: () => import('./views/cases/StaffCaseView.vue'), meta: { desk: 'window' } },

  // --- approvers
  { path: '/approve', name: 'approve', title: '审批工作台', access: ['approver'],
    view: () => import('./views/approve/ApproveHomeView.vue'),
    menu: { icon: 'DataBoard', desc: '本部门审批事项的办理情况' } },
  { path: '/approve/review', name: 'approve-review', title: '待审查', access: ['approver'],
    view: () => import('./views/approve/ApproveHomeView.vue'),
    menu: { icon: 'DocumentChecked', desc: '审查受理的办件，提出意见' } },
  { path: '/approve/decide', name: 'approve-decide', title: '待决定', access: ['approver'],
    view: () => import('./views/approve/ApproveHomeView.vue'),
    menu: { icon: 'Stamp', desc: '作出审批决定，加盖审批专用章' } },
  { path: '/approve/cases/:id(\\d+)', name: 'approve-case', title: '办件审批', access: ['approver', 'dept_admin'],
    view: () => import('./views/cases/StaffCaseView.vue'), meta: { desk: 'approve' } },

  // --- the hall
  { path: '/hall/depts', name: 'hall-depts', title: '部门与窗口', access: ['hall_admin'],
    view: () => import('./views/hall/HallDepts.vue'),
    menu: { icon: 'OfficeBuilding', desc: '进驻部门、窗口设置与授权' } },
  { path: '/hall/review', name: 'hall-review', title: '事项审核发布', access: ['hall_admin'],
    view: () => import('./views/hall/HallReview.vue'),
    menu: { icon: 'Finished', desc: '审核部门报送的事项并发布' } },
  { path: '/hall/requests', name: 'hall-requests', title: '审批申请', access: ['hall_admin', 'supervisor', 'dept_admin', 'sysadmin'],
    view: () => import('./views/hall/HallRequests.vue'),
    menu: { icon: 'Finished', desc: '全部须经批准的申请，逾期未审批的标红' } },
  { path: '/hall/staff-changes', name: 'hall-staff-changes', title: '人员变更审批', access: ['hall_admin'],
    view: () => import('./views/hall/HallStaffChanges.vue'),
    menu: { icon: 'Switch', desc: '审批进驻人员的调整申请' } },
  { path: '/hall/withdrawals', name: 'hall-withdrawals', title: '事项撤回审批', access: ['hall_admin'],
    view: () => import('./views/hall/HallWithdrawals.vue'),
    menu: { icon: 'RefreshLeft', desc: '审批进驻事项的撤回申请' } },
  { path: '/hall/calendar', name: 'hall-calendar', title: '工作日历', access: ['hall_admin'],
    view: () => import('./views/hall/CalendarView.vue'),
    menu: { icon: 'Calendar', desc: '法定节假日与调休工作日' } },
  { path: '/hall/messages', name: 'hall-messages', title: '消息模板', access: ['hall_admin'],
    view: () => import('./views/hall/MessageTemplates.vue'),
    menu: { icon: 'Bell', desc: '申请人各环节的站内消息与短信模板' } },
  { path: '/hall/synonyms', name: 'hall-synonyms', title: '搜索同义词', access: ['hall_admin'],
    view: () => import('./views/hall/SearchSynonyms.vue'),
    menu: { icon: 'Search', desc: '办事指南搜索的俗称、常用说法与对应事项' } },
  { path: '/hall/bundles', name: 'hall-bundles', title: '一件事管理', access: ['hall_admin'],
    view: () => import('./views/hall/HallBundles.vue'),
    menu: { icon: 'Connection', desc: '“高效办成一件事”联办配置' } },

  { path: '/bundle-cases', name: 'bundle-cases', title: '一件事办理', access: ['approver', 'dept_admin', 'hall_admin', 'supervisor'],
    view: () => import('./views/bundles/BundleCasesView.vue'), meta: { prefix: '/bundle-cases/' },
    menu: { icon: 'Connection', desc: '一件事各子项的并联审批进度、剩余时限与办理部门' } },
  { path: '/bundle-cases/:id(\\d+)', name: 'bundle-case', title: '一件事详情', access: ['approver', 'dept_admin', 'hall_admin', 'supervisor'],
    view: () => import('./views/bundles/BundleCaseView.vue') },

  { path: '/projects', name: 'projects', title: '工程建设项目', access: ['clerk', 'approver', 'dept_admin', 'hall_admin', 'supervisor'],
    view: () => import('./views/projects/ProjectsList.vue'),
    menu: { icon: 'OfficeBuilding', desc: '工程建设项目的阶段、并联审批与用时' } },
  { path: '/projects/desk', name: 'projects-desk', title: '项目管家工作台', access: ['clerk', 'approver', 'dept_admin', 'hall_admin', 'supervisor'],
    view: () => import('./views/projects/StewardDesk.vue'),
    menu: { icon: 'Monitor', desc: '所服务项目的每项审批：状态、剩余时限、在办部门和卡点' } },
  { path: '/projects/:id(\\d+)', name: 'project', title: '项目详情', access: ['applicant', 'clerk', 'approver', 'dept_admin', 'hall_admin', 'supervisor'],
    view: () => import('./views/projects/ProjectView.vue') },
  { path: '/project-events/:id(\\d+)', name: 'project-event', title: '联合踏勘评审验收', access: ['applicant', 'clerk', 'approver', 'dept_admin', 'hall_admin', 'supervisor'],
    view: () => import('./views/projects/JointEvent.vue') },

  // --- supervision and administration
  { path: '/supervise', name: 'supervise', title: '督查工作台', access: ['supervisor', 'hall_admin'],
    view: () => import('./views/supervise/DeskView.vue'),
    menu: { icon: 'View', desc: { supervisor: '临期超期、久拖无进展、延期、工单与通报，按部门点查', '': '督查工作台（只读）' } } },
  { path: '/supervise/tickets', name: 'supervise-tickets', title: '问题工单', access: ['supervisor', 'hall_admin', 'dept_admin', 'approver'],
    view: () => import('./views/supervise/TicketsView.vue'),
    menu: { icon: 'Tickets', desc: { supervisor: '问题处置协同：登记、升级督办与评价', '': '说明原因、提出措施、限期解决' } } },
  { path: '/supervise/notices', name: 'supervise-notices', title: '督查通报', access: ['supervisor', 'hall_admin', 'dept_admin', 'approver'],
    view: () => import('./views/supervise/NoticesView.vue'),
    menu: { icon: 'Warning', desc: { supervisor: '下发通报、审核整改、通报批评', '': '报送督查通报的整改情况' } } },
  { path: '/supervise/sittings', name: 'supervise-sittings', title: '坐窗口走流程', access: ['supervisor', 'hall_admin', 'dept_admin'],
    view: () => import('./views/supervise/SittingsView.vue'),
    menu: { icon: 'User', desc: '领导坐窗口、走流程记录与季度达标' } },
  { path: '/supervise/volumes', name: 'supervise-volumes', title: '体外循环核查', access: ['supervisor', 'hall_admin', 'dept_admin'],
    view: () => import('./views/supervise/VolumesView.vue'),
    menu: { icon: 'DataBoard', desc: { supervisor: '报送办件量与平台办件比对、疑似事后补录', '': '报送月度办件量，查看比对结果' } } },
  { path: '/supervise/assess', name: 'supervise-assess', title: '评估验收', access: ['supervisor', 'hall_admin', 'dept_admin'],
    view: () => import('./views/supervise/AssessView.vue'),
    menu: { icon: 'DocumentChecked', desc: { supervisor: '“三集中三到位”评估打分，问题限期整改', '': '“三集中三到位”自查与佐证材料' } } },
  // Who sees the administration pages: docs/security.md "Administration pages".
  { path: '/admin/users', name: 'admin-users', title: '账户管理', access: ['hall_admin', 'sysadmin'],
    view: () => import('./views/admin/UsersView.vue'),
    menu: { icon: 'Avatar', desc: '账户与角色：开户、调整角色和部门、停用，均经人员变动申请审批' } },
  { path: '/admin/audit', name: 'admin-audit', title: '审计日志', access: ['hall_admin', 'supervisor'],
    view: () => import('./views/admin/AuditView.vue'),
    menu: { icon: 'Document', desc: '操作留痕的查询、导出与哈希链校验' } },
  { path: '/admin/settings', name: 'admin-settings', title: '系统设置', access: ['hall_admin', 'sysadmin'],
    view: () => import('./views/admin/SettingsView.vue'),
    menu: { icon: 'Tools', desc: '全部配置项、当前值与来源（只读），办理规则参数及其依据' } },

  // --- departments (and every staff role that may read the catalogue)
  { path: '/catalog', name: 'catalog', title: '事项管理', access: ANY_STAFF,
    view: () => import('./views/catalog/CatalogList.vue'),
    menu: { icon: 'Collection', desc: { dept_admin: '维护本部门政务服务事项', '': '查询全县政务服务事项，导出事项目录' } } },
  { path: '/catalog/items/new', name: 'catalog-item-new', title: '新建事项', access: ['dept_admin'],
    view: () => import('./views/catalog/CatalogItem.vue') },
  { path: '/catalog/items/:id(\\d+)', name: 'catalog-item', title: '事项详情', access: ANY_STAFF,
    view: () => import('./views/catalog/CatalogItem.vue') },
  { path: '/dept/staff', name: 'dept-staff', title: '部门人员', access: ['dept_admin'],
    view: () => import('./views/hall/DeptStaff.vue'),
    menu: { icon: 'UserFilled', desc: '本部门进驻人员与窗口授权' } },
  { path: '/ledger', name: 'ledger', title: '工作台账', access: ['dept_admin', 'hall_admin', 'supervisor', 'sysadmin'],
    view: () => import('./views/stats/LedgerView.vue'),
    menu: { icon: 'Notebook', desc: { dept_admin: '按季度填报和报送本部门工作台账', '': '各部门季度工作台账：报送情况、审核、汇总导出' } } },
  { path: '/dept/extensions', name: 'dept-extensions', title: '延期审批', access: ['dept_admin'],
    view: () => import('./views/dept/ExtensionsView.vue'),
    menu: { icon: 'Timer', desc: '审批本部门办件的延长办理时限申请' } },
  { path: '/dept/checks', name: 'dept-checks', title: '告知承诺核查', access: ['dept_admin', 'approver'],
    view: () => import('./views/dept/ChecksView.vue'),
    menu: { icon: 'DocumentChecked', desc: '核查告知承诺的真实性，登记核查结果' } },
  { path: '/dashboard', name: 'dashboard', title: '改革工作看板', access: ['supervisor', 'hall_admin', 'dept_admin', 'sysadmin'],
    view: () => import('./views/stats/DashboardView.vue'),
    menu: { icon: 'DataBoard', desc: '五项指标与目标、办件实绩、台账与任务，点击数字查看明细' } },
  { path: '/indicators', name: 'indicators', title: '改革指标', access: ['supervisor', 'hall_admin', 'dept_admin', 'sysadmin'],
    view: () => import('./views/hall/IndicatorsView.vue'),
    menu: { icon: 'TrendCharts', desc: '“减时间”、“最多跑一次”等五项指标' } },
  { path: '/ratings', name: 'ratings', title: '好差评监督', access: ['supervisor', 'hall_admin'],
    view: () => import('./views/ratings/RatingsView.vue'),
    menu: { icon: 'ChatDotSquare', desc: '满意度统计，差评核实、整改、回访的超期督办' } },
  { path: '/dept/ratings', name: 'dept-ratings', title: '差评处置', access: ['dept_admin', 'approver', 'supervisor'],
    view: () => import('./views/ratings/LoopQueueView.vue'),
    menu: { icon: 'ChatLineSquare', desc: { dept_admin: '核实、整改、反馈、回访本部门差评', approver: '核实、整改、反馈、回访本部门差评', supervisor: '监督差评整改：办结或退回' } } },
  { path: '/hall/rating-appeals', name: 'hall-rating-appeals', title: '申诉复核', access: ['hall_admin'],
    view: () => import('./views/ratings/AppealsView.vue'),
    menu: { icon: 'Checked', desc: '复核部门提出的误评、恶意差评申诉' } },
  { path: '/admin/outbox', name: 'admin-outbox', title: '上报发件箱', access: ['sysadmin', 'hall_admin'],
    view: () => import('./views/ratings/OutboxView.vue'),
    menu: { icon: 'Upload', desc: '好差评上报与短信：待发送、失败与死信' } },
  { path: '/warnings', name: 'warnings', title: '超期预警', access: ['supervisor', 'dept_admin', 'hall_admin'],
    view: () => import('./views/cases/WarningsView.vue'),
    menu: { icon: 'Bell', desc: '临期与超期办件预警' } },

  // --- everyone signed in
  { path: '/notifications', name: 'notifications', title: '消息通知', access: 'login',
    view: () => import('./views/NotificationsView.vue'),
    menu: { icon: 'Bell', desc: {
      applicant: '办件进度、补正和领取提醒', clerk: '临期、超期和待办提醒', approver: '临期、超期和待办提醒',
      dept_admin: '本部门办件预警与待审批提醒', hall_admin: '大厅管理相关提醒', supervisor: '督查相关提醒',
      sysadmin: '系统相关提醒' } } },
];

// The menu groups, one per role, in the order an account with several
// roles sees them.
export const MENU_GROUPS = [
  { role: 'applicant', title: '办事服务', icon: 'User' },
  { role: 'clerk', title: '窗口服务', icon: 'Monitor' },
  { role: 'approver', title: '审批办理', icon: 'Stamp' },
  { role: 'dept_admin', title: '部门管理', icon: 'OfficeBuilding' },
  { role: 'hall_admin', title: '大厅管理', icon: 'School' },
  { role: 'supervisor', title: '督查监督', icon: 'View' },
  { role: 'sysadmin', title: '系统管理', icon: 'Setting' },
];
export const ROLES = MENU_GROUPS.map((g) => g.role);

// The roles whose menu group lists a page.
export function menuRolesOf(page) {
  if (!page.menu) return [];
  if (page.menu.roles) return page.menu.roles;
  if (page.access === 'login') return ROLES;
  return Array.isArray(page.access) ? page.access : [];
}

// May this account open this page (the router's check)?
export function canOpen(page, roles) {
  if (page.access === 'public') return true;
  if (page.access === 'login') return true;
  return page.access.some((r) => roles.includes(r));
}

function entry(page, role) {
  const d = page.menu.desc;
  const desc = d && typeof d === 'object' ? (d[role] ?? d[''] ?? '') : (d || '');
  return { path: page.path, title: page.title, icon: page.menu.icon, desc };
}

// The menu of an account holding `roles`: its role groups in order, each
// with the pages of the table that role may open; a page several of its
// roles share (消息通知, 告知承诺核查) appears once, in the first group.
export function menuForRoles(roles) {
  const seen = new Set();
  const out = [];
  for (const g of MENU_GROUPS) {
    if (!roles.includes(g.role)) continue;
    const items = [];
    for (const p of PAGES) {
      if (seen.has(p.path) || !menuRolesOf(p).includes(g.role)) continue;
      seen.add(p.path);
      items.push(entry(p, g.role));
    }
    if (items.length) out.push({ ...g, items });
  }
  return out;
}

// The menu shown to visitors who have not signed in: the public pages.
export function publicMenu() {
  const items = PAGES.filter((p) => p.access === 'public' && p.menu).map((p) => entry(p, ''));
  return [{ role: '', title: '公共服务', icon: 'Reading', items }];
}

// The menu of a signed-in account, or the public one.
export function menuFor(user) {
  return user ? menuForRoles(userRoles(user)) : publicMenu();
}
