import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, WebSocket } from 'ws';
import { eventNames, type EventName, type EventPayload } from '../../shared/ipc/contract';
import { BROWSER_IPC_PROTOCOL, browserPageUrl, isUsableBrowserToken, tokenFromProtocols } from '../../shared/ipc/browser-token';
import {
  BROWSER_IPC_PATH,
  IpcInvokeFrameSchema,
  type IpcResult,
  type IpcServerFrame,
} from '../../shared/ipc/transport';
import { contentSecurityPolicy } from './content-security-policy';
import { readStaticFile } from './static-files';

/** The part of the core the server needs (tests may pass the real core or a thin wrapper). */
export interface IpcEndpoint {
  handle(channel: unknown, payload: unknown): Promise<IpcResult>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export interface BrowserServerOptions {
  core: IpcEndpoint;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Per-run secret (base64url, 16+ characters); a random one when absent. */
  token?: string;
}

export interface BrowserServer {
  port: number;
  token: string;
  /** The page address with the token in its fragment: what the user opens. */
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * Browser mode's front door: serves the built renderer and carries the IPC contract over a ws at
 * /ipc, both on 127.0.0.1 only. The built UI is not secret and needs no token; the ws, which reaches
 * every chat and the settings, opens only with the per-run token offered as a subprotocol (see
 * shared/ipc/browser-token.ts: no cookie, no token in any URL). Host and Origin are checked so
 * another web page cannot reach the core through the user's browser.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (!isUsableBrowserToken(token)) throw new Error('the browser-mode token must be 16-512 characters of A-Z a-z 0-9 _ -');
  const tokenBytes = Buffer.from(token);
  const matchesToken = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };
  let port = options.port;
  const allowedHosts = () => [`${HOST}:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const server = createServer((req, res) => serveHttp(req, res));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Answer with the protocol name only: the token offered beside it is never echoed back.
    handleProtocols: (offered) => (offered.has(BROWSER_IPC_PROTOCOL) ? BROWSER_IPC_PROTOCOL : false),
  });
  const clients = new Set<WebSocket>();

  function securityHeaders(res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy([`ws://${HOST}:${port}`, `ws://localhost:${port}`]));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The page URL carries the token: never leak it to other sites.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
  }

  function plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${text}\n`);
  }

  function serveHttp(req: IncomingMessage, res: ServerResponse): void {
    securityHeaders(res);
    if (!allowedHosts().includes(req.headers.host ?? '')) return plain(res, 421, 'Unknown host.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET is served here.');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname === BROWSER_IPC_PATH) return plain(res, 426, 'This path takes a WebSocket.');
    const file = readStaticFile(options.rendererDir, url.pathname);
    if (!file) {
      if (url.pathname === '/' || url.pathname === '/index.html') {
        return plain(res, 503, `The renderer is not built (no ${options.rendererDir}/index.html): run \`npm run build\`, then reload.`);
      }
      return plain(res, 404, 'Not found.');
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname !== BROWSER_IPC_PATH) return refuse(404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    // Browsers always send Origin on a ws handshake; a foreign page must not drive the core.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse(403, 'Forbidden');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!matchesToken(tokenFromProtocols(offered))) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function send(ws: WebSocket, frame: IpcServerFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  function accept(ws: WebSocket): void {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => void receive(ws, data, isBinary));
  }

  async function receive(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return send(ws, badFrame('Binary frames are not accepted; send JSON text.'));
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return send(ws, badFrame('The frame is not valid JSON.'));
    }
    const parsed = IpcInvokeFrameSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'frame'}: ${i.message}`).join('; ');
      const id = (json as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
        return send(ws, { type: 'result', id, result: { ok: false, error: { code: 'bad_request', message: `Invalid invoke frame: ${issues}` } } });
      }
      return send(ws, badFrame(`Invalid invoke frame: ${issues}`));
    }
    const result = await options.core.handle(parsed.data.channel, parsed.data.payload);
    send(ws, { type: 'result', id: parsed.data.id, result });
  }

  const unsubscribes = eventNames.map((event) =>
    options.core.on(event, (payload) => {
      for (const ws of clients) send(ws, { type: 'event', event, payload });
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: browserPageUrl(`http://${HOST}:${port}`, token),
    async close() {
      for (const off of unsubscribes) off();
      for (const ws of clients) ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of clients) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function badFrame(message: string): IpcServerFrame {
  return { type: 'error', error: { code: 'bad_request', message } };
}
