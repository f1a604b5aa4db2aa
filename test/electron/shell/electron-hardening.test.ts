import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTrustedSenderUrl } from '../../../electron/ipc/trusted-sender';
import { APP_ENTRY_URL, APP_SCHEME_PRIVILEGES, appContentSecurityPolicy, appProtocolResponse } from '../../../electron/shell/app-protocol';
import { navigationDecision, windowOpenDecision } from '../../../electron/shell/navigation-policy';
import { isPermissionAllowed } from '../../../electron/shell/permission-policy';
import { rendererEntry } from '../../../electron/shell/renderer-entry';
import { chooseTokenStorage } from '../../../electron/shell/token-protection';
import { mainWindowOptions } from '../../../electron/shell/window-options';
import { metaContentSecurityPolicy } from '../../../electron/web/content-security-policy';

/**
 * Electron cannot run here, so the shell's decisions live in plain functions that main.ts applies;
 * these tests pin them down (and a last one checks that main.ts still applies them).
 */

const repo = resolve(import.meta.dirname, '..', '..', '..');
let dir: string;
let rendererDir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-shell-'));
  rendererDir = join(dir, 'out', 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Apprentice</title>');
  writeFileSync(join(rendererDir, 'assets', 'index.js'), 'export {}');
  mkdirSync(join(dir, 'out', 'main'), { recursive: true });
  writeFileSync(join(dir, 'out', 'main', 'main.js'), 'secret main process code');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the built UI with the strict CSP on every response', () => {
    const page = appProtocolResponse(rendererDir, APP_ENTRY_URL);
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<title>Apprentice</title>');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toBe(appContentSecurityPolicy());
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = appProtocolResponse(rendererDir, 'app://apprentice/assets/index.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(appProtocolResponse(rendererDir, 'app://apprentice/assets/missing.js').status).toBe(404);
  });

  it('never serves anything outside the renderer folder, another host, or non-GET requests', () => {
    for (const url of [
      'app://apprentice/../main/main.js',
      'app://apprentice/%2e%2e/main/main.js',
      'app://apprentice/assets/%2e%2e%2f%2e%2e%2fmain%2fmain.js',
      'app://apprentice/..%5cmain%5cmain.js',
      'app://apprentice/%00index.html',
      'app://other-host/index.html',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const answer = appProtocolResponse(rendererDir, url);
      expect(answer.status, url).toBeGreaterThanOrEqual(400);
      expect(String(answer.body), url).not.toContain('secret');
    }
    expect(appProtocolResponse(rendererDir, APP_ENTRY_URL, 'POST').status).toBe(405);
  });

  it('registers the scheme as a standard, secure origin that does not bypass CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true, bypassCSP: false } });
    expect(APP_ENTRY_URL).toBe('app://apprentice/index.html');
  });
});

describe('content security policy', () => {
  it("lets the Electron window connect nowhere but its own origin (no ws://127.0.0.1:*)", () => {
    const csp = appContentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/ws:|wss:|unsafe-inline|unsafe-eval|\*/);
  });

  it("puts the same strict policy in renderer/index.html's meta tag (what a file or any server delivers)", () => {
    const html = readFileSync(join(repo, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(metaContentSecurityPolicy());
    expect(meta?.[1]).not.toMatch(/ws:|\*/);
  });
});

describe('renderer entry', () => {
  it('ignores ELECTRON_RENDERER_URL in a packaged app', () => {
    expect(rendererEntry({ isPackaged: true, devServerUrl: 'http://localhost:5173/' })).toEqual({ url: APP_ENTRY_URL, devServerOrigin: null });
    expect(rendererEntry({ isPackaged: true, devServerUrl: 'https://attacker.example/' }).url).toBe(APP_ENTRY_URL);
  });

  it('uses a loopback dev server in development, and nothing else', () => {
    expect(rendererEntry({ isPackaged: false, devServerUrl: 'http://localhost:5173/' })).toEqual({
      url: 'http://localhost:5173/',
      devServerOrigin: 'http://localhost:5173',
    });
    expect(rendererEntry({ isPackaged: false, devServerUrl: 'http://127.0.0.1:5173' }).devServerOrigin).toBe('http://127.0.0.1:5173');
    for (const url of ['https://attacker.example/', 'file:///tmp/evil.html', 'javascript:alert(1)', 'not a url', '']) {
      expect(rendererEntry({ isPackaged: false, devServerUrl: url }).url, url).toBe(APP_ENTRY_URL);
    }
    expect(rendererEntry({ isPackaged: false, devServerUrl: undefined }).url).toBe(APP_ENTRY_URL);
  });
});

describe('navigation, new windows and IPC senders', () => {
  it('keeps the window on the app and sends web links to the browser', () => {
    expect(navigationDecision('app://apprentice/index.html#/settings', APP_ENTRY_URL)).toBe('allow');
    expect(navigationDecision('https://example.com/page', APP_ENTRY_URL)).toBe('open-outside');
    expect(navigationDecision('http://127.0.0.1:8787/', APP_ENTRY_URL)).toBe('open-outside');
    for (const url of ['file:///etc/passwd', 'data:text/html,<script>1</script>', 'javascript:alert(1)', 'app://evil/index.html', 'about:blank', 'mailto:a@b.c']) {
      expect(navigationDecision(url, APP_ENTRY_URL), url).toBe('deny');
    }
    expect(windowOpenDecision('https://example.com/')).toBe('open-outside');
    expect(windowOpenDecision('app://apprentice/index.html')).toBe('deny');
    expect(windowOpenDecision('file:///tmp/x.html')).toBe('deny');
  });

  it('trusts IPC only from app://apprentice pages, not from opaque-origin pages (data:, about:, other schemes)', () => {
    expect(isTrustedSenderUrl('app://apprentice/index.html', APP_ENTRY_URL)).toBe(true);
    expect(isTrustedSenderUrl('app://apprentice/other.html?x#y', APP_ENTRY_URL)).toBe(true);
    for (const url of ['data:text/html,x', 'about:blank', 'app://evil/index.html', 'other://apprentice/index.html', 'file:///index.html', 'blob:null/1']) {
      expect(isTrustedSenderUrl(url, APP_ENTRY_URL), url).toBe(false);
    }
  });
});

describe('permissions', () => {
  it('denies every permission a page could ask for or check', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'clipboard-sanitized-write',
      'openExternal',
      'fullscreen',
      'pointerLock',
      'midi',
      'hid',
      'serial',
      'usb',
      'idle-detection',
      'storage-access',
      'fileSystem',
      'display-capture',
    ]) {
      expect(isPermissionAllowed(permission), permission).toBe(false);
    }
  });
});

describe('window options', () => {
  it('sandboxes the window with context isolation and no Node anywhere', () => {
    const options = mainWindowOptions({ preload: '/app/preload.cjs', platform: 'linux' });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('spell-checks only where it needs no dictionary download (macOS)', () => {
    expect(mainWindowOptions({ preload: 'p', platform: 'linux' }).webPreferences.spellcheck).toBe(false);
    expect(mainWindowOptions({ preload: 'p', platform: 'win32' }).webPreferences.spellcheck).toBe(false);
    expect(mainWindowOptions({ preload: 'p', platform: 'darwin' }).webPreferences.spellcheck).toBe(true);
  });
});

describe('token protection', () => {
  it("says so when Linux safeStorage falls back to 'basic_text' (a fixed key, no keychain)", () => {
    const choice = chooseTokenStorage({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'basic_text' });
    expect(choice.protection.protectedByKeychain).toBe(false);
    expect(choice.protection.detail).toMatch(/not protected by a keychain/);
    expect(chooseTokenStorage({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'unknown' }).protection.protectedByKeychain).toBe(false);
  });

  it('counts a real keychain as protection, and a plain file as none', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const) {
      expect(chooseTokenStorage({ platform: 'linux', encryptionAvailable: true, linuxBackend: backend })).toMatchObject({
        vault: 'keychain-file',
        protection: { protectedByKeychain: true },
      });
    }
    expect(chooseTokenStorage({ platform: 'darwin', encryptionAvailable: true }).protection.protectedByKeychain).toBe(true);
    expect(chooseTokenStorage({ platform: 'win32', encryptionAvailable: true }).protection.protectedByKeychain).toBe(true);
    expect(chooseTokenStorage({ platform: 'linux', encryptionAvailable: false })).toMatchObject({
      vault: 'plain-file',
      protection: { protectedByKeychain: false, detail: expect.stringMatching(/0600/) },
    });
  });
});

describe('electron-builder fuses', () => {
  it('flips the hardening fuses, and electron-builder accepts the configuration', async () => {
    const config = await getConfig(repo, 'electron-builder.yml', null);
    await validateConfiguration(config, { isEnabled: false, add: () => undefined } as never);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Integrity checking and asar-only loading need the app packed as an asar.
    expect(config.asar).not.toBe(false);
  });

  it('refuses a misspelt fuse (the check above is real)', async () => {
    const config = await getConfig(repo, 'electron-builder.yml', null);
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } } as never, { isEnabled: false, add: () => undefined } as never)).rejects.toThrow(/electronFuses/);
  });
});

describe('main.ts applies the policies', () => {
  // Electron cannot start here; this reads the shell's source so a refactor cannot drop a guard unnoticed.
  const main = readFileSync(join(repo, 'electron', 'main.ts'), 'utf8');
  it('wires every policy above into the Electron objects', () => {
    for (const call of [
      'protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])',
      'protocol.handle(APP_SCHEME',
      'rendererEntry({ isPackaged: app.isPackaged',
      'new BrowserWindow(\n    mainWindowOptions(',
      'setPermissionRequestHandler(',
      'setPermissionCheckHandler(',
      'setDevicePermissionHandler(() => false)',
      'setSpellCheckerEnabled(spellcheckWithoutDownloads(',
      "app.on('web-contents-created'",
      'setWindowOpenHandler(',
      "'will-navigate'",
      "'will-redirect'",
      "'will-attach-webview'",
      'getSelectedStorageBackend()',
      'tokenProtection: tokenStorage.protection',
    ]) {
      expect(main, call).toContain(call);
    }
    // The dev server URL is read in one place only, through rendererEntry.
    expect(main.match(/process\.env\.ELECTRON_RENDERER_URL/g)).toHaveLength(1);
    expect(main).not.toMatch(/pathToFileURL|loadFile\(/);
  });
});
