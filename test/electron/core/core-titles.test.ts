import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { CHAT_HEADER_TURN } from '../../../shared/protocol/chat-headers';
import { startCore, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;

beforeEach(async () => {
  policy = await startOpenAiStreamServer();
  h = await startCore({ generateTitles: true });
  await h.invoke('settings:update', { box: { url: policy.url } });
});
afterEach(async () => {
  await h.dispose();
  await policy.close();
});

async function finished(id: string): Promise<Message> {
  return h.waitFor('chat:message', (m) => m.id === id && m.status !== 'streaming');
}

async function start() {
  const persona = await h.invoke('personas:create', { name: 'Tutor', systemPrompt: 'Be brief.', model: 'tutor-model' });
  const conversation = await h.invoke('conversations:create', { personaId: persona.id });
  return { persona, conversation };
}

describe('core: conversation titles', () => {
  it('names the conversation with a short title from the model after the first exchange', async () => {
    policy.script(
      { chunks: ['Paris is the capital of France.'], chunkDelayMs: 50 },
      { chunks: ['<think>short</think>\n', '"Capital of France."'] },
      { chunks: ['More.'] },
    );
    const { persona, conversation } = await start();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of France? I need it for a quiz tomorrow morning.' });
    // Until the generated title arrives, a shortened first message stands in.
    const standIn = (await h.invoke('conversations:list', { personaId: persona.id }))[0]!.title;
    expect(standIn).toBe('What is the capital of France? I need it for a…');
    await finished(sent.assistantMessage.id);
    const changed = await h.waitFor('conversation:changed', (c) => c.id === conversation.id);
    expect(changed.title).toBe('Capital of France');
    expect((await h.invoke('conversations:list', { personaId: persona.id }))[0]!.title).toBe('Capital of France');

    const titleRequest = policy.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect(titleRequest.body).toMatchObject({ model: 'tutor-model' });
    expect(JSON.stringify(titleRequest.body!.messages)).toContain('Paris is the capital of France.');
    // Never a turn the box could train on.
    expect(titleRequest.headers[CHAT_HEADER_TURN]).toBeUndefined();

    // Later exchanges do not rename it again.
    const next = await h.invoke('chat:send', { conversationId: conversation.id, content: 'And Germany?' });
    await finished(next.assistantMessage.id);
    await h.core.idle();
    expect(policy.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(3);
  });

  it('keeps a title the user typed, and the stand-in when the model gives no usable title', async () => {
    policy.script({ chunks: ['Answer.'], chunkDelayMs: 80 }, { chunks: ['A title that arrives too late'] });
    const { persona, conversation } = await start();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'First question' });
    await h.invoke('conversations:rename', { id: conversation.id, title: 'My own title' });
    await finished(sent.assistantMessage.id);
    await h.core.idle();
    expect((await h.invoke('conversations:list', { personaId: persona.id }))[0]!.title).toBe('My own title');

    policy.script({ chunks: ['Answer.'] }, { chunks: ['<think>never finished'] });
    const other = await h.invoke('conversations:create', { personaId: persona.id });
    const second = await h.invoke('chat:send', { conversationId: other.id, content: 'Second question' });
    await finished(second.assistantMessage.id);
    await h.core.idle();
    expect((await h.invoke('conversations:list', { personaId: persona.id })).find((c) => c.id === other.id)!.title).toBe('Second question');
  });
});
