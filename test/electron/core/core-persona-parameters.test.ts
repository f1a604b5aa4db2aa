import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { CHAT_HEADER_PERSONA, CHAT_HEADER_TURN } from '../../../shared/protocol/chat-headers';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { startCore, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;

beforeEach(async () => {
  policy = await startOpenAiStreamServer();
  h = await startCore();
  await h.invoke('settings:update', { box: { url: policy.url }, policy: { model: 'global-model', temperature: 0.7, maxTokens: 2048 } });
});
afterEach(async () => {
  await h.dispose();
  await policy.close();
});

async function finished(id: string): Promise<Message> {
  return h.waitFor('chat:message', (m) => m.id === id && m.status !== 'streaming');
}

function streamedRequests() {
  return policy.requests.filter((r) => r.path === '/v1/chat/completions' && r.body?.stream === true);
}

function outboxCount(): number {
  const db = new Database(join(h.dir, DATABASE_FILE_NAME), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('core: persona parameters', () => {
  it("asks with the persona's model, temperature and max tokens, and the policy settings where it has none", async () => {
    const own = await h.invoke('personas:create', {
      name: 'Poet',
      systemPrompt: '',
      model: 'qwen3-32b',
      temperature: 1.3,
      maxTokens: 64,
    });
    expect(own).toMatchObject({ model: 'qwen3-32b', temperature: 1.3, maxTokens: 64, learning: true });
    const plain = await h.invoke('personas:create', { name: 'Plain', systemPrompt: '' });
    expect(plain).toMatchObject({ model: null, temperature: null, maxTokens: null, learning: true });

    const c1 = await h.invoke('conversations:create', { personaId: own.id });
    const s1 = await h.invoke('chat:send', { conversationId: c1.id, content: 'A poem?' });
    expect(s1.assistantMessage.model).toBe('qwen3-32b');
    await finished(s1.assistantMessage.id);
    expect(streamedRequests().at(-1)!.body).toMatchObject({ model: 'qwen3-32b', temperature: 1.3, max_tokens: 64 });

    const c2 = await h.invoke('conversations:create', { personaId: plain.id });
    const s2 = await h.invoke('chat:send', { conversationId: c2.id, content: 'Hi' });
    await finished(s2.assistantMessage.id);
    expect(streamedRequests().at(-1)!.body).toMatchObject({ model: 'global-model', temperature: 0.7, max_tokens: 2048 });

    // Null goes back to the settings; absent fields stay.
    const updated = await h.invoke('personas:update', { id: own.id, temperature: null, name: 'Poet II' });
    expect(updated).toMatchObject({ name: 'Poet II', model: 'qwen3-32b', temperature: null, maxTokens: 64 });
    const bad = await h.core.handle('personas:update', { id: own.id, temperature: 3 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('learning off: signals are read and shown, nothing is queued for the box and the box is not told the turn', async () => {
    policy.script({ chunks: ['Paris is the capital of France.'] }, { chunks: ['Berlin.'] });
    await h.invoke('settings:update', { judge: { mode: 'always' } });
    const persona = await h.invoke('personas:create', { name: 'Private', systemPrompt: '', learning: false, hintMode: 'review' });
    expect(persona.learning).toBe(false);
    const conversation = await h.invoke('conversations:create', { personaId: persona.id });
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of France?' });
    await finished(first.assistantMessage.id);
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant the capital of Germany.' });
    await finished(second.assistantMessage.id);
    expect(second.signal).toMatchObject({ kind: 'correction', reward: -1 });
    const thumb = await h.invoke('feedback:thumb', { messageId: second.assistantMessage.id, up: false, reason: 'too short' });
    // Nothing to review: the hint never leaves anyway.
    expect(thumb.hint).toMatchObject({ status: 'auto' });
    await h.core.idle();

    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals.map((s) => s.kind).sort()).toEqual(['correction', 'thumb_down']);
    expect(outboxCount()).toBe(0);
    // No judge request went out, and the chat requests carried no persona or turn ids.
    expect(policy.requests.filter((r) => r.path === '/v1/chat/completions' && r.body?.stream !== true)).toEqual([]);
    for (const request of streamedRequests()) {
      expect(request.headers[CHAT_HEADER_PERSONA]).toBeUndefined();
      expect(request.headers[CHAT_HEADER_TURN]).toBeUndefined();
    }
    const timeline = await h.invoke('timeline:list', { personaId: persona.id, kinds: ['signal'] });
    expect(timeline.every((e) => e.summary.includes('learning is off'))).toBe(true);

    // Learning on again: the next signal is queued.
    await h.invoke('personas:update', { id: persona.id, learning: true });
    await h.invoke('feedback:thumb', { messageId: first.assistantMessage.id, up: true });
    expect(outboxCount()).toBe(1);
  });
});
