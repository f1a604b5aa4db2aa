// `npm start`: the desktop app when Electron's binary is installed, otherwise browser mode.
// Electron's binary is optional (offline installs skip its download, see check-electron.mjs), so
// the same command works on every machine. Extra arguments go to browser mode (--port, --data-dir).
import { spawn } from 'node:child_process';
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

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const extra = process.argv.slice(2);

if (electronBinary()) {
  // Builds main, preload and renderer, then starts Electron on the result.
  run(npx, ['electron-vite', 'preview']);
} else {
  console.log('[apprentice] Electron is not available on this machine (its binary was not downloaded).');
  console.log('[apprentice] Starting browser mode instead; open the address printed below.');
  ensureUiBuilt();
  run(npx, ['tsx', 'electron/web/main.ts', ...extra]);
}
