import { contentSecurityPolicy } from '../web/content-security-policy';
import { readStaticFile } from '../web/static-files';

/**
 * The packaged app is served from `app://apprentice/`, a custom scheme the shell registers, not
 * from file://: a file:// page gets extra privileges (fetching other files, universal access among
 * file frames) and a response-header CSP never reaches it. Every response carries the strict CSP.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'apprentice';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * For protocol.registerSchemesAsPrivileged (before 'ready'): standard gives the scheme a real origin
 * (so 'self', sessionStorage and same-origin checks work), secure makes it a secure context. Vite's
 * module scripts are fetched in CORS mode, hence fetch and CORS support. CSP is never bypassed.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true, bypassCSP: false },
} as const;

export interface AppProtocolResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** The policy of the Electron window: its IPC goes through the preload, so it connects nowhere. */
export function appContentSecurityPolicy(): string {
  return contentSecurityPolicy();
}

/**
 * Answers one app:// request from the built renderer folder. Only GET/HEAD on our host; paths that
 * try to leave the folder get 404 (readStaticFile refuses them).
 */
export function appProtocolResponse(rendererDir: string, requestUrl: string, method = 'GET'): AppProtocolResponse {
  const headers: Record<string, string> = {
    'content-security-policy': appContentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  const text = (status: number, message: string): AppProtocolResponse => ({
    status,
    headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
    body: message,
  });
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return text(400, 'Bad request.');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return text(404, 'Not found.');
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'Only GET is served here.');
  const file = readStaticFile(rendererDir, url.pathname);
  if (!file) return text(404, 'Not found.');
  return { status: 200, headers: { ...headers, 'content-type': file.contentType }, body: method === 'HEAD' ? '' : file.body };
}
