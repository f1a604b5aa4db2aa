import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ElectronRuntime {
  version: string;
  /** The binary, when it was downloaded (offline installs skip it). */
  binary: string | null;
}

/** The installed electron package and its binary, if any (no Electron API: this runs in plain Node). */
export function findElectron(root: string): ElectronRuntime | null {
  let dir: string;
  try {
    dir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const pathFile = join(dir, 'path.txt');
  const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  return { version, binary: binary && existsSync(binary) ? binary : null };
}

/**
 * Electron's NODE_MODULE_VERSION: asked from the binary itself (run as plain Node), which is exact
 * for any version; null when it cannot run.
 */
export function electronAbi(runtime: ElectronRuntime): number | null {
  if (!runtime.binary) return null;
  const result = spawnSync(runtime.binary, ['-p', 'process.versions.modules'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const abi = Number(result.stdout?.trim());
  return result.status === 0 && Number.isInteger(abi) && abi > 0 ? abi : null;
}
