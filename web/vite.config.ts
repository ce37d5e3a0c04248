import { defineConfig } from 'vite';

// The web app is built into web/dist and served by the Steady server from the same origin.
// No React plugin: Vite's own transformer handles JSX; fast refresh is not worth a dependency.
export default defineConfig({
  root: import.meta.dirname,
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite web` for UI work: API calls go to a Steady server on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
