// The console's build, dev server and component tests. `npm run dev:console` proxies the API
// (same origin in the browser, as when the service serves the built console itself).
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react-swc';

const api = `http://127.0.0.1:${process.env.PORT ?? '3000'}`;

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  server: {
    port: Number(process.env.CONSOLE_PORT ?? 5173),
    proxy: { '/api': api, '/health': api },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx'],
    setupFiles: ['src/test-setup.ts'],
    testTimeout: 30_000,
  },
});
