import { BROWSER_IPC_PATH } from '../../shared/ipc/transport';

/**
 * Browser mode: the page is served at http://127.0.0.1:PORT/ and the core listens for the IPC ws
 * on the same origin at /ipc. The URL carries no token (it travels as a subprotocol).
 */
export function browserIpcUrl(pageUrl: string): string {
  const page = new URL(pageUrl);
  const ws = new URL(BROWSER_IPC_PATH, page);
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.search = '';
  ws.hash = '';
  return ws.toString();
}
