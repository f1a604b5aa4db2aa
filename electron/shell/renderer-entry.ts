import { APP_ENTRY_URL } from './app-protocol';

export interface RendererEntry {
  /** What the window loads. */
  url: string;
  /** The dev server origin when one is used (its responses keep Vite's own headers). */
  devServerOrigin: string | null;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Where the window's page comes from. `electron-vite dev` sets ELECTRON_RENDERER_URL; a packaged
 * app ignores it (anyone who can set an environment variable must not be able to load their own
 * page with our preload), and even in development only a loopback http(s) server is accepted.
 */
export function rendererEntry(options: { isPackaged: boolean; devServerUrl: string | undefined }): RendererEntry {
  const { isPackaged, devServerUrl } = options;
  if (!isPackaged && devServerUrl) {
    let url: URL | null = null;
    try {
      url = new URL(devServerUrl);
    } catch {
      url = null;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname)) {
      return { url: url.toString(), devServerOrigin: url.origin };
    }
  }
  return { url: APP_ENTRY_URL, devServerOrigin: null };
}
