import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { checkNativeBinary, describeNativeLoadFailure, type NativeBinaryVerdict } from './check-native-binary';
import { electronAbi, findElectron, type ElectronRuntime } from './electron-runtime';
import { electronSqliteBinary, FIX_ELECTRON_BUILD, FIX_NODE_BUILD, nodeSqliteBinary, SQLITE_MODULE } from './native-paths';

export type DoctorRuntime = 'node' | 'electron';

export interface DoctorFinding {
  runtime: DoctorRuntime;
  /** skipped: that runtime is not installed here (no Electron binary), which is not a fault. */
  state: 'ok' | 'problem' | 'skipped';
  message: string;
  /** Set when a missing Electron build could be made by `npm run native:electron`. */
  buildable?: boolean;
}

export interface DoctorOptions {
  root: string;
  runtimes: DoctorRuntime[];
  /** Override the ABIs (tests, or a runtime that cannot be started here). */
  nodeAbi?: number;
  electronAbi?: number;
  electron?: ElectronRuntime | null;
}

/**
 * `npm run doctor`: can each runtime load the native modules it will load? Node's build in
 * node_modules must match Node's ABI (tests, browser mode); the Electron copy must match Electron's.
 */
export function runDoctor(options: DoctorOptions): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  if (options.runtimes.includes('node')) {
    const abi = options.nodeAbi ?? Number(process.versions.modules);
    const file = nodeSqliteBinary(options.root);
    const verdict = checkNativeBinary({ module: SQLITE_MODULE, runtime: `Node.js ${process.versions.node}`, file, expectedAbi: abi, fix: FIX_NODE_BUILD });
    // The file looks right for this very Node: make sure it also loads (a broken or foreign build).
    const loadProblem = verdict.ok && options.nodeAbi === undefined ? loadInThisNode(options.root) : null;
    findings.push(loadProblem ? { runtime: 'node', state: 'problem', message: loadProblem } : fromVerdict('node', verdict));
  }
  if (options.runtimes.includes('electron')) findings.push(checkElectron(options));
  return findings;
}

function checkElectron(options: DoctorOptions): DoctorFinding {
  const electron = options.electron === undefined ? findElectron(options.root) : options.electron;
  if (!electron) return { runtime: 'electron', state: 'skipped', message: 'Electron is not installed; `npm start` runs browser mode.' };
  if (!electron.binary && options.electronAbi === undefined) {
    return { runtime: 'electron', state: 'skipped', message: `Electron ${electron.version}'s binary was not downloaded; \`npm start\` runs browser mode.` };
  }
  const abi = options.electronAbi ?? electronAbi(electron);
  if (abi === null) {
    return { runtime: 'electron', state: 'problem', message: `Electron ${electron.version} did not report its ABI (running it as Node failed). Reinstall it: npm install electron` };
  }
  const file = electronSqliteBinary(options.root);
  const verdict = checkNativeBinary({ module: SQLITE_MODULE, runtime: `Electron ${electron.version}`, file, expectedAbi: abi, fix: FIX_ELECTRON_BUILD });
  return { ...fromVerdict('electron', verdict), buildable: !verdict.ok && !existsSync(file) };
}

function loadInThisNode(root: string): string | null {
  try {
    const Database = createRequire(join(root, 'package.json'))(SQLITE_MODULE) as new (file: string) => { close(): void };
    new Database(':memory:').close();
    return null;
  } catch (error) {
    return (
      describeNativeLoadFailure(error, FIX_NODE_BUILD) ??
      `${SQLITE_MODULE} does not load in Node.js ${process.versions.node}: ${error instanceof Error ? error.message : String(error)}. Fix: ${FIX_NODE_BUILD}`
    );
  }
}

function fromVerdict(runtime: DoctorRuntime, verdict: NativeBinaryVerdict): DoctorFinding {
  return { runtime, state: verdict.ok ? 'ok' : 'problem', message: verdict.message };
}

export function formatFindings(findings: DoctorFinding[]): string {
  return findings.map((f) => `${f.state === 'ok' ? '✓' : f.state === 'skipped' ? '–' : '✗'} ${f.message}`).join('\n');
}
