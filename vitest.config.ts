import { defineConfig } from 'vitest/config';

/**
 * The render probes measure the longest main-thread task of a page in Chromium; they run as a
 * project of their own, after the rest (see package.json "test"), so that what they measure is the
 * app and not the other test files sharing the two cores (the 1 MB reopen: 59 ms alone, 111 ms
 * beside the full suite).
 */
const RENDER_PROBES = ['test/e2e/markdown-render.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: RENDER_PROBES } },
      { extends: true, test: { name: 'render-probes', include: RENDER_PROBES } },
    ],
  },
});
