import { createRouter, createWebHistory } from 'vue-router';
import { ElMessage } from 'element-plus';
import { session } from './session.js';
import { loadMe } from './api.js';
import { menuRoutes, userRoles } from './menus.js';
import MainLayout from './layouts/MainLayout.vue';
import LoginView from './views/LoginView.vue';
import RegisterView from './views/RegisterView.vue';
import HomeView from './views/HomeView.vue';
import PlaceholderView from './views/PlaceholderView.vue';
import NotFoundView from './views/NotFoundView.vue';

const SITE = '白河县政务服务平台';

// Case pages (applicant portal, window and approver workbenches, warnings,
// working calendar): menu entries plus the case detail pages.
const CASE_ROUTES = [
  ['/apply', 'apply', () => import('./views/cases/ApplyView.vue'), '我要办事', ['applicant']],
  ['/my/cases', 'my-cases', () => import('./views/my/MyCasesView.vue'), '我的办件', ['applicant']],
  ['/my/cases/:id(\\d+)', 'my-case', () => import('./views/my/MyCaseView.vue'), '办件详情', ['applicant']],
  ['/my/certs', 'my-certs', () => import('./views/my/MyCertsView.vue'), '我的证照', ['applicant']],
  ['/window', 'window', () => import('./views/window/WindowHomeView.vue'), '窗口工作台', ['clerk']],
  ['/window/accept', 'window-accept', () => import('./views/window/WindowHomeView.vue'), '待受理', ['clerk']],
  ['/window/deliver', 'window-deliver', () => import('./views/window/WindowHomeView.vue'), '待出件', ['clerk']],
  ['/window/cases/:id(\\d+)', 'window-case', () => import('./views/cases/StaffCaseView.vue'), '办件办理', ['clerk'], { desk: 'window' }],
  ['/approve', 'approve', () => import('./views/approve/ApproveHomeView.vue'), '审批工作台', ['approver']],
  ['/approve/review', 'approve-review', () => import('./views/approve/ApproveHomeView.vue'), '待审查', ['approver']],
  ['/approve/decide', 'approve-decide', () => import('./views/approve/ApproveHomeView.vue'), '待决定', ['approver']],
  ['/approve/cases/:id(\\d+)', 'approve-case', () => import('./views/cases/StaffCaseView.vue'), '办件审批', ['approver', 'dept_admin'], { desk: 'approve' }],
  ['/warnings', 'warnings', () => import('./views/cases/WarningsView.vue'), '超期预警', ['supervisor', 'dept_admin', 'hall_admin']],
  ['/hall/calendar', 'hall-calendar', () => import('./views/hall/CalendarView.vue'), '工作日历', ['hall_admin']],
];
const CASE_PATHS = new Set(CASE_ROUTES.map((r) => r[0]));
const caseRoutes = CASE_ROUTES.map(([path, name, component, title, roles, extra]) => ({
  path: path.slice(1), name, component, meta: { title, roles, ...(extra || {}) },
}));

// The inbox (every signed-in account) and the department's extension and
// 告知承诺 核查 work lists.
const WORK_ROUTES = [
  ['/notifications', 'notifications', () => import('./views/NotificationsView.vue'), '消息通知', null],
  ['/dept/extensions', 'dept-extensions', () => import('./views/dept/ExtensionsView.vue'), '延期审批', ['dept_admin']],
  ['/dept/checks', 'dept-checks', () => import('./views/dept/ChecksView.vue'), '告知承诺核查', ['dept_admin', 'approver']],
];
const WORK_PATHS = new Set(WORK_ROUTES.map((r) => r[0]));
const workRoutes = WORK_ROUTES.map(([path, name, component, title, roles]) => ({
  path: path.slice(1), name, component, meta: roles ? { title, roles } : { title },
}));

// Catalogue pages: the public guide, catalogue management, the hall's
// review, departments/windows, staff and withdrawal approvals, indicators.
const STAFF_ALL = ['dept_admin', 'hall_admin', 'supervisor', 'sysadmin'];
const CATALOG_ROUTES = [
  ['/guide', 'guide', () => import('./views/guide/GuideHome.vue'), '办事指南', null],
  ['/guide/items/:id(\\d+)', 'guide-item', () => import('./views/guide/GuideItem.vue'), '办事指南', null],
  ['/guide/depts/:id(\\d+)', 'guide-dept', () => import('./views/guide/GuideDept.vue'), '办事指南', null],
  ['/catalog', 'catalog', () => import('./views/catalog/CatalogList.vue'), '事项管理', STAFF_ALL],
  ['/catalog/items/new', 'catalog-item-new', () => import('./views/catalog/CatalogItem.vue'), '新建事项', ['dept_admin']],
  ['/catalog/items/:id(\\d+)', 'catalog-item', () => import('./views/catalog/CatalogItem.vue'), '事项详情', STAFF_ALL],
  ['/hall/depts', 'hall-depts', () => import('./views/hall/HallDepts.vue'), '部门与窗口', ['hall_admin']],
  ['/hall/review', 'hall-review', () => import('./views/hall/HallReview.vue'), '事项审核发布', ['hall_admin']],
  ['/hall/staff-changes', 'hall-staff-changes', () => import('./views/hall/HallStaffChanges.vue'), '人员变更审批', ['hall_admin']],
  ['/hall/requests', 'hall-requests', () => import('./views/hall/HallRequests.vue'), '审批申请', ['hall_admin', 'supervisor', 'dept_admin', 'sysadmin']],
  ['/hall/withdrawals', 'hall-withdrawals', () => import('./views/hall/HallWithdrawals.vue'), '事项撤回审批', ['hall_admin']],
  ['/dept/staff', 'dept-staff', () => import('./views/hall/DeptStaff.vue'), '部门人员', ['dept_admin']],
  ['/indicators', 'indicators', () => import('./views/hall/IndicatorsView.vue'), '改革指标', ['supervisor', 'hall_admin', 'dept_admin', 'sysadmin']],
];
const CATALOG_PATHS = new Set(CATALOG_ROUTES.map((r) => r[0]));
const catalogRoutes = CATALOG_ROUTES.map(([path, name, component, title, roles]) => ({
  path: path.slice(1), name, component,
  meta: roles ? { title, roles } : { title, public: true },
}));

// Menu entries not built yet open the placeholder page; a page built later
// replaces `component` for its path and keeps the path and name.
const featureRoutes = menuRoutes()
  .filter((m) => !CATALOG_PATHS.has(m.path) && !CASE_PATHS.has(m.path) && !WORK_PATHS.has(m.path))
  .map((m) => ({
    path: m.path.slice(1),
    name: m.path.slice(1).replace(/\//g, '-'),
    component: PlaceholderView,
    meta: { title: m.title, roles: m.roles, desc: m.desc },
  }));

const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { title: '登录', public: true, guestOnly: true } },
  { path: '/register', name: 'register', component: RegisterView, meta: { title: '注册', public: true, guestOnly: true } },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'home', component: HomeView, meta: { title: '首页' } },
      ...catalogRoutes,
      ...caseRoutes,
      ...workRoutes,
      ...featureRoutes,
      { path: ':pathMatch(.*)*', name: 'not-found', component: NotFoundView, meta: { title: '页面不存在', public: true } },
    ],
  },
];

const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach(async (to) => {
  if (!session.loaded) await loadMe();
  const user = session.user;
  if (to.meta.guestOnly && user) return { name: 'home' };
  if (to.meta.public) return true;
  if (!user) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  const roles = to.meta.roles;
  if (roles && !roles.some((r) => userRoles(user).includes(r))) {
    ElMessage.warning('您没有访问该功能的权限');
    return { name: 'home' };
  }
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - ${SITE}` : SITE;
});

export default router;
