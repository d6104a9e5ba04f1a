import { defineConfig } from 'vite';

// The service serves the built console at /console/ (apps/service/src/console/serve-console.ts);
// `npm run dev:console` runs Vite's dev server with the API proxied to a running service.
const target = process.env['CONSOLE_API'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: process.env['CONSOLE_OUT_DIR'] ?? '../../dist/console',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // TanStack Query marks its modules "use client" for server-component bundlers; a client-only
      // bundle has nothing to preserve, so the warning is noise.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: { '/v1': target, '/health': target, '/docs-json': target },
  },
});
