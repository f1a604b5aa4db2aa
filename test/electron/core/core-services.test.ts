import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, RecordingSyncPort, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

const harnesses: CoreHarness[] = [];
const servers: OpenAiStreamServer[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.dispose();
  for (const s of servers.splice(0)) await s.close();
});

async function core(options: Parameters<typeof startCore>[0] = {}) {
  const h = await startCore(options);
  harnesses.push(h);
  return h;
}

describe('core: IPC validation and CRUD', () => {
  it('rejects unknown channels and invalid payloads with bad_request and changes nothing', async () => {
    const h = await core();
    expect(await h.core.handle('nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await h.core.handle(42, {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const bad = await h.core.handle('personas:create', { name: '', systemPrompt: 'x', extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/personas:create/);
    expect(await h.core.handle('chat:send', { conversationId: 'missing', content: 'hi' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A first run has exactly the default persona.
    expect((await h.invoke('personas:list', {})).map((p) => p.name)).toEqual(['Assistant']);
  });

  it('manages personas and conversations with soft delete', async () => {
    const h = await core();
    const p = await h.invoke('personas:create', { name: '  Coach ', systemPrompt: 'Push me.' });
    expect(p).toMatchObject({ name: 'Coach', hintMode: 'auto' });
    expect(await h.invoke('personas:update', { id: p.id, hintMode: 'review' })).toMatchObject({ hintMode: 'review', systemPrompt: 'Push me.' });
    const c = await h.invoke('conversations:create', { personaId: p.id, title: 'Week 1' });
    expect(await h.invoke('conversations:rename', { id: c.id, title: 'Week one' })).toMatchObject({ title: 'Week one' });
    expect(await h.invoke('conversations:list', { personaId: p.id })).toHaveLength(1);
    await h.invoke('conversations:delete', { id: c.id });
    expect(await h.invoke('conversations:list', { personaId: p.id })).toEqual([]);
    expect(await h.core.handle('messages:list', { conversationId: c.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await h.invoke('personas:delete', { id: p.id });
    expect((await h.invoke('personas:list', {})).some((x) => x.id === p.id)).toBe(false);
    expect(await h.core.handle('personas:delete', { id: p.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await h.invoke('app:info', {})).toEqual({
      mode: 'browser',
      version: '0.0.0',
      dataDir: h.dir,
      tokenProtection: { protectedByKeychain: false, detail: expect.stringMatching(/box-token.*mode 0600/) },
    });
  });
});

describe('core: settings and token', () => {
  it('keeps the token out of every response and stores it in the data dir', async () => {
    const h = await core();
    expect((await h.invoke('settings:get', {})).box.hasToken).toBe(false);
    expect(await h.invoke('settings:setBoxToken', { token: 'tok-abcdef' })).toEqual({ hasToken: true });
    const settings = await h.invoke('settings:get', {});
    expect(settings.box.hasToken).toBe(true);
    expect(JSON.stringify(settings)).not.toContain('tok-abcdef');
    expect(readFileSync(join(h.dir, 'box-token'), 'utf8')).toBe('tok-abcdef');
    expect(readFileSync(join(h.dir, 'settings.json'), 'utf8')).not.toContain('tok-abcdef');
    expect(await h.invoke('settings:setBoxToken', { token: null })).toEqual({ hasToken: false });
    expect(existsSync(join(h.dir, 'box-token'))).toBe(false);
    const invalid = await h.core.handle('settings:update', { box: { url: 'not a url' } });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('reports an invalid settings file on the timeline and starts from defaults', async () => {
    const first = await core();
    const dir = first.dir;
    await first.core.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'settings.json'), '{ nope');
    const h = await core({ dataDir: dir });
    expect(h.core.warnings[0]).toMatch(/settings\.json\.invalid-/);
    const [persona] = await h.invoke('personas:list', {});
    const events = await h.invoke('timeline:list', { personaId: persona!.id, kinds: ['error'] });
    expect(events[0]?.summary).toMatch(/defaults were restored/);
    expect((await h.invoke('settings:get', {})).policy.temperature).toBe(0.7);
  });
});

describe('core: sync worker', () => {
  it('configures the worker, nudges it after outbox writes and forwards its reports', async () => {
    const policy = await startOpenAiStreamServer();
    servers.push(policy);
    const port = new RecordingSyncPort();
    const h = await core({ spawnSyncWorker: () => port });
    await h.invoke('settings:update', { box: { url: policy.url } });
    await h.invoke('settings:setBoxToken', { token: 'tkn' });
    const configures = port.posted.filter((m) => m.type === 'configure');
    expect(configures.at(-1)).toEqual({ type: 'configure', config: { dbFile: join(h.dir, 'apprentice.sqlite'), boxUrl: policy.url, token: 'tkn' } });

    policy.script({ chunks: ['Answer.'] });
    const [persona] = await h.invoke('personas:list', {});
    const conversation = await h.invoke('conversations:create', { personaId: persona!.id });
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'q' });
    await h.waitFor('chat:message', (m) => m.id === sent.assistantMessage.id && m.status === 'complete');
    const nudgesBefore = port.posted.filter((m) => m.type === 'nudge').length;
    await h.invoke('feedback:thumb', { messageId: sent.assistantMessage.id, up: true });
    expect(port.posted.filter((m) => m.type === 'nudge').length).toBe(nudgesBefore + 1);

    const status = { state: 'connected', url: policy.url, detail: 'ok', pending: 0, held: 0, acked: 0, lastAckAt: null, policyVersion: 'v3', retryInMs: null };
    port.send({ type: 'status', status });
    const forwarded = await h.waitFor('box:status', (s) => s.state === 'connected');
    // Counts come from the store: the thumb's row is pending.
    expect(forwarded).toMatchObject({ state: 'connected', policyVersion: 'v3', pending: 1 });
    expect(await h.invoke('box:status', {})).toMatchObject({ state: 'connected', pending: 1 });

    const event = { seq: 1, id: 'progress:1:x', personaId: persona!.id, kind: 'policy_version', sampleId: null, messageId: null, summary: 'v4', data: { policyVersion: 'v4' }, createdAt: 1 };
    port.send({ type: 'timeline', event });
    expect(await h.waitFor('timeline:appended', (e) => e.id === 'progress:1:x')).toEqual(event);
    // Samples that moved (sent, stored) refresh each named persona's Learning tab.
    port.send({ type: 'delivery', personaIds: [persona!.id, 'other-persona'] });
    expect(await h.waitFor('learning:changed', (e) => e.personaId === persona!.id)).toEqual({ personaId: persona!.id });
    expect(h.events.filter((e) => e.event === 'learning:changed').map((e) => e.payload)).toEqual([{ personaId: persona!.id }, { personaId: 'other-persona' }]);
    port.send({ type: 'delivery', personaIds: 'all' });
    expect(h.events.filter((e) => e.event === 'learning:changed')).toHaveLength(2);
    // A malformed message is ignored, not forwarded.
    port.send({ type: 'status', status: { state: 'exploded' } });
    expect(h.events.filter((e) => e.event === 'box:status' && (e.payload as { state: string }).state === 'exploded')).toEqual([]);

    await h.core.close();
    expect(port.terminated).toBe(true);
  });

  it('keeps working when the worker cannot start', async () => {
    const logs: string[] = [];
    const h = await core({
      spawnSyncWorker: () => {
        throw new Error('no worker today');
      },
      log: (_l, m) => logs.push(m),
    });
    await h.invoke('settings:update', { box: { url: 'http://127.0.0.1:9' } });
    const status = await h.invoke('box:status', {});
    expect(status).toMatchObject({ state: 'disconnected' });
    expect(status.detail).toMatch(/no worker today/);
    expect(logs.join('\n')).toMatch(/no worker today/);
  });
});

describe('core: box test', () => {
  it('probes /health and /v1/models with the token', async () => {
    const box = await startOpenAiStreamServer();
    servers.push(box);
    box.requireToken('right');
    const h = await core();
    expect(await h.invoke('box:test', {})).toMatchObject({ ok: false, detail: 'No box URL is configured.' });
    await h.invoke('settings:update', { box: { url: box.url } });
    expect(await h.invoke('box:test', {})).toMatchObject({ ok: false, detail: expect.stringMatching(/requires a token/) });
    await h.invoke('settings:setBoxToken', { token: 'wrong' });
    expect(await h.invoke('box:test', {})).toMatchObject({ ok: false, detail: expect.stringMatching(/refused the token/) });
    await h.invoke('settings:setBoxToken', { token: 'right' });
    expect(await h.invoke('box:test', {})).toMatchObject({ ok: true, models: ['qwen3-4b'] });
    expect(box.requests.filter((r) => r.path === '/health').every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});
