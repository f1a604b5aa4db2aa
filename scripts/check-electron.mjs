// Postinstall: fetch Electron's binary when this machine can, and carry on without it when it
// cannot (offline machines, CI). npm's allowScripts denies electron's own postinstall so that a
// failed download never fails `npm install`; this script runs it and reports what happened.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

const dir = electronDir();
if (!dir) {
  console.log('[apprentice] electron is not installed; `npm start` will use browser mode.');
  process.exit(0);
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('[apprentice] ELECTRON_SKIP_BINARY_DOWNLOAD is set; `npm start` will use browser mode.');
  process.exit(0);
}
const result = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: 'pipe', timeout: 300_000 });
if (result.status === 0 && existsSync(join(dir, 'path.txt'))) {
  console.log('[apprentice] Electron binary ready.');
  // The desktop app loads better-sqlite3 built for Electron's ABI (a separate copy; node_modules keeps
  // Node's build for the tests). Build it now; if that fails, `npm start` tries again and names the fix.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'electron/native/doctor-cli.ts', '--runtime', 'electron', '--build', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) console.log('[apprentice] Install finished; the desktop app needs the fix above before `npm start`.');
} else {
  const reason = (result.stderr?.toString() ?? '').split('\n').find((l) => l.trim()) ?? 'download failed';
  console.log(`[apprentice] Electron's binary could not be downloaded (${reason.trim()}).`);
  console.log('[apprentice] Install finished anyway; `npm start` will run the app in browser mode.');
}
