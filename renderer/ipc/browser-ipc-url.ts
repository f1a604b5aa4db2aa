import { BROWSER_IPC_PATH, BROWSER_TOKEN_PARAM } from '../../shared/ipc/transport';

/**
 * Browser mode: the page is served at http://127.0.0.1:PORT/?token=T and the core listens for the
 * IPC ws on the same origin at /ipc?token=T. Returns null when the page URL carries no token.
 */
export function browserIpcUrl(pageUrl: string): string | null {
  const page = new URL(pageUrl);
  const token = page.searchParams.get(BROWSER_TOKEN_PARAM);
  if (!token) return null;
  const ws = new URL(BROWSER_IPC_PATH, page);
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.search = '';
  ws.hash = '';
  ws.searchParams.set(BROWSER_TOKEN_PARAM, token);
  return ws.toString();
}
