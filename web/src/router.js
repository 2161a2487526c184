// The router, made from the table of pages in routes.js (add pages there).
import { createRouter, createWebHistory } from 'vue-router';
import { ElMessage } from 'element-plus';
import { session } from './session.js';
import { loadMe } from './api/auth.js';
import { PAGES, canOpen } from './routes.js';
import { userRoles } from './roles.js';
import MainLayout from './layouts/MainLayout.vue';
import LoginView from './views/LoginView.vue';
import RegisterView from './views/RegisterView.vue';
import ForgotView from './views/ForgotView.vue';
import HomeView from './views/HomeView.vue';
import PlaceholderView from './views/PlaceholderView.vue';
import NotFoundView from './views/NotFoundView.vue';

const SITE = '白河县政务服务平台';

function placeholderDesc(p) {
  const d = p.menu && p.menu.desc;
  return d && typeof d === 'object' ? Object.values(d)[0] : d;
}

const toRoute = (p) => ({
  path: p.bare ? p.path : p.path.slice(1),
  name: p.name,
  component: p.view || PlaceholderView,
  meta: {
    title: p.title,
    page: p,
    ...(p.access === 'public' ? { public: true } : {}),
    ...(Array.isArray(p.access) ? { roles: p.access } : {}),
    ...(p.view ? {} : { desc: placeholderDesc(p) }),
    ...(p.meta || {}),
  },
});
// Pages marked `bare` (a phone page opened from a QR code) stand outside the
// main layout.
const pageRoutes = PAGES.filter((p) => !p.bare).map(toRoute);
const bareRoutes = PAGES.filter((p) => p.bare).map(toRoute);

const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { title: '登录', public: true, guestOnly: true } },
  { path: '/register', name: 'register', component: RegisterView, meta: { title: '注册', public: true, guestOnly: true } },
  { path: '/forgot', name: 'forgot', component: ForgotView, meta: { title: '找回密码', public: true, guestOnly: true } },
  ...bareRoutes,
  {
    path: '/',
    component: MainLayout,
    children: [
      // Anonymous visitors get the public home page (guide, 一件事, look-up).
      { path: '', name: 'home', component: HomeView, meta: { title: '首页', public: true } },
      ...pageRoutes,
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
  if (to.meta.page && !canOpen(to.meta.page, userRoles(user))) {
    ElMessage.warning('您没有访问该功能的权限');
    return { name: 'home' };
  }
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - ${SITE}` : SITE;
});

export default router;
