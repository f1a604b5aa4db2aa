import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkNativeBinary, describeNativeLoadFailure } from '../../../electron/native/check-native-binary';
import { runDoctor } from '../../../electron/native/doctor';
import {
  electronSqliteBinary,
  FIX_ELECTRON_BUILD,
  FIX_NODE_BUILD,
  nodeSqliteBinary,
  packagedSqliteBinary,
} from '../../../electron/native/native-paths';
import { readModuleAbi } from '../../../electron/native/read-module-abi';

/**
 * The ABI check for native modules. Electron cannot run here, so the "other ABI" binary is made
 * honestly: the real better-sqlite3 build of this machine, checked against an ABI it was not built
 * for, and a copy whose ABI entry point is rewritten (same length) to another ABI's name.
 */

const repo = resolve(import.meta.dirname, '..', '..', '..');
const realBinary = nodeSqliteBinary(repo);
const nodeAbi = Number(process.versions.modules);
const ELECTRON_41_ABI = 145;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-abi-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The real binary with its `node_register_module_v<ABI>` entry renamed to another ABI (same digit count). */
function binaryRelabelled(abi: number): string {
  const bytes = readFileSync(realBinary);
  const from = Buffer.from(`node_register_module_v${nodeAbi}`);
  const to = Buffer.from(`node_register_module_v${abi}`);
  expect(to.length).toBe(from.length);
  let replaced = 0;
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) {
    to.copy(bytes, at);
    replaced += 1;
  }
  expect(replaced).toBeGreaterThan(0);
  const file = join(dir, `relabelled-${abi}.node`);
  writeFileSync(file, bytes);
  return file;
}

describe('reading the ABI a .node file was built for', () => {
  it("reads this machine's better-sqlite3 build as Node's own ABI", () => {
    expect(readModuleAbi(readFileSync(realBinary))).toEqual({ kind: 'abi', abi: nodeAbi });
  });

  it('reads another ABI from a binary whose entry point names it', () => {
    expect(readModuleAbi(readFileSync(binaryRelabelled(ELECTRON_41_ABI)))).toEqual({ kind: 'abi', abi: ELECTRON_41_ABI });
  });

  it('recognises N-API addons (they load in any runtime) and files that are no addon', () => {
    expect(readModuleAbi(Buffer.from('\x7fELF....napi_register_module_v1\0'))).toEqual({ kind: 'napi' });
    expect(readModuleAbi(Buffer.from('just some bytes'))).toEqual({ kind: 'unknown' });
  });
});

describe('the native-module check', () => {
  it('fails on a binary built for another ABI, naming the module and the fix', () => {
    const verdict = checkNativeBinary({ module: 'better-sqlite3', runtime: 'Electron 41.7.1', file: realBinary, expectedAbi: ELECTRON_41_ABI, fix: FIX_ELECTRON_BUILD });
    expect(verdict.ok).toBe(false);
    expect(verdict.found).toBe(nodeAbi);
    expect(verdict.message).toContain(`better-sqlite3 was built for ABI ${nodeAbi}`);
    expect(verdict.message).toContain(`Electron 41.7.1 needs ABI ${ELECTRON_41_ABI}`);
    expect(verdict.message).toContain('Fix: npm run native:electron');
  });

  it("fails for Node on a binary relabelled for Electron's ABI, and passes on the real one", () => {
    const foreign = checkNativeBinary({ module: 'better-sqlite3', runtime: 'Node.js', file: binaryRelabelled(ELECTRON_41_ABI), expectedAbi: nodeAbi, fix: FIX_NODE_BUILD });
    expect(foreign).toMatchObject({ ok: false, found: ELECTRON_41_ABI });
    expect(foreign.message).toContain('Fix: npm rebuild better-sqlite3');
    expect(checkNativeBinary({ module: 'better-sqlite3', runtime: 'Node.js', file: realBinary, expectedAbi: nodeAbi, fix: FIX_NODE_BUILD }).ok).toBe(true);
  });

  it('says a missing build is missing', () => {
    const verdict = checkNativeBinary({ module: 'better-sqlite3', runtime: 'Electron 41.7.1', file: join(dir, 'none.node'), expectedAbi: 145, fix: FIX_ELECTRON_BUILD });
    expect(verdict).toMatchObject({ ok: false, found: 'missing' });
    expect(verdict.message).toMatch(/has no build for Electron 41\.7\.1 \(ABI 145\).*Fix: npm run native:electron/);
  });

  it("turns Node's own wrong-ABI load error into the module's name and the fix", () => {
    // The text Node's dlopen prints (src/node_binding.cc) for an addon of another ABI.
    const error = new Error(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 145. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    );
    expect(describeNativeLoadFailure(error, FIX_ELECTRON_BUILD)).toBe(
      'better-sqlite3 was built for ABI 115 (Node.js 20), but this runtime needs ABI 145. Fix: npm run native:electron',
    );
    expect(describeNativeLoadFailure(new Error('SQLITE_CANTOPEN'), FIX_ELECTRON_BUILD)).toBeNull();
  });
});

describe('npm run doctor', () => {
  it('passes here for Node, and fails for a runtime whose ABI differs from the build', () => {
    expect(runDoctor({ root: repo, runtimes: ['node'] })).toEqual([
      { runtime: 'node', state: 'ok', message: `better-sqlite3 is built for Node.js ${process.versions.node} (ABI ${nodeAbi}).` },
    ]);
    const [finding] = runDoctor({ root: repo, runtimes: ['node'], nodeAbi: nodeAbi + 1 });
    expect(finding).toMatchObject({ runtime: 'node', state: 'problem' });
    expect(finding!.message).toContain('Fix: npm rebuild better-sqlite3');
  });

  it('checks the separate Electron copy against Electron\'s ABI', () => {
    const root = join(dir, 'app');
    mkdirSync(join(root, 'native-modules', 'electron'), { recursive: true });
    const electron = { version: '41.7.1', binary: null };
    const missing = runDoctor({ root, runtimes: ['electron'], electron, electronAbi: ELECTRON_41_ABI })[0]!;
    expect(missing).toMatchObject({ state: 'problem', buildable: true });
    // A Node build copied where Electron's belongs: the exact mistake that crashes the desktop app.
    writeFileSync(electronSqliteBinary(root), readFileSync(realBinary));
    const wrong = runDoctor({ root, runtimes: ['electron'], electron, electronAbi: ELECTRON_41_ABI })[0]!;
    expect(wrong).toMatchObject({ state: 'problem', buildable: false });
    expect(wrong.message).toContain(`built for ABI ${nodeAbi}`);
    writeFileSync(electronSqliteBinary(root), readFileSync(binaryRelabelled(ELECTRON_41_ABI)));
    expect(runDoctor({ root, runtimes: ['electron'], electron, electronAbi: ELECTRON_41_ABI })[0]).toMatchObject({ state: 'ok' });
    // Without Electron's binary nothing can be checked, and nothing is wrong: npm start runs browser mode.
    expect(runDoctor({ root, runtimes: ['electron'], electron })[0]).toMatchObject({ state: 'skipped' });
  });

  it('the CLI exits 1 with the module and the fix, not a stack trace', () => {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'electron/native/doctor-cli.ts', '--runtime', 'node', '--node-abi', String(ELECTRON_41_ABI)], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/✗ better-sqlite3 was built for ABI \d+ .* needs ABI 145: .*Fix: npm rebuild better-sqlite3/);
    expect(cli.stderr).not.toMatch(/at .*\.ts:\d+/);
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'electron/native/doctor-cli.ts', '--runtime', 'node'], { cwd: repo, encoding: 'utf8' });
    expect(ok.status).toBe(0);
  });

  it('packaging ships the Electron build where the desktop app looks for it', () => {
    const config = readFileSync(join(repo, 'electron-builder.yml'), 'utf8');
    const from = config.match(/- from: (\S+)\n\s+to: (\S+)/);
    expect(from?.[1]).toBe(relative(repo, electronSqliteBinary(repo)));
    expect(join('/resources', from![2]!)).toBe(packagedSqliteBinary('/resources'));
    expect(config).toMatch(/^npmRebuild: false$/m);
  });
});
