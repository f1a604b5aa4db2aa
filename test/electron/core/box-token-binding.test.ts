import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, type CoreHarness } from './core-test-kit';

/**
 * Whoever can change the box URL (a page that got hold of browser mode's IPC, a mistyped address)
 * must not thereby receive the box token: the token belongs to the box it was entered for.
 */

const TOKEN = 'the-real-box-token-0123456789';

interface Spy {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

async function startSpy(): Promise<Spy> {
  const seen: string[] = [];
  const record = (req: IncomingMessage) => seen.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}`);
  const server: Server = createServer((req, res) => {
    record(req);
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"no"}}');
  });
  server.on('upgrade', (req, socket) => {
    record(req);
    socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const spies: Spy[] = [];
let h: CoreHarness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
  for (const spy of spies.splice(0)) await spy.close();
});

describe('the box token is bound to the box URL it was saved for', () => {
  it('is forgotten when the box URL changes, so the new host never receives it (box test, chat, sync)', async () => {
    const boxA = await startSpy();
    const boxB = await startSpy();
    spies.push(boxA, boxB);
    // The real sync worker (a worker thread): it connects to whatever box URL is configured.
    h = await startCore({ spawnSyncWorker: undefined });
    await h.invoke('settings:update', { box: { url: boxA.url } });
    await h.invoke('settings:setBoxToken', { token: TOKEN });
    expect((await h.invoke('settings:get', {})).box).toEqual({ url: boxA.url, hasToken: true });

    const changed = await h.invoke('settings:update', { box: { url: boxB.url } });
    expect(changed.box).toEqual({ url: boxB.url, hasToken: false });

    await h.invoke('box:test', {});
    const [persona] = await h.invoke('personas:list', {});
    const conversation = await h.invoke('conversations:create', { personaId: persona!.id });
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'hello?' });
    await h.waitFor('chat:message', (m) => m.id === sent.assistantMessage.id && m.status !== 'streaming');
    await expect.poll(() => boxB.seen.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(boxB.seen.join('\n')).not.toContain(TOKEN);
  });

  it('keeps the token when settings are saved with the same box URL (trailing slash or not)', async () => {
    h = await startCore();
    await h.invoke('settings:update', { box: { url: 'http://gpu-box:8787' } });
    await h.invoke('settings:setBoxToken', { token: TOKEN });
    await h.invoke('settings:update', { box: { url: 'http://gpu-box:8787/' }, policy: { temperature: 0.3 } });
    await h.invoke('settings:update', { judge: { mode: 'uncertain' } });
    expect((await h.invoke('settings:get', {})).box).toEqual({ url: 'http://gpu-box:8787', hasToken: true });
  });

  it('a token saved before any box URL was set goes with the first URL, and is bound to it from then on', async () => {
    h = await startCore();
    await h.invoke('settings:setBoxToken', { token: TOKEN });
    expect((await h.invoke('settings:update', { box: { url: 'http://gpu-box:8787' } })).box).toEqual({ url: 'http://gpu-box:8787', hasToken: true });
    expect((await h.invoke('settings:update', { box: { url: 'http://other-box:8787' } })).box).toEqual({ url: 'http://other-box:8787', hasToken: false });
  });

  it('keeps the token when the URL change is refused as invalid', async () => {
    h = await startCore();
    await h.invoke('settings:update', { box: { url: 'http://gpu-box:8787' } });
    await h.invoke('settings:setBoxToken', { token: TOKEN });
    await expect(h.invoke('settings:update', { box: { url: 'ftp://elsewhere' } })).rejects.toThrow(/bad_request/);
    await expect(h.invoke('settings:update', { box: { url: 'http://elsewhere:1' }, policy: { endpoint: 'not a url' } })).rejects.toThrow(/bad_request/);
    expect((await h.invoke('settings:get', {})).box).toEqual({ url: 'http://gpu-box:8787', hasToken: true });
  });

  it('takes a new token for the new URL in the same save (the settings panel sends URL, then token)', async () => {
    h = await startCore();
    await h.invoke('settings:update', { box: { url: 'http://gpu-box:8787' } });
    await h.invoke('settings:setBoxToken', { token: TOKEN });
    await h.invoke('settings:update', { box: { url: 'http://other-box:8787' } });
    await h.invoke('settings:setBoxToken', { token: 'the-other-box-token-0123' });
    expect((await h.invoke('settings:get', {})).box).toEqual({ url: 'http://other-box:8787', hasToken: true });
  });
});
