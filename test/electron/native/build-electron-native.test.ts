import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildElectronNative, type RunCommand } from '../../../electron/native/build-electron-native';
import { electronSqliteBinary, nodeSqliteBinary } from '../../../electron/native/native-paths';
import { readModuleAbi } from '../../../electron/native/read-module-abi';

/**
 * Building better-sqlite3 for Electron beside Node's build. The download/compile step needs the
 * network or Electron's headers, so the command runner is a stand-in that "builds" what a real
 * build would leave behind: the real binary of this machine, with its ABI entry point named for
 * the requested ABI. Everything around it (staging, order of attempts, the ABI check, where the
 * result goes, Node's build left alone) is the real code.
 */

const repo = resolve(import.meta.dirname, '..', '..', '..');
const nodeAbi = Number(process.versions.modules);

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'apprentice-native-'));
  const pkg = join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
  mkdirSync(join(pkg, 'src'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"name":"app","private":true}');
  writeFileSync(join(pkg, 'package.json'), '{"name":"better-sqlite3","version":"12.11.1"}');
  writeFileSync(join(pkg, 'binding.gyp'), '{}');
  writeFileSync(join(pkg, 'src', 'better_sqlite3.cpp'), '// sources');
  // The two tools npm's install script uses, where the app's node_modules has them.
  for (const [name, bin] of [['prebuild-install', 'bin.js'], ['node-gyp', 'bin/node-gyp.js']] as const) {
    mkdirSync(join(root, 'node_modules', name, 'bin'), { recursive: true });
    writeFileSync(join(root, 'node_modules', name, 'package.json'), `{"name":"${name}","version":"0.0.0"}`);
    writeFileSync(join(root, 'node_modules', name, bin), '');
  }
  // Node's build, which the tests load: it must come out of this untouched.
  writeFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), readFileSync(nodeSqliteBinary(repo)));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function binaryFor(abi: number): Buffer {
  const bytes = readFileSync(nodeSqliteBinary(repo));
  const from = Buffer.from(`node_register_module_v${nodeAbi}`);
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) Buffer.from(`node_register_module_v${abi}`).copy(bytes, at);
  return bytes;
}

interface Call {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

function runner(outcomes: Array<'fail' | number>, calls: Call[]): RunCommand {
  return (command, args, { cwd, env }) => {
    calls.push({ command, args, cwd, env });
    const outcome = outcomes.shift() ?? 'fail';
    if (outcome === 'fail') return { status: 1, output: 'gyp ERR! could not download headers (offline)' };
    // The staging copy starts without Node's build: a real build writes its own.
    expect(existsSync(join(cwd, 'build'))).toBe(false);
    mkdirSync(join(cwd, 'build', 'Release'), { recursive: true });
    writeFileSync(join(cwd, 'build', 'Release', 'better_sqlite3.node'), binaryFor(outcome));
    return { status: 0, output: 'ok' };
  };
}

describe('buildElectronNative', () => {
  it("builds a separate copy for Electron's ABI and leaves Node's build alone", () => {
    const calls: Call[] = [];
    process.env.npm_config_nodedir = '/usr';
    let result;
    try {
      result = buildElectronNative({ root, electronVersion: '41.7.1', electronAbi: 145, run: runner(['fail', 145], calls) });
    } finally {
      delete process.env.npm_config_nodedir;
    }
    expect(result).toMatchObject({ ok: true, file: electronSqliteBinary(root) });
    expect(readModuleAbi(readFileSync(electronSqliteBinary(root)))).toEqual({ kind: 'abi', abi: 145 });
    expect(readModuleAbi(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')))).toEqual({
      kind: 'abi',
      abi: nodeAbi,
    });
    // Every attempt ran in the staging copy, for Electron and its version.
    for (const call of calls) {
      expect(call.cwd).toBe(join(root, 'native-modules', 'electron', 'staging', 'better-sqlite3'));
      expect(call.env).toMatchObject({ npm_config_runtime: 'electron', npm_config_target: '41.7.1' });
      // npm's nodedir (system Node headers) must not leak in: it builds for Node's ABI instead.
      expect(call.env.npm_config_nodedir).toBeUndefined();
    }
    // First the prebuilt binary, then a build from source against Electron's headers.
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0]).toBe(join(root, 'node_modules', 'prebuild-install', 'bin.js'));
    expect(calls[0]!.args).toEqual(expect.arrayContaining(['--runtime', 'electron', '--target', '41.7.1']));
    expect(calls[1]!.args[0]).toBe(join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
    expect(calls.at(-1)!.args).toEqual(expect.arrayContaining(['rebuild', '--release', '--target=41.7.1', '--dist-url=https://electronjs.org/headers']));
    expect(JSON.parse(readFileSync(join(root, 'native-modules', 'electron', 'manifest.json'), 'utf8'))).toMatchObject({
      module: 'better-sqlite3',
      version: '12.11.1',
      electronVersion: '41.7.1',
      abi: 145,
    });
    expect(existsSync(join(root, 'native-modules', 'electron', 'staging'))).toBe(false);
  });

  it('refuses a result built for the wrong ABI', () => {
    const result = buildElectronNative({ root, electronVersion: '41.7.1', electronAbi: 145, run: runner([nodeAbi, nodeAbi], []) });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`gave the wrong binary: better-sqlite3 was built for ABI ${nodeAbi}`);
    expect(existsSync(electronSqliteBinary(root))).toBe(false);
  });

  it('says what failed and what to run when nothing can be built (offline, no toolchain)', () => {
    const result = buildElectronNative({ root, electronVersion: '41.7.1', electronAbi: 145, run: runner(['fail', 'fail'], []) });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('could not download headers (offline)');
    expect(result.message).toContain('npm run native:electron');
  });
});
