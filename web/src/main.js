import { createApp } from 'vue';
import { provideGlobalConfig } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
// Element Plus components are imported on demand by the build
// (unplugin-vue-components, vite.config.js) with their own styles; the
// services called from scripts (ElMessage, ElMessageBox) need theirs here.
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import './styles.css';
import App from './App.vue';
import router from './router.js';
import { registerIcons } from './icons.js';
import { bindRouter } from './api/http.js';

const app = createApp(App);
registerIcons(app);
provideGlobalConfig({ locale: zhCn }, app, true);
app.use(router);
bindRouter(router);
app.mount('#app');
