import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { SignalSampleSchema } from '../../../shared/protocol/box-stream';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { coreWithStreamServerAsBoxEachTest, outboxWithSamples, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;
coreWithStreamServerAsBoxEachTest((core, server) => {
  h = core;
  policy = server;
});

function outboxRows(): Array<{ sample_id: string; state: string; payload: string; signal_id: string }> {
  return outboxWithSamples(h.dir);
}

async function newConversation(hintMode: 'auto' | 'review' = 'auto') {
  const persona = await h.invoke('personas:create', { name: 'Tutor', systemPrompt: 'You are a patient tutor.', hintMode });
  const conversation = await h.invoke('conversations:create', { personaId: persona.id });
  return { persona, conversation };
}

async function finished(id: string): Promise<Message> {
  return h.waitFor('chat:message', (m) => m.id === id && m.status !== 'streaming');
}

describe('core: chat', () => {
  it('streams a reply into the store, coalesces deltas and names the conversation', async () => {
    await h.invoke('settings:setBoxToken', { token: 'box-secret' });
    policy.script({ chunks: Array.from({ length: 40 }, (_, i) => `w${i} `), policyVersion: 'v12' });
    const { persona, conversation } = await newConversation();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Explain photosynthesis\nplease' });
    expect(sent.signal).toBeNull();
    expect(sent.userMessage).toMatchObject({ role: 'user', seq: 1, status: 'complete' });
    expect(sent.assistantMessage).toMatchObject({ role: 'assistant', seq: 2, status: 'streaming', content: '' });

    const done = await finished(sent.assistantMessage.id);
    const expected = Array.from({ length: 40 }, (_, i) => `w${i} `).join('');
    expect(done).toMatchObject({ status: 'complete', content: expected, policyVersion: 'v12', error: null });
    const deltas = h.events.filter((e) => e.event === 'chat:delta').map((e) => e.payload as { delta: string; messageId: string });
    expect(deltas.map((d) => d.delta).join('')).toBe(expected);
    expect(deltas.every((d) => d.messageId === sent.assistantMessage.id)).toBe(true);
    // 40 chunks arrive in one burst: coalescing sends far fewer IPC events.
    expect(deltas.length).toBeLessThan(40);

    const request = policy.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(request.headers.authorization).toBe('Bearer box-secret');
    expect(request.headers['x-apprentice-persona']).toBe(persona.id);
    expect(request.headers['x-apprentice-conversation']).toBe(conversation.id);
    expect(request.headers['x-apprentice-turn']).toBe(sent.assistantMessage.id);
    expect(request.body).toMatchObject({
      model: 'qwen3-4b', // no model chosen: the first one the server lists
      stream: true,
      temperature: 0.7,
      max_tokens: 2048,
      messages: [
        { role: 'system', content: 'You are a patient tutor.' },
        { role: 'user', content: 'Explain photosynthesis\nplease' },
      ],
    });
    const thread = await h.invoke('messages:list', { conversationId: conversation.id });
    expect(thread.map((m) => [m.role, m.status])).toEqual([['user', 'complete'], ['assistant', 'complete']]);
    const [listed] = await h.invoke('conversations:list', { personaId: persona.id });
    expect(listed?.title).toBe('Explain photosynthesis');
  });

  it('does not send the box token to a third-party policy endpoint', async () => {
    await h.invoke('settings:setBoxToken', { token: 'box-secret' });
    const other = await startOpenAiStreamServer();
    try {
      await h.invoke('settings:update', { policy: { endpoint: `${other.url}/v1`, model: 'llama' } });
      const { conversation } = await newConversation();
      const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'hi' });
      await finished(sent.assistantMessage.id);
      const request = other.requests.find((r) => r.path === '/v1/chat/completions')!;
      expect(request.headers.authorization).toBeUndefined();
      expect(request.body?.model).toBe('llama');
    } finally {
      await other.close();
    }
  });

  it('stops a streaming reply and keeps its text', async () => {
    policy.script({ chunks: ['partial answer'], hang: true });
    const { conversation } = await newConversation();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Tell me a long story' });
    await h.waitFor('chat:delta', (d) => d.messageId === sent.assistantMessage.id);
    const busy = await h.core.handle('chat:send', { conversationId: conversation.id, content: 'again' });
    expect(busy).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await h.invoke('chat:stop', { messageId: sent.assistantMessage.id });
    const stopped = await finished(sent.assistantMessage.id);
    expect(stopped).toMatchObject({ status: 'stopped', content: 'partial answer', error: null });
    // Stopping it again, or stopping something unknown, changes nothing.
    await h.invoke('chat:stop', { messageId: sent.assistantMessage.id });
    expect((await h.invoke('messages:list', { conversationId: conversation.id })).at(-1)).toEqual({ ...stopped, versionIds: [stopped.id] });
    expect(await h.core.handle('chat:stop', { messageId: 'no-such-message' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('asks the server which model it serves once, not before every reply, and again after a reply failed', async () => {
    policy.script({ chunks: ['one'] }, { chunks: ['two'] }, { status: 500, body: { error: { message: 'model unloaded' } } }, { chunks: ['three'] });
    const { conversation } = await newConversation();
    const modelLists = () => policy.requests.filter((r) => r.path === '/v1/models').length;
    const replies = () => policy.requests.filter((r) => r.path === '/v1/chat/completions' && r.body?.stream === true);
    for (const content of ['first', 'second']) {
      const sent = await h.invoke('chat:send', { conversationId: conversation.id, content });
      expect((await finished(sent.assistantMessage.id)).status).toBe('complete');
    }
    expect(modelLists()).toBe(1);
    expect(replies().map((r) => r.body?.model)).toEqual(['qwen3-4b', 'qwen3-4b']);

    const failing = await h.invoke('chat:send', { conversationId: conversation.id, content: 'third' });
    expect((await finished(failing.assistantMessage.id)).status).toBe('error');
    const after = await h.invoke('chat:send', { conversationId: conversation.id, content: 'fourth' });
    expect((await finished(after.assistantMessage.id)).status).toBe('complete');
    expect(modelLists()).toBe(2);
  });

  it('stores upstream failures on the message and keeps working', async () => {
    policy.script({ status: 500, body: { error: { message: 'CUDA out of memory' } } }, { chunks: ['fine now'] });
    const { conversation } = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'hi' });
    const failed = await finished(first.assistantMessage.id);
    expect(failed.status).toBe('error');
    expect(failed.error).toMatch(/500.*CUDA out of memory/);
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'hi again' });
    // An errored reply is not judged: there was nothing to react to.
    expect(second.signal).toBeNull();
    expect(await finished(second.assistantMessage.id)).toMatchObject({ status: 'complete', content: 'fine now' });

    await h.invoke('settings:update', { box: { url: 'http://127.0.0.1:9' } });
    const third = await h.invoke('chat:send', { conversationId: conversation.id, content: 'anyone?' });
    const refused = await finished(third.assistantMessage.id);
    expect(refused.status).toBe('error');
    expect(refused.error).toMatch(/connection refused|failed/i);

    await h.invoke('settings:update', { box: { url: '' } });
    const fourth = await h.invoke('chat:send', { conversationId: conversation.id, content: 'and now?' });
    expect((await finished(fourth.assistantMessage.id)).error).toMatch(/No model server is connected yet/);
  });

  it('regenerates: the old reply leaves the thread with a regenerate signal and an outbox row', async () => {
    policy.script({ chunks: ['First try.'] }, { chunks: ['Second try.'] });
    const { conversation } = await newConversation();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Write a haiku' });
    await finished(sent.assistantMessage.id);
    const regen = await h.invoke('chat:regenerate', { messageId: sent.assistantMessage.id });
    expect(regen.assistantMessage.replacesId).toBe(sent.assistantMessage.id);
    expect(regen.signal).toMatchObject({ kind: 'regenerate', reward: -1, source: 'explicit', messageId: sent.assistantMessage.id });
    expect(await finished(regen.assistantMessage.id)).toMatchObject({ content: 'Second try.', status: 'complete' });

    const thread = await h.invoke('messages:list', { conversationId: conversation.id });
    expect(thread.map((m) => m.content)).toEqual(['Write a haiku', 'Second try.']);
    // The regenerated request did not include the replaced reply.
    const last = policy.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect((last.body?.messages as unknown[]).length).toBe(2);

    const [row] = outboxRows();
    expect(row).toMatchObject({ sample_id: regen.signal!.id, state: 'pending' });
    const sample = SignalSampleSchema.parse(JSON.parse(row!.payload));
    expect(sample).toMatchObject({
      response: 'First try.',
      reward: -1,
      rewardSource: 'explicit',
      signalKind: 'regenerate',
      nextState: { role: 'feedback' },
      turnId: sent.assistantMessage.id,
    });
    const again = await h.core.handle('chat:regenerate', { messageId: sent.assistantMessage.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('core: follow-up signals', () => {
  it('reads "No, I meant X" as a correction with a hint and an outbox row', async () => {
    policy.script({ chunks: ['Paris is the capital of France.'] }, { chunks: ['Berlin is the capital of Germany.'] });
    const { persona, conversation } = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of France?' });
    await finished(first.assistantMessage.id);
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant the capital of Germany.' });
    expect(second.signal).toMatchObject({
      kind: 'correction',
      reward: -1,
      source: 'heuristic',
      messageId: first.assistantMessage.id,
      triggerMessageId: second.userMessage.id,
    });
    const { signals, hints } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals.map((s) => s.id)).toEqual([second.signal!.id]);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatchObject({ signalId: second.signal!.id, status: 'auto', source: 'rule' });
    expect(hints[0]!.text).toMatch(/Germany/);

    const [row] = outboxRows();
    expect(row).toMatchObject({ sample_id: second.signal!.id, state: 'pending' });
    expect(SignalSampleSchema.parse(JSON.parse(row!.payload))).toMatchObject({
      sampleId: second.signal!.id,
      personaId: persona.id,
      conversationId: conversation.id,
      turnId: first.assistantMessage.id,
      messages: [
        { role: 'system', content: 'You are a patient tutor.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      response: 'Paris is the capital of France.',
      nextState: { role: 'user', content: 'No, I meant the capital of Germany.' },
      reward: -1,
      rewardSource: 'heuristic',
      signalKind: 'correction',
      hint: hints[0]!.text,
      supersedes: null,
    });
    const kinds = h.events.filter((e) => e.event === 'timeline:appended').map((e) => (e.payload as { kind: string }).kind);
    expect(kinds).toEqual(['signal', 'hint']);
    expect(await h.invoke('timeline:stats', { personaId: persona.id })).toMatchObject({ signals: 1, negative: 1, positive: 0, hints: 1 });
    await finished(second.assistantMessage.id);
  });

  it('writes nothing at all when the outbox insert fails inside the transaction', async () => {
    policy.script({ chunks: ['Paris.'] });
    const { conversation, persona } = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Capital of France?' });
    await finished(first.assistantMessage.id);

    const db = new Database(join(h.dir, DATABASE_FILE_NAME));
    db.exec(`CREATE TRIGGER outbox_breaks BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const before = ['messages', 'signals', 'hints', 'outbox', 'timeline_events'].map(count);

    const result = await h.core.handle('chat:send', { conversationId: conversation.id, content: 'No, I meant the capital of Germany.' });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(result.ok ? '' : result.error.message).toMatch(/disk on fire/);
    expect(['messages', 'signals', 'hints', 'outbox', 'timeline_events'].map(count)).toEqual(before);
    expect(h.events.some((e) => e.event === 'signals:changed')).toBe(false);

    db.exec('DROP TRIGGER outbox_breaks');
    db.close();
    const retry = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant the capital of Germany.' });
    expect(retry.signal?.kind).toBe('correction');
    expect(outboxRows()).toHaveLength(1);
    expect(await h.invoke('timeline:stats', { personaId: persona.id })).toMatchObject({ signals: 1 });
    await finished(retry.assistantMessage.id);
  });

  it('keeps the hint of a follow-up that comes after a bare thumbs down, with the thumb\'s reward', async () => {
    policy.script({ chunks: ['Paris is the capital of France.'] }, { chunks: ['Berlin is the capital of Germany.'] });
    const { persona, conversation } = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of France?' });
    await finished(first.assistantMessage.id);
    const thumb = await h.invoke('feedback:thumb', { messageId: first.assistantMessage.id, up: false });
    expect(thumb.hint).toBeNull();

    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant the capital of Germany.' });
    expect(second.signal).toMatchObject({
      kind: 'thumb_down',
      reward: -1,
      source: 'explicit',
      messageId: first.assistantMessage.id,
      triggerMessageId: second.userMessage.id,
      supersededBy: null,
    });
    const { signals, hints } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals.find((s) => s.id === thumb.signal.id)?.supersededBy).toBe(second.signal!.id);
    expect(hints).toEqual([expect.objectContaining({ signalId: second.signal!.id, source: 'rule', status: 'auto' })]);
    expect(hints[0]!.text).toMatch(/Germany/);
    const row = outboxRows().find((r) => r.sample_id === second.signal!.id)!;
    expect(SignalSampleSchema.parse(JSON.parse(row.payload))).toMatchObject({
      reward: -1,
      rewardSource: 'explicit',
      signalKind: 'thumb_down',
      hint: hints[0]!.text,
      supersedes: thumb.signal.id,
      nextState: { role: 'user', content: 'No, I meant the capital of Germany.' },
    });
    expect(await h.invoke('timeline:stats', { personaId: persona.id })).toMatchObject({ signals: 1, negative: 1, hints: 1 });
    // Changing one's mind still works: a thumb up replaces the thumb that now carries the hint.
    const up = await h.invoke('feedback:thumb', { messageId: first.assistantMessage.id, up: true });
    expect((await h.invoke('signals:listForConversation', { conversationId: conversation.id })).signals.filter((s) => s.supersededBy === null).map((s) => s.id)).toEqual([up.signal.id]);
    await finished(second.assistantMessage.id);
  });

  it('lets explicit feedback that is positive, or that carries its own hint, stand as it is', async () => {
    policy.script({ chunks: ['Paris is the capital of France.'] }, { chunks: ['Berlin.'] }, { chunks: ['Rome is the capital of Italy.'] }, { chunks: ['Madrid.'] });
    const { conversation } = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of France?' });
    await finished(first.assistantMessage.id);
    const up = await h.invoke('feedback:thumb', { messageId: first.assistantMessage.id, up: true });
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant the capital of Germany.' });
    expect(second.signal).toBeNull();
    await finished(second.assistantMessage.id);

    const third = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of Italy?' });
    await finished(third.assistantMessage.id);
    const down = await h.invoke('feedback:thumb', { messageId: third.assistantMessage.id, up: false, reason: 'Too long, just name the city.' });
    expect(down.hint).not.toBeNull();
    const fourth = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant the capital of Spain.' });
    expect(fourth.signal).toBeNull();
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    const live = signals.filter((s) => s.supersededBy === null && s.messageId !== second.assistantMessage.id);
    expect(live.map((s) => s.id)).toEqual([up.signal.id, down.signal.id]);
    await finished(fourth.assistantMessage.id);
  });
});
