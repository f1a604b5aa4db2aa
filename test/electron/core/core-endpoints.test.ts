import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { startCore, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

/** Direct endpoints (not the box): API keys, typed-value tests, privacy of Apprentice's ids, honest endings. */

let server: OpenAiStreamServer;
let h: CoreHarness;

beforeEach(async () => {
  server = await startOpenAiStreamServer();
  h = await startCore();
});
afterEach(async () => {
  await h.dispose();
  await server.close();
});

async function conversation() {
  const [persona] = await h.invoke('personas:list', {});
  return h.invoke('conversations:create', { personaId: persona!.id });
}

async function finished(id: string): Promise<Message> {
  return h.waitFor('chat:message', (m) => m.id === id && m.status !== 'streaming');
}

function countRows(table: 'signals' | 'outbox'): number {
  const db = new Database(join(h.dir, DATABASE_FILE_NAME), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('core: direct endpoints', () => {
  it('sends the API key saved for the endpoint, and none of Apprentice\'s ids (they are for the box only)', async () => {
    server.requireToken('sk-local-123');
    const endpoint = `${server.url}/v1`;
    await h.invoke('settings:update', { policy: { endpoint } });
    expect(await h.invoke('settings:setEndpointKey', { endpoint: `${endpoint}/`, key: 'sk-local-123' })).toEqual({ endpoints: [endpoint] });
    const c = await conversation();
    const sent = await h.invoke('chat:send', { conversationId: c.id, content: 'hello' });
    expect(await finished(sent.assistantMessage.id)).toMatchObject({ status: 'complete', content: 'Hello there' });
    const chat = server.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(chat.headers.authorization).toBe('Bearer sk-local-123');
    expect(chat.headers['x-apprentice-persona']).toBeUndefined();
    expect(chat.headers['x-apprentice-conversation']).toBeUndefined();
    expect(chat.headers['x-apprentice-turn']).toBeUndefined();
    // No model chosen yet: the first one the server lists is asked for, never a made-up "default".
    expect(chat.body?.model).toBe('qwen3-4b');
  });

  it('the key belongs to its endpoint: another endpoint never receives it', async () => {
    const other = await startOpenAiStreamServer();
    try {
      await h.invoke('settings:setEndpointKey', { endpoint: `${server.url}/v1`, key: 'sk-for-the-first' });
      await h.invoke('settings:update', { policy: { endpoint: `${other.url}/v1`, model: 'qwen3-4b' } });
      const c = await conversation();
      const sent = await h.invoke('chat:send', { conversationId: c.id, content: 'hi' });
      await finished(sent.assistantMessage.id);
      expect(other.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
      // The key never comes back to the renderer; only which endpoints have one.
      expect(await h.invoke('settings:endpointKeys', {})).toEqual({ endpoints: [`${server.url}/v1`] });
      expect(await h.invoke('settings:setEndpointKey', { endpoint: `${server.url}/v1`, key: null })).toEqual({ endpoints: [] });
    } finally {
      await other.close();
    }
  });

  it('a refused API key is reported as the API key, naming the server', async () => {
    server.requireToken('right-key');
    const endpoint = `${server.url}/v1`;
    await h.invoke('settings:update', { policy: { endpoint, model: 'qwen3-4b' } });
    await h.invoke('settings:setEndpointKey', { endpoint, key: 'wrong-key' });
    const c = await conversation();
    const sent = await h.invoke('chat:send', { conversationId: c.id, content: 'hi' });
    const failed = await finished(sent.assistantMessage.id);
    expect(failed.status).toBe('error');
    expect(failed.error).toContain(`${endpoint}/chat/completions answered 401`);
    expect(failed.error).toContain('The server refused the API key');
    expect(failed.error).not.toMatch(/box token/);
  });

  it('Test connection tests what is typed: endpoint and key, without saving either', async () => {
    server.requireToken('typed-key');
    const endpoint = `${server.url}/v1`;
    expect(await h.invoke('endpoint:test', { endpoint, apiKey: 'typed-key' })).toEqual({
      ok: true,
      detail: `${endpoint} answers and serves qwen3-4b.`,
      models: ['qwen3-4b'],
    });
    const refused = await h.invoke('endpoint:test', { endpoint, apiKey: 'nope' });
    expect(refused).toMatchObject({ ok: false, models: [] });
    expect(refused.detail).toContain('refused the API key');
    const missing = await h.invoke('endpoint:test', { endpoint });
    expect(missing.detail).toContain('needs an API key');
    // Nothing typed was saved.
    expect((await h.invoke('settings:get', {})).policy.endpoint).toBe('');
    expect(await h.invoke('settings:endpointKeys', {})).toEqual({ endpoints: [] });
    // With only a policy endpoint, the endpoint test does not talk about a box.
    expect((await h.invoke('endpoint:test', { endpoint: 'not a url' })).detail).toMatch(/is not a URL/);
    const nothing = await h.invoke('endpoint:test', { endpoint: '' });
    expect(nothing.detail).not.toMatch(/box/i);
  });

  it('the box test uses the typed URL and token; the saved token goes only to the saved box URL', async () => {
    server.requireToken('box-token-0123456789');
    await h.invoke('settings:setBoxToken', { token: 'box-token-0123456789' });
    // Typed, not saved: the saved token must not be sent to this URL.
    const typed = await h.invoke('box:test', { url: server.url });
    expect(typed.detail).toMatch(/requires a token/);
    expect((await h.invoke('box:test', { url: server.url, token: 'box-token-0123456789' })).ok).toBe(true);
    await h.invoke('settings:update', { box: { url: server.url } });
    expect(await h.invoke('box:test', { url: `${server.url}/` })).toMatchObject({ ok: true, models: ['qwen3-4b'] });
    expect((await h.invoke('box:test', { url: '' })).detail).toBe('Enter the box URL first.');
  });

  it('a stream cut off before its end is kept and shown, marked cut_off, and never trained', async () => {
    server.script({ chunks: ['The answer is'], ending: 'none' }, { chunks: ['Fine.'] });
    await h.invoke('settings:update', { policy: { endpoint: `${server.url}/v1`, model: 'qwen3-4b' } });
    const c = await conversation();
    const first = await h.invoke('chat:send', { conversationId: c.id, content: 'What is it?' });
    const cut = await finished(first.assistantMessage.id);
    expect(cut).toMatchObject({ status: 'error', truncation: 'cut_off', content: 'The answer is' });
    expect(cut.error).toMatch(/^Cut off/);
    // Feedback on it is refused with a reason; a follow-up records no signal; nothing reaches the outbox.
    const thumb = await h.core.handle('feedback:thumb', { messageId: cut.id, up: false });
    expect(thumb).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/cut off/) } });
    const edit = await h.core.handle('feedback:edit', { messageId: cut.id, content: 'The answer is 42.' });
    expect(edit).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const second = await h.invoke('chat:send', { conversationId: c.id, content: 'No, I meant the other one' });
    expect(second.signal).toBeNull();
    await finished(second.assistantMessage.id);
    const regenerated = await h.invoke('chat:regenerate', { messageId: second.assistantMessage.id });
    await finished(regenerated.assistantMessage.id);
    // The regenerate signal is on the second (finished) reply only.
    expect(countRows('signals')).toBe(1);
    expect(countRows('outbox')).toBe(1);
    const thread = await h.invoke('messages:list', { conversationId: c.id });
    expect(thread[1]).toMatchObject({ id: cut.id, truncation: 'cut_off', content: 'The answer is' });
  });

  it('a reply that stopped at the token limit is complete and says so', async () => {
    server.script({ chunks: ['one two three'], ending: 'length' });
    await h.invoke('settings:update', { policy: { endpoint: `${server.url}/v1`, model: 'qwen3-4b', maxTokens: 3 } });
    const c = await conversation();
    const sent = await h.invoke('chat:send', { conversationId: c.id, content: 'count' });
    expect(await finished(sent.assistantMessage.id)).toMatchObject({ status: 'complete', truncation: 'token_limit', error: null });
    expect((await h.invoke('feedback:thumb', { messageId: sent.assistantMessage.id, up: true })).signal.reward).toBe(1);
  });

  it('with nothing configured the first reply fails at once with a sentence that says what to do', async () => {
    const c = await conversation();
    const sent = await h.invoke('chat:send', { conversationId: c.id, content: 'hello' });
    const failed = await finished(sent.assistantMessage.id);
    expect(failed.status).toBe('error');
    expect(failed.error).toMatch(/No model server is connected yet: open Settings/);
  });
});

describe('core: local server detection', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    servers = [];
  });

  async function portWith(handler: Parameters<typeof createServer>[1]): Promise<number> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return (s.address() as AddressInfo).port;
  }

  it('reports servers that answer /v1/models, marks those that need a key, and skips the rest', async () => {
    const open = Number(new URL(server.url).port);
    const locked = await portWith((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"Unauthorized"}');
    });
    const notAnEngine = await portWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><title>My blog</title></html>');
    });
    const closed = await portWith(() => undefined);
    servers.pop()!.close();
    const probe = await startCore({
      localServers: [
        { name: 'SGLang', port: open, path: '/v1' },
        { name: 'vLLM', port: locked, path: '/v1' },
        { name: 'Ollama', port: notAnEngine, path: '/v1' },
        { name: 'llama.cpp', port: closed, path: '/v1' },
      ],
    });
    try {
      expect(await probe.invoke('setup:detectServers', {})).toEqual({
        servers: [
          { name: 'SGLang', endpoint: `http://127.0.0.1:${open}/v1`, models: ['qwen3-4b'], needsKey: false },
          { name: 'vLLM', endpoint: `http://127.0.0.1:${locked}/v1`, models: [], needsKey: true },
        ],
      });
    } finally {
      await probe.dispose();
    }
  });
});
