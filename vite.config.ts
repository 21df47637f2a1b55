import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { mockApi } from './ui/dev/mock-api.js';

/**
 * The dashboard's browser app (ui/), built into dist/ui/ by `npm run build`
 * and served by `chainwatch serve` (src/server/static.ts). Everything is
 * bundled: no CDN, no external URL, nothing inline (the server's CSP is
 * `script-src 'self'; style-src 'self'`). `vite` (the dev server) answers
 * /api from ui/dev/fixture.json so the UI can be worked on without a store;
 * the mock is never part of the build.
 */
export default defineConfig(({ command }) => ({
  root: resolve(import.meta.dirname, 'ui'),
  base: '/',
  publicDir: resolve(import.meta.dirname, 'ui/public'),
  plugins: command === 'serve' ? [mockApi()] : [],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/ui'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // Never inline assets as data: URLs (the CSP allows 'self' only).
    assetsInlineLimit: 0,
    // sigma + graphology are one lazy chunk, loaded by the Graph explorer only.
    chunkSizeWarningLimit: 800,
  },
  server: { host: '127.0.0.1', strictPort: false },
  preview: { host: '127.0.0.1' },
}));
