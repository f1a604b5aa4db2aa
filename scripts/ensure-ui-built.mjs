// Builds the app (electron-vite: main, preload, renderer) when out/renderer is missing, so a fresh
// `npm install` followed by `npm start` or `npm run web` just works. Run directly or imported.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureUiBuilt() {
  if (existsSync(join(root, 'out', 'renderer', 'index.html'))) return;
  console.log('[apprentice] The UI is not built yet; building it once (npm run build)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[apprentice] The build failed; see above. Fix it, or run `npm run build` yourself.');
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureUiBuilt();
