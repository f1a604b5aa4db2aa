import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell, utilityProcess } from 'electron';
import ElectronStore from 'electron-store';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCore, type Core } from './core/create-core';
import { isTrustedSenderUrl } from './ipc/trusted-sender';
import { describeNativeLoadFailure } from './native/check-native-binary';
import { electronSqliteBinary, FIX_ELECTRON_BUILD, packagedSqliteBinary, SQLITE_BINDING_ENV } from './native/native-paths';
import { registerCoreIpc } from './ipc/register-core-ipc';
import { EncryptedTokenFile } from './settings/encrypted-token-file';
import { EndpointKeyFile } from './settings/endpoint-key-store';
import { BoxTokenFile } from './settings/token-vault';
import { spawnUtilityProcessSyncWorker } from './sync/utility-process-host';
import { contentSecurityPolicy } from './web/content-security-policy';

/**
 * The Electron shell: one sandboxed window around the same core that browser mode runs. Everything
 * that knows about Electron lives in this file (and preload.ts); the core gets a keychain-backed
 * token vault and a utilityProcess sync worker by injection.
 */

const here = dirname(fileURLToPath(import.meta.url));
// electron-vite dev serves the renderer over http and sets this; a built app loads the file.
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererUrl = devServerUrl ?? pathToFileURL(join(here, '..', 'renderer', 'index.html')).href;

let core: Core | null = null;
let unregisterIpc: (() => void) | null = null;

function isOurPage(url: string): boolean {
  return isTrustedSenderUrl(url, rendererUrl);
}

function openOutside(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Apprentice',
    webPreferences: {
      preload: join(here, '..', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Links in model output open in the user's browser; the app window never shows foreign pages.
  window.webContents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (isOurPage(url)) return;
    event.preventDefault();
    openOutside(url);
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void window.loadURL(rendererUrl);
  return window;
}

function installSessionPolicy(): void {
  const csp = contentSecurityPolicy();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    // The dev server needs its inline HMR preamble; the built app gets the strict policy.
    if (devServerUrl && details.url.startsWith(devServerUrl)) return callback({ responseHeaders: details.responseHeaders });
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

async function start(): Promise<void> {
  await app.whenReady();
  installSessionPolicy();
  const dataDir = app.getPath('userData');
  // better-sqlite3 built for Electron's ABI (node_modules holds Node's build for the tests); the sync
  // worker inherits the variable.
  const sqliteBinding = app.isPackaged ? packagedSqliteBinary(process.resourcesPath) : electronSqliteBinary(app.getAppPath());
  if (existsSync(sqliteBinding)) process.env[SQLITE_BINDING_ENV] = sqliteBinding;
  const tokenVault = safeStorage.isEncryptionAvailable()
    ? new EncryptedTokenFile(dataDir, safeStorage)
    : new BoxTokenFile(dataDir);
  core = createCore({
    dataDir,
    mode: 'electron',
    version: app.getVersion(),
    tokenVault,
    endpointKeys: new EndpointKeyFile(dataDir, safeStorage.isEncryptionAvailable() ? safeStorage : null),
    openSettingsConf: (options) => new ElectronStore(options),
    spawnSyncWorker: () => spawnUtilityProcessSyncWorker(utilityProcess, join(here, 'sync-worker.js')),
    log: (level, message) => (level === 'error' ? console.error : console.log)(`[apprentice:${level}] ${message}`),
  });
  unregisterIpc = registerCoreIpc({
    ipcMain,
    core,
    isTrustedSender: (url) => url !== null && isOurPage(url),
    broadcast: (event, payload) => {
      for (const window of BrowserWindow.getAllWindows()) {
        if (!window.isDestroyed()) window.webContents.send(event, payload);
      }
    },
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

/** How long quitting waits for the core to close before the process goes anyway. */
const QUIT_GRACE_MS = 5_000;

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !core) return;
  // Let streams end as 'stopped' and the sync worker close cleanly before the process goes.
  event.preventDefault();
  quitting = true;
  unregisterIpc?.();
  // SQLite commits each write on its own, so leaving mid-close loses nothing already stored.
  const forceQuit = setTimeout(() => {
    console.error(`[apprentice] the core did not close within ${QUIT_GRACE_MS} ms; quitting anyway`);
    app.exit(0);
  }, QUIT_GRACE_MS);
  void core.close().finally(() => {
    clearTimeout(forceQuit);
    app.quit();
  });
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  void start().catch((error: unknown) => {
    // A native module built for another ABI is named with its fix, not left as a stack trace.
    const native = describeNativeLoadFailure(error, FIX_ELECTRON_BUILD);
    console.error('[apprentice] failed to start:', native ?? error);
    if (native) dialog.showErrorBox('Apprentice cannot start', native);
    app.exit(1);
  });
}
