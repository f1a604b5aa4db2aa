import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildElectronNative } from './build-electron-native';
import { electronAbi, findElectron } from './electron-runtime';

/**
 * `npm run native:electron [-- --electron-version V --electron-abi N]`: builds better-sqlite3 for
 * Electron's ABI into native-modules/electron/ (node_modules keeps Node's build for tests and browser
 * mode). Packaging ships that file (electron-builder.yml, extraResources).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values } = parseArgs({ options: { 'electron-version': { type: 'string' }, 'electron-abi': { type: 'string' } }, strict: true });
const electron = findElectron(root);
const version = values['electron-version'] ?? electron?.version;
if (!version) {
  console.error('[apprentice] electron is not installed (npm install), and no --electron-version was given.');
  process.exit(1);
}
const abi = values['electron-abi'] !== undefined ? Number(values['electron-abi']) : electron && version === electron.version ? electronAbi(electron) : null;
if (abi === null || !Number.isInteger(abi) || abi <= 0) {
  console.error(
    `[apprentice] Could not learn Electron ${version}'s ABI: its binary is not downloaded or does not run here. Pass --electron-abi N (NODE_MODULE_VERSION; e.g. from \`ELECTRON_RUN_AS_NODE=1 electron -p process.versions.modules\`).`,
  );
  process.exit(1);
}
const result = buildElectronNative({ root, electronVersion: version, electronAbi: abi, log: (line) => console.log(line) });
console.log(`[apprentice] ${result.message}`);
process.exit(result.ok ? 0 : 1);
