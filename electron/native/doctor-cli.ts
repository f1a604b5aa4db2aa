import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildElectronNative } from './build-electron-native';
import { formatFindings, runDoctor, type DoctorRuntime } from './doctor';
import { electronAbi, findElectron } from './electron-runtime';

/**
 * `npm run doctor [-- --runtime node|electron] [--build] [--strict] [--node-abi N] [--electron-abi N]`
 * Checks that better-sqlite3 is built for each runtime that will load it, and names the fix when it
 * is not. --build makes a missing Electron build (what `npm start` does before opening the desktop
 * app); --strict (packaging) also fails when a runtime cannot be checked here. Exit code 1 when
 * something is wrong. npm start runs it too.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function abiOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer, got "${value}"`);
    process.exit(2);
  }
  return n;
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        runtime: { type: 'string' },
        build: { type: 'boolean' },
        quiet: { type: 'boolean' },
        strict: { type: 'boolean' },
        'node-abi': { type: 'string' },
        'electron-abi': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const runtime = values.runtime;
  if (runtime !== undefined && runtime !== 'node' && runtime !== 'electron') {
    console.error(`--runtime must be node or electron, got "${runtime}"`);
    process.exit(2);
  }
  const runtimes: DoctorRuntime[] = runtime ? [runtime] : ['node', 'electron'];
  const options = { root, runtimes, nodeAbi: abiOption('node-abi', values['node-abi']), electronAbi: abiOption('electron-abi', values['electron-abi']) };
  let findings = runDoctor(options);

  const missing = findings.find((f) => f.runtime === 'electron' && f.buildable);
  if (values.build && missing) {
    const electron = findElectron(root);
    const abi = options.electronAbi ?? (electron ? electronAbi(electron) : null);
    if (electron && abi !== null) {
      console.log(`[apprentice] The desktop app needs better-sqlite3 built for Electron ${electron.version}; building it once…`);
      const built = buildElectronNative({ root, electronVersion: electron.version, electronAbi: abi, log: (line) => console.log(line) });
      console.log(`[apprentice] ${built.message}`);
      findings = runDoctor(options);
    }
  }

  // --strict (packaging): a runtime that could not be checked is a problem too.
  const problems = findings.filter((f) => f.state === 'problem' || (values.strict && f.state === 'skipped'));
  if (!values.quiet || problems.length > 0) console.log(formatFindings(values.quiet ? problems : findings));
  if (values.strict && findings.some((f) => f.state === 'skipped')) {
    console.log('Packaging needs the Electron build: download Electron (npm install) or pass --electron-abi N with --build.');
  }
  process.exit(problems.length > 0 ? 1 : 0);
}

main();
