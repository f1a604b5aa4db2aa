import { join } from 'node:path';

/**
 * Where each runtime's build of better-sqlite3 lives. Node (tests, browser mode) loads the one npm
 * built in node_modules; Electron loads its own copy, built for Electron's ABI beside it, through
 * better-sqlite3's `nativeBinding` option. Keeping two files means switching between the desktop
 * app and the tests never needs a rebuild.
 */
export const SQLITE_MODULE = 'better-sqlite3';
export const SQLITE_BINARY_NAME = 'better_sqlite3.node';

/** The environment variable through which the Electron process (and its sync worker) picks its copy. */
export const SQLITE_BINDING_ENV = 'APPRENTICE_SQLITE_BINDING';

export function nodeSqliteBinary(root: string): string {
  return join(root, 'node_modules', SQLITE_MODULE, 'build', 'Release', SQLITE_BINARY_NAME);
}

/** Built by `npm run native:electron`; ignored by git, shipped by electron-builder (extraResources). */
export function electronNativeDir(root: string): string {
  return join(root, 'native-modules', 'electron');
}

export function electronSqliteBinary(root: string): string {
  return join(electronNativeDir(root), SQLITE_BINARY_NAME);
}

/** Inside a packaged app: electron-builder copies the Electron build here (see electron-builder.yml). */
export function packagedSqliteBinary(resourcesPath: string): string {
  return join(resourcesPath, 'native', SQLITE_BINARY_NAME);
}

export const FIX_NODE_BUILD = `npm rebuild ${SQLITE_MODULE}`;
export const FIX_ELECTRON_BUILD = 'npm run native:electron';
