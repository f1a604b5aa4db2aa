/**
 * The main window's options (a plain object, so it can be tested without Electron; main.ts passes
 * it to BrowserWindow). Every web preference that touches security is written out, even where it
 * is Electron's default, so a default that changes cannot loosen the window unnoticed.
 */
export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    experimentalFeatures: false;
    webviewTag: false;
    navigateOnDragDrop: false;
    safeDialogs: true;
    spellcheck: boolean;
  };
}

export function mainWindowOptions(options: { preload: string; platform: NodeJS.Platform }): MainWindowOptions {
  return {
    width: 1280,
    height: 840,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Apprentice',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: spellcheckWithoutDownloads(options.platform),
    },
  };
}

/**
 * Spell checking without anything leaving the machine: macOS checks with the OS's own speller; on
 * Windows and Linux Electron downloads Hunspell dictionaries from a Google CDN, so it stays off
 * there (the session's spell checker is switched off as well).
 */
export function spellcheckWithoutDownloads(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}
