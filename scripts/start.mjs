// `npm start`: the desktop app when Electron's binary is installed, otherwise browser mode.
// Electron's binary is optional (offline installs skip its download, see check-electron.mjs), so
// the same command works on every machine. Extra arguments go to browser mode (--port, --data-dir);
// `npm start -- --browser` picks browser mode where Electron is installed too.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureUiBuilt } from './ensure-ui-built.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  // Pass Ctrl-C / termination on, so the child shuts down cleanly; exit with its code.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * `npm run doctor` for the runtime about to start: a native module built for another ABI stops here
 * with its name and the command that fixes it, instead of a stack trace from inside the app. For
 * Electron a missing build is made first (`--build`).
 */
function checkNativeModules(runtime) {
  const args = ['--import', 'tsx', 'electron/native/doctor-cli.ts', '--runtime', runtime, '--quiet'];
  if (runtime === 'electron') args.push('--build');
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[apprentice] Fix the problem above (or run `npm run doctor`), then `npm start` again.');
    process.exit(1);
  }
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
// --browser: browser mode even where Electron is installed.
const forceBrowser = process.argv.includes('--browser');
const extra = process.argv.slice(2).filter((arg) => arg !== '--browser');

if (electronBinary() && !forceBrowser) {
  checkNativeModules('electron');
  // Builds main, preload and renderer, then starts Electron on the result.
  run(npx, ['electron-vite', 'preview']);
} else {
  if (!forceBrowser) {
    console.log('[apprentice] Electron is not available on this machine (its binary was not downloaded).');
    console.log('[apprentice] Starting browser mode instead; open the address printed below.');
  }
  checkNativeModules('node');
  ensureUiBuilt();
  run(process.execPath, ['--import', 'tsx', 'electron/web/main.ts', ...extra]);
}
