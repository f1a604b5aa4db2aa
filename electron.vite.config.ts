import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// One build for all three targets: the main process (plus the sync worker, which Electron runs as a
// utilityProcess), the sandboxed preload (CommonJS: sandboxed preloads cannot be ES modules) and the
// renderer, which browser mode (`npm run web`) also serves from out/renderer.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          main: resolve('electron/main.ts'),
          'sync-worker': resolve('electron/sync/sync-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require packages: bundle the contract (and zod) into it.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve('electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    plugins: [react()],
    resolve: {
      alias: {
        // rehype-katex turns KaTeX's HTML into a syntax tree; the browser build of this package
        // parses it through innerHTML, which our CSP (no inline styles) answers with a violation
        // per styled element. The parse5 build never touches the DOM.
        'hast-util-from-html-isomorphic': resolve('node_modules/hast-util-from-html-isomorphic/lib/index.js'),
      },
    },
    build: {
      outDir: resolve('out/renderer'),
      // electron-vite leaves bundles unminified; the renderer is also served over http in browser mode.
      minify: true,
      // Never inline assets as data: URLs (KaTeX's small fonts would be): the CSP loads fonts from 'self'.
      assetsInlineLimit: 0,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
