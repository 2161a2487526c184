import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

// `npm run build` writes web/dist (served by `onetrip serve --static web/dist`,
// which falls back to index.html for client-side routes).
// `npm run dev` serves the sources and forwards /api to a local onetrip.
export default defineConfig({
  plugins: [
    vue(),
    // <el-button>, v-loading, ...: each page imports the Element Plus
    // components it uses, with their styles, instead of the whole library.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }),
  ],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks: a release that changes only our pages
        // leaves these cached in the browser.
        codeSplitting: {
          groups: [
            // ECharts in two chunks along its own layers (zrender below
            // echarts): a size-based split cut it into chunks that import
            // each other and failed at load ("x is not a constructor").
            { name: 'zrender', test: /[\\/]node_modules[\\/](zrender|tslib)[\\/]/, priority: 31 },
            { name: 'echarts', test: /[\\/]node_modules[\\/]echarts[\\/]/, priority: 30 },
            { name: 'vue', test: /[\\/]node_modules[\\/](vue|@vue|vue-router)[\\/]/, priority: 40 },
          ],
        },
      },
    },
  },
  // `make webtest`: unit tests of the front end's own logic (web/test/).
  test: { include: ['test/**/*.test.js'], environment: 'node' },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
      '/healthz': { target: 'http://127.0.0.1:8080' },
    },
  },
});
