import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { checkNativeBinary } from './check-native-binary';
import { electronNativeDir, electronSqliteBinary, FIX_ELECTRON_BUILD, SQLITE_BINARY_NAME, SQLITE_MODULE } from './native-paths';

export interface CommandResult {
  status: number | null;
  output: string;
}
export type RunCommand = (command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) => CommandResult;

export interface BuildElectronNativeOptions {
  root: string;
  electronVersion: string;
  /** Electron's NODE_MODULE_VERSION; the result is checked against it. */
  electronAbi: number;
  arch?: string;
  platform?: NodeJS.Platform;
  run?: RunCommand;
  log?: (line: string) => void;
}

export interface BuildResult {
  ok: boolean;
  file: string;
  /** How the binary was obtained, or why it could not be. */
  message: string;
}

const ELECTRON_HEADERS = 'https://electronjs.org/headers';

/**
 * Builds better-sqlite3 for Electron's ABI into native-modules/electron/, leaving node_modules (Node's
 * build, which the tests and browser mode load) untouched: a copy of the package's sources is built
 * in a staging folder, first by fetching better-sqlite3's prebuilt Electron binary (prebuild-install),
 * else by compiling against Electron's headers (node-gyp) — what npm's install script does for Node.
 * The result is only kept if its ABI is Electron's.
 */
export function buildElectronNative(options: BuildElectronNativeOptions): BuildResult {
  const { root, electronVersion, electronAbi } = options;
  const arch = options.arch ?? process.arch;
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  const log = options.log ?? (() => {});
  const requireFromRoot = createRequire(join(root, 'package.json'));
  const target = electronSqliteBinary(root);

  const source = join(root, 'node_modules', SQLITE_MODULE);
  if (!existsSync(join(source, 'package.json'))) {
    return { ok: false, file: target, message: `${SQLITE_MODULE} is not installed; run \`npm install\` first.` };
  }
  const staging = join(electronNativeDir(root), 'staging', SQLITE_MODULE);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // Sources only: the copy must not start from Node's build.
  const skipped = [join(source, 'build'), join(source, 'node_modules')];
  cpSync(source, staging, { recursive: true, filter: (path) => !skipped.some((dir) => path === dir || path.startsWith(`${dir}${sep}`)) });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_runtime: 'electron',
    npm_config_target: electronVersion,
    npm_config_arch: arch,
    npm_config_disturl: ELECTRON_HEADERS,
  };
  // A nodedir from npm's config (e.g. system Node headers for offline builds) would compile against
  // Node's headers, i.e. for Node's ABI; Electron's headers come from ELECTRON_HEADERS instead.
  for (const name of Object.keys(env)) if (name.toLowerCase() === 'npm_config_nodedir') delete env[name];
  const attempts: Array<{ what: string; command: string; args: string[] }> = [];
  const prebuild = resolveBin(requireFromRoot, 'prebuild-install/bin.js');
  if (prebuild) {
    attempts.push({
      what: `the prebuilt ${SQLITE_MODULE} for Electron ${electronVersion}`,
      command: process.execPath,
      args: [prebuild, '--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--platform', platform, '--verbose'],
    });
  }
  const nodeGyp = resolveBin(requireFromRoot, 'node-gyp/bin/node-gyp.js');
  attempts.push({
    what: `a build from source against Electron ${electronVersion}'s headers`,
    command: nodeGyp ? process.execPath : 'node-gyp',
    args: [...(nodeGyp ? [nodeGyp] : []), 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`, `--dist-url=${ELECTRON_HEADERS}`],
  });

  const built = join(staging, 'build', 'Release', SQLITE_BINARY_NAME);
  const failures: string[] = [];
  for (const attempt of attempts) {
    log(`[apprentice] Getting ${attempt.what}…`);
    const result = run(attempt.command, attempt.args, { cwd: staging, env });
    if (result.status !== 0 || !existsSync(built)) {
      failures.push(`${attempt.what} failed: ${lastLines(result.output)}`);
      continue;
    }
    const verdict = checkNativeBinary({ module: SQLITE_MODULE, runtime: `Electron ${electronVersion}`, file: built, expectedAbi: electronAbi, fix: FIX_ELECTRON_BUILD });
    if (!verdict.ok) {
      failures.push(`${attempt.what} gave the wrong binary: ${verdict.message}`);
      // The next attempt starts clean, as the first did.
      rmSync(join(staging, 'build'), { recursive: true, force: true });
      continue;
    }
    const temp = `${target}.tmp-${process.pid}`;
    copyFileSync(built, temp);
    renameSync(temp, target);
    writeFileSync(
      join(electronNativeDir(root), 'manifest.json'),
      `${JSON.stringify({ module: SQLITE_MODULE, version: packageVersion(source), electronVersion, abi: electronAbi, arch, platform }, null, 2)}\n`,
    );
    rmSync(join(electronNativeDir(root), 'staging'), { recursive: true, force: true });
    return { ok: true, file: target, message: `${SQLITE_MODULE} is built for Electron ${electronVersion} (ABI ${electronAbi}) in ${target}.` };
  }
  rmSync(join(electronNativeDir(root), 'staging'), { recursive: true, force: true });
  return {
    ok: false,
    file: target,
    message: `Could not build ${SQLITE_MODULE} for Electron ${electronVersion} (ABI ${electronAbi}):\n  - ${failures.join('\n  - ')}\nIt needs the network (GitHub for the prebuilt binary, electronjs.org for headers) or a C++ toolchain; then run \`${FIX_ELECTRON_BUILD}\` again.`,
  };
}

function resolveBin(requireFromRoot: NodeJS.Require, path: string): string | null {
  try {
    return requireFromRoot.resolve(path);
  } catch {
    return null;
  }
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The lines of a tool's output that say what it fetched and why it failed, else its last lines. */
function lastLines(output: string): string {
  const lines = output.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.filter((l) => /GET https?:|Error:|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT|not found|No such|error:/i.test(l));
  return (telling.length > 0 ? telling.slice(0, 3) : lines.slice(-3)).join(' | ').slice(0, 600) || 'no output';
}

function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): CommandResult {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8', timeout: 900_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}
