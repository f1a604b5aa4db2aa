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
    build: {
      outDir: resolve('out/renderer'),
      // electron-vite leaves bundles unminified; the renderer is also served over http in browser mode.
      minify: true,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
