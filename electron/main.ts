import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell, utilityProcess, type WebContents } from 'electron';
import ElectronStore from 'electron-store';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from './core/create-core';
import { isTrustedSenderUrl } from './ipc/trusted-sender';
import { describeNativeLoadFailure } from './native/check-native-binary';
import { electronSqliteBinary, FIX_ELECTRON_BUILD, packagedSqliteBinary, SQLITE_BINDING_ENV } from './native/native-paths';
import { registerCoreIpc } from './ipc/register-core-ipc';
import { EncryptedTokenFile } from './settings/encrypted-token-file';
import { EndpointKeyFile } from './settings/endpoint-key-store';
import { BoxTokenFile } from './settings/token-vault';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolResponse } from './shell/app-protocol';
import { navigationDecision, windowOpenDecision } from './shell/navigation-policy';
import { isPermissionAllowed } from './shell/permission-policy';
import { rendererEntry } from './shell/renderer-entry';
import { chooseTokenStorage } from './shell/token-protection';
import { mainWindowOptions, spellcheckWithoutDownloads } from './shell/window-options';
import { spawnUtilityProcessSyncWorker } from './sync/utility-process-host';
import { contentSecurityPolicy } from './web/content-security-policy';

/**
 * The Electron shell: one sandboxed window around the same core that browser mode runs. Everything
 * that knows about Electron lives in this file (and preload.ts); the decisions it applies (window
 * options, app:// responses, navigation, permissions, token storage) are plain functions in
 * ./shell, tested under Node. The core gets a keychain-backed token vault and a utilityProcess sync
 * worker by injection.
 */

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', 'renderer');
// electron-vite dev serves the renderer over http and sets ELECTRON_RENDERER_URL; a packaged app
// ignores it and loads app://apprentice/index.html.
const entry = rendererEntry({ isPackaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });

// Before 'ready': app:// gets a real origin and a secure context.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
// Every web contents, from the first: the window and anything that might ever be created.
app.on('web-contents-created', (_event, contents) => confineContents(contents));

let core: Core | null = null;
let unregisterIpc: (() => void) | null = null;

function isOurPage(url: string): boolean {
  return isTrustedSenderUrl(url, entry.url);
}

function openOutside(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

/** Every web contents (the window, and anything that might ever be created): no foreign pages, no new windows. */
function confineContents(contents: WebContents): void {
  // Links in model output open in the user's browser; the app never shows foreign pages itself.
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'open-outside') openOutside(url);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    const decision = navigationDecision(url, entry.url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-outside') openOutside(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', (details) => {
    if (navigationDecision(details.url, entry.url) !== 'allow') details.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(
    mainWindowOptions({ preload: join(here, '..', 'preload', 'preload.cjs'), platform: process.platform }),
  );
  window.once('ready-to-show', () => window.show());
  void window.loadURL(entry.url);
  return window;
}

function installSessionPolicy(): void {
  const ses = session.defaultSession;
  protocol.handle(APP_SCHEME, (request) => {
    const answer = appProtocolResponse(rendererDir, request.url, request.method);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
  const csp = contentSecurityPolicy();
  ses.webRequest.onHeadersReceived((details, callback) => {
    // The dev server needs its inline HMR preamble; every other http(s) response gets the strict policy.
    if (entry.devServerOrigin && details.url.startsWith(entry.devServerOrigin)) return callback({ responseHeaders: details.responseHeaders });
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
  ses.setDevicePermissionHandler(() => false);
  // Windows and Linux would download Hunspell dictionaries from Google's CDN: nothing leaves unasked.
  ses.setSpellCheckerEnabled(spellcheckWithoutDownloads(process.platform));
}

async function start(): Promise<void> {
  await app.whenReady();
  installSessionPolicy();
  const dataDir = app.getPath('userData');
  // better-sqlite3 built for Electron's ABI (node_modules holds Node's build for the tests); the sync
  // worker inherits the variable.
  const sqliteBinding = app.isPackaged ? packagedSqliteBinary(process.resourcesPath) : electronSqliteBinary(app.getAppPath());
  if (existsSync(sqliteBinding)) process.env[SQLITE_BINDING_ENV] = sqliteBinding;
  const tokenStorage = chooseTokenStorage({
    platform: process.platform,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined,
  });
  const tokenVault = tokenStorage.vault === 'keychain-file' ? new EncryptedTokenFile(dataDir, safeStorage) : new BoxTokenFile(dataDir);
  core = createCore({
    dataDir,
    mode: 'electron',
    version: app.getVersion(),
    tokenVault,
    tokenProtection: tokenStorage.protection,
    endpointKeys: new EndpointKeyFile(dataDir, tokenStorage.vault === 'keychain-file' ? safeStorage : null),
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
