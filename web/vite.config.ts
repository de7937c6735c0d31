import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:3000';

/**
 * The console: built into web/dist, which the server serves at `/` with an SPA fallback.
 * Pages are lazy chunks, so the first load carries only the shell (antd core, router, i18n).
 */
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': api,
      '/docs': api,
    },
  },
});
