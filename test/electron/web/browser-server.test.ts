import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BROWSER_IPC_PROTOCOL, browserIpcProtocols } from '../../../shared/ipc/browser-token';
import { IpcServerFrameSchema, type IpcServerFrame } from '../../../shared/ipc/transport';
import { createCore, type Core } from '../../../electron/core/create-core';
import { startBrowserServer, type BrowserServer } from '../../../electron/web/browser-server';

let dir: string;
let core: Core;
let server: BrowserServer;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-web-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Apprentice</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {}');
  core = createCore({ dataDir: join(dir, 'data'), mode: 'browser', spawnSyncWorker: null, log: () => {} });
  server = await startBrowserServer({ core, port: 0, rendererDir });
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(protocols: string[], headers: Record<string, string> = {}, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ipc${query}`, protocols, { headers });
    sockets.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Collects frames from the moment of connection, so none is missed. */
function frames(ws: WebSocket) {
  const seen: IpcServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    seen.push(IpcServerFrameSchema.parse(JSON.parse(data.toString())));
    for (const w of [...waiters]) w();
  });
  return {
    seen,
    next(match: (f: IpcServerFrame) => boolean): Promise<IpcServerFrame> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching frame')), 20_000);
        const check = () => {
          const hit = seen.find(match);
          if (!hit) return;
          seen.splice(seen.indexOf(hit), 1);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

const token = () => browserIpcProtocols(server.token);

describe('browser mode server: http', () => {
  it('serves the built UI (not secret) without the token, sets strict headers and no cookie', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Apprentice</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // A cookie would reach every other server on 127.0.0.1 (cookies ignore ports).
    expect(page.headers['set-cookie']).toBeUndefined();

    const asset = await get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['set-cookie']).toBeUndefined();
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await get('/nothing-here.js')).status).toBe(404);
    // DNS rebinding: a foreign Host name is refused.
    expect((await get('/', { host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('says to build the renderer when it is missing', async () => {
    await server.close();
    server = await startBrowserServer({ core, port: 0, rendererDir: join(dir, 'absent') });
    const page = await get('/');
    expect(page.status).toBe(503);
    expect(page.body).toContain('npm run build');
  });
});

describe('browser mode server: ws IPC', () => {
  it('refuses sockets without the token or from a foreign origin', async () => {
    await expect(connect([])).rejects.toThrow(/401/);
    await expect(connect([BROWSER_IPC_PROTOCOL])).rejects.toThrow(/401/);
    await expect(connect(browserIpcProtocols('nope-nope-nope-nope-nope'))).rejects.toThrow(/401/);
    // The token in the URL (the old way) opens nothing: URLs end up in logs.
    await expect(connect([], {}, `?token=${server.token}`)).rejects.toThrow(/401/);
    await expect(connect(token(), { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const ws = await connect(token(), { origin: `http://127.0.0.1:${server.port}` });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // The server selects the protocol name only; the token is never echoed in a response header.
    expect(ws.protocol).toBe(BROWSER_IPC_PROTOCOL);
  });

  it('answers bad frames with clear errors and changes nothing', async () => {
    const ws = await connect(token());
    const f = frames(ws);
    const before = await core.handle('personas:list', {});
    ws.send('this is not json');
    expect(await f.next((x) => x.type === 'error')).toMatchObject({ type: 'error', error: { code: 'bad_request', message: expect.stringMatching(/not valid JSON/) } });
    ws.send(JSON.stringify({ type: 'invoke', channel: 'personas:create' }));
    expect(await f.next((x) => x.type === 'error')).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/Invalid invoke frame/) } });
    ws.send(JSON.stringify({ type: 'invoke', id: 7, channel: 5, payload: {} }));
    expect(await f.next((x) => x.type === 'result' && x.id === 7)).toMatchObject({ result: { ok: false, error: { code: 'bad_request' } } });
    ws.send(JSON.stringify({ type: 'invoke', id: 8, channel: 'personas:drop', payload: {} }));
    expect(await f.next((x) => x.type === 'result' && x.id === 8)).toMatchObject({ result: { ok: false, error: { code: 'bad_request' } } });
    ws.send(JSON.stringify({ type: 'invoke', id: 9, channel: 'personas:create', payload: { name: 'x', systemPrompt: 1 } }));
    expect(await f.next((x) => x.type === 'result' && x.id === 9)).toMatchObject({ result: { ok: false, error: { code: 'bad_request' } } });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await f.next((x) => x.type === 'error')).toMatchObject({ error: { message: expect.stringMatching(/Binary/) } });
    expect(await core.handle('personas:list', {})).toEqual(before);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('carries a full invoke round trip and pushes events to every client', async () => {
    const a = await connect(token());
    const b = await connect(token());
    const fa = frames(a);
    const fb = frames(b);
    a.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'personas:create', payload: { name: 'Over ws', systemPrompt: 'hi' } }));
    const created = await fa.next((x) => x.type === 'result' && x.id === 1);
    expect(created).toMatchObject({ type: 'result', id: 1, result: { ok: true, result: { name: 'Over ws', hintMode: 'auto' } } });
    a.send(JSON.stringify({ type: 'invoke', id: 2, channel: 'personas:list', payload: {} }));
    const list = await fa.next((x) => x.type === 'result' && x.id === 2);
    expect(list.type === 'result' && list.result.ok && (list.result.result as Array<{ name: string }>).map((p) => p.name)).toContain('Over ws');
    // A settings change pushes a box:status event to both windows.
    a.send(JSON.stringify({ type: 'invoke', id: 3, channel: 'settings:update', payload: { box: { url: 'http://127.0.0.1:9' } } }));
    await fa.next((x) => x.type === 'result' && x.id === 3);
    for (const f of [fa, fb]) {
      expect(await f.next((x) => x.type === 'event' && x.event === 'box:status')).toMatchObject({ payload: { url: 'http://127.0.0.1:9' } });
    }
  });
});
