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

// Menu entries not built yet open the placeholder page; a page built later
// replaces `component` for its path and keeps the path and name.
const featureRoutes = menuRoutes()
  .filter((m) => m.path !== '/guide')
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
      {
        path: 'guide/:rest(.*)*',
        name: 'guide',
        component: PlaceholderView,
        meta: { title: '办事指南', public: true, desc: '查询事项的办理条件、材料、时限和地点' },
      },
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
