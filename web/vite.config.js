import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// `npm run build` writes web/dist (served by `onetrip serve --static web/dist`,
// which falls back to index.html for client-side routes).
// `npm run dev` serves the sources and forwards /api to a local onetrip.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks: a release that changes only our pages
        // leaves these cached in the browser.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /[\\/]node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
            { name: 'element-plus', test: /[\\/]node_modules[\\/](element-plus|@element-plus)[\\/]/, priority: 20 },
            { name: 'vue', test: /[\\/]node_modules[\\/](vue|@vue|vue-router)[\\/]/, priority: 40 },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 0 },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
      '/healthz': { target: 'http://127.0.0.1:8080' },
    },
  },
});
