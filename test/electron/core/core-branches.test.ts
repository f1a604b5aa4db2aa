import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { SignalSampleSchema, type SignalSample } from '../../../shared/protocol/box-stream';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { coreWithStreamServerAsBoxEachTest, type CoreHarness } from './core-test-kit';
import { type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;
coreWithStreamServerAsBoxEachTest((core, server) => {
  h = core;
  policy = server;
});

async function newConversation() {
  const persona = await h.invoke('personas:create', { name: 'Tutor', systemPrompt: 'Be brief.' });
  return h.invoke('conversations:create', { personaId: persona.id });
}

async function finished(id: string): Promise<Message> {
  return h.waitFor('chat:message', (m) => m.id === id && m.status !== 'streaming');
}

/** What the policy was asked last: the messages of the newest streamed chat request. */
function lastRequestMessages(): Array<{ role: string; content: string }> {
  const request = policy.requests.filter((r) => r.path === '/v1/chat/completions' && r.body?.stream === true).at(-1)!;
  return request.body!.messages as Array<{ role: string; content: string }>;
}

function samples(): SignalSample[] {
  const db = new Database(join(h.dir, DATABASE_FILE_NAME), { readonly: true });
  try {
    // Read through the repository: a row's context is kept by reference to its thread.
    const outbox = new OutboxRepository(db);
    const rows = db.prepare('SELECT sample_id FROM outbox ORDER BY seq').all() as Array<{ sample_id: string }>;
    return rows.map((r) => SignalSampleSchema.parse(outbox.get(r.sample_id)!.sample));
  } finally {
    db.close();
  }
}

async function thread(conversationId: string) {
  return h.invoke('messages:list', { conversationId });
}

describe('core: conversation branches', () => {
  it('edits and resends a user message as a new branch; the old branch stays one version back', async () => {
    policy.script({ chunks: ['Paris.'] }, { chunks: ['It rains a lot.'] }, { chunks: ['Berlin.'] });
    const conversation = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Capital of France?' });
    await finished(first.assistantMessage.id);
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'And the weather there?' });
    await finished(second.assistantMessage.id);

    const edited = await h.invoke('chat:editAndResend', { messageId: first.userMessage.id, content: 'Capital of Germany?' });
    expect(edited.userMessage).toMatchObject({ role: 'user', content: 'Capital of Germany?', parentId: null });
    // A first message follows no reply: there is nothing to judge.
    expect(edited.signal).toBeNull();
    await finished(edited.assistantMessage.id);
    // The new reply was written for the edited message alone, not the old branch.
    expect(lastRequestMessages()).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Capital of Germany?' },
    ]);

    const now = await thread(conversation.id);
    expect(now.map((m) => m.content)).toEqual(['Capital of Germany?', 'Berlin.']);
    expect(now[0]!.versionIds).toEqual([first.userMessage.id, edited.userMessage.id]);
    expect(now[1]!.versionIds).toEqual([edited.assistantMessage.id]);

    // Switching back to version 1 brings back the whole old branch.
    const back = await h.invoke('messages:select', { messageId: first.userMessage.id });
    expect(back.map((m) => m.content)).toEqual(['Capital of France?', 'Paris.', 'And the weather there?', 'It rains a lot.']);
    expect((await thread(conversation.id)).map((m) => m.id)).toEqual(back.map((m) => m.id));
  });

  it("trains a reply with the system prompt it was asked with, not the persona's prompt when the user reacts", async () => {
    policy.script({ chunks: ['Paris, the capital of France, is known for its museums.'] });
    const conversation = await newConversation();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Capital of France?' });
    await finished(sent.assistantMessage.id);
    expect(lastRequestMessages()[0]).toEqual({ role: 'system', content: 'Be brief.' });
    // The user tweaks the prompt, then reacts to the reply written under the old one.
    await h.invoke('personas:update', { id: conversation.personaId, systemPrompt: 'Answer in one word.' });
    const { signal } = await h.invoke('feedback:thumb', { messageId: sent.assistantMessage.id, up: false });
    const sample = samples().find((s) => s.sampleId === signal.id)!;
    expect(sample.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Capital of France?' },
    ]);
  });

  it('keeps reasoning sent apart (reasoning_content) with the reply, out of later requests and of its training sample', async () => {
    policy.script({ reasoning: ['The user wants ', 'the capital.'], chunks: ['Paris.'] }, { chunks: ['About 2 million.'] });
    const conversation = await newConversation();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Capital of France?' });
    const reply = await finished(sent.assistantMessage.id);
    expect(reply).toMatchObject({ content: 'Paris.', reasoning: 'The user wants the capital.' });
    expect((await thread(conversation.id)).at(-1)).toMatchObject({ content: 'Paris.', reasoning: 'The user wants the capital.' });
    // It streamed apart from the answer, before it.
    const deltas = h.events
      .filter((e) => e.event === 'chat:delta')
      .map((e) => e.payload as { messageId: string; delta: string; reasoning?: string })
      .filter((d) => d.messageId === sent.assistantMessage.id);
    expect(deltas.map((d) => d.reasoning ?? '').join('')).toBe('The user wants the capital.');
    expect(deltas.map((d) => d.delta).join('')).toBe('Paris.');
    expect(deltas.findIndex((d) => d.delta !== '')).toBeGreaterThan(deltas.findLastIndex((d) => d.reasoning));

    const next = await h.invoke('chat:send', { conversationId: conversation.id, content: 'How many people live there?' });
    await finished(next.assistantMessage.id);
    // The policy is not sent its own earlier thinking, only its answer.
    expect(lastRequestMessages()).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'How many people live there?' },
    ]);
    const { signal } = await h.invoke('feedback:thumb', { messageId: sent.assistantMessage.id, up: true });
    expect(samples().find((s) => s.sampleId === signal.id)).toMatchObject({ response: 'Paris.' });
  });

  it('reads an edited follow-up as the follow-up: its signal replaces the one the original gave', async () => {

    policy.script({ chunks: ['Paris is the capital of France.'] }, { chunks: ['ok'] });
    const conversation = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of France?' });
    await finished(first.assistantMessage.id);
    const followUp = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Thanks, perfect!' });
    await finished(followUp.assistantMessage.id);
    expect(followUp.signal).toMatchObject({ messageId: first.assistantMessage.id, triggerMessageId: followUp.userMessage.id });

    const edited = await h.invoke('chat:editAndResend', {
      messageId: followUp.userMessage.id,
      content: 'No, I meant the capital of Germany.',
    });
    await finished(edited.assistantMessage.id);
    expect(edited.signal).toMatchObject({ kind: 'correction', reward: -1, messageId: first.assistantMessage.id });
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    const live = signals.filter((s) => s.supersededBy === null);
    expect(live.map((s) => s.id)).toEqual([edited.signal!.id]);
    expect(signals.find((s) => s.id === followUp.signal!.id)!.supersededBy).toBe(edited.signal!.id);
  });

  it('regenerates into a new version, and the version the user settles on is what the next turn sees', async () => {
    policy.script({ chunks: ['First try.'] }, { chunks: ['Second try.'] }, { chunks: ['Noted.'] });
    const conversation = await newConversation();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Write a haiku' });
    await finished(sent.assistantMessage.id);
    const regen = await h.invoke('chat:regenerate', { messageId: sent.assistantMessage.id });
    expect(regen.signal).toMatchObject({ kind: 'regenerate', reward: -1, messageId: sent.assistantMessage.id });
    await finished(regen.assistantMessage.id);

    let now = await thread(conversation.id);
    expect(now.map((m) => m.content)).toEqual(['Write a haiku', 'Second try.']);
    expect(now[1]!.versionIds).toEqual([sent.assistantMessage.id, regen.assistantMessage.id]);
    // The old version is kept, whole: nothing was deleted.
    now = await h.invoke('messages:select', { messageId: sent.assistantMessage.id });
    expect(now.map((m) => m.content)).toEqual(['Write a haiku', 'First try.']);

    // The user settles on version 1 and answers it: the request carries version 1 as context…
    const next = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Make it about autumn.' });
    await finished(next.assistantMessage.id);
    expect(lastRequestMessages().map((m) => m.content)).toEqual(['Be brief.', 'Write a haiku', 'First try.', 'Make it about autumn.']);
    // …and the follow-up judges version 1: its "regenerate" −1 no longer stands.
    expect(next.signal).toMatchObject({ messageId: sent.assistantMessage.id });
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals.find((s) => s.id === regen.signal!.id)!.supersededBy).toBe(next.signal!.id);
    expect(next.userMessage.parentId).toBe(sent.assistantMessage.id);
  });

  it('a regenerate right after the user stopped the reply is not a −1', async () => {
    policy.script({ chunks: ['partial'], hang: true }, { chunks: ['Full answer.'] });
    const conversation = await newConversation();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Tell me a story' });
    await h.waitFor('chat:delta', (d) => d.messageId === sent.assistantMessage.id);
    await h.invoke('chat:stop', { messageId: sent.assistantMessage.id });
    expect(await finished(sent.assistantMessage.id)).toMatchObject({ status: 'stopped' });

    const regen = await h.invoke('chat:regenerate', { messageId: sent.assistantMessage.id });
    expect(regen.signal).toBeNull();
    await finished(regen.assistantMessage.id);
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals).toEqual([]);
    expect(samples()).toEqual([]);
  });

  it('retries a failed reply in the middle of the thread as a new version of it', async () => {
    policy.script({ status: 500, body: { error: { message: 'CUDA out of memory' } } }, { chunks: ['Still here.'] }, { chunks: ['Recovered answer.'] });
    const conversation = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Explain tides' });
    expect(await finished(first.assistantMessage.id)).toMatchObject({ status: 'error' });
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Hello?' });
    await finished(second.assistantMessage.id);

    // Only the latest reply can be regenerated, but a failed one can be retried anywhere.
    const retry = await h.invoke('chat:regenerate', { messageId: first.assistantMessage.id });
    expect(retry.signal).toBeNull();
    expect(retry.assistantMessage.parentId).toBe(first.userMessage.id);
    expect(await finished(retry.assistantMessage.id)).toMatchObject({ status: 'complete', content: 'Recovered answer.' });
    expect(lastRequestMessages().map((m) => m.content)).toEqual(['Be brief.', 'Explain tides']);
    const now = await thread(conversation.id);
    expect(now.map((m) => m.content)).toEqual(['Explain tides', 'Recovered answer.']);
    expect(now[1]!.versionIds).toEqual([first.assistantMessage.id, retry.assistantMessage.id]);

    const notLatest = await h.core.handle('chat:regenerate', { messageId: first.assistantMessage.id });
    expect(notLatest).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('an edited reply is what the thread shows and what later turns see; its sample keeps what the model said', async () => {
    policy.script({ chunks: ['The answer is 41.'] }, { chunks: ['Sure.'] }, { chunks: ['Later.'] });
    const conversation = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is 6 times 7?' });
    await finished(first.assistantMessage.id);
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Tell me more.' });
    await finished(second.assistantMessage.id);

    const edit = await h.invoke('feedback:edit', { messageId: first.assistantMessage.id, content: 'The answer is 42.' });
    expect(edit.signal).toMatchObject({ kind: 'edit', reward: -1, messageId: first.assistantMessage.id });
    expect(edit.message).toMatchObject({ content: 'The answer is 41.', editedContent: 'The answer is 42.' });
    await h.waitFor('chat:message', (m) => m.id === first.assistantMessage.id && m.editedContent === 'The answer is 42.');
    expect((await thread(conversation.id))[1]).toMatchObject({ content: 'The answer is 41.', editedContent: 'The answer is 42.' });

    const third = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Thanks!' });
    await finished(third.assistantMessage.id);
    expect(lastRequestMessages().map((m) => m.content)).toEqual([
      'Be brief.',
      'What is 6 times 7?',
      'The answer is 42.',
      'Tell me more.',
      'Sure.',
      'Thanks!',
    ]);

    const all = samples();
    // The edit judges what the model wrote.
    expect(all.find((s) => s.signalKind === 'edit')).toMatchObject({ response: 'The answer is 41.', turnId: first.assistantMessage.id });
    // "Thanks!" judges the reply written before the edit: its context is what the policy saw then.
    const thanks = all.find((s) => s.sampleId === third.signal!.id)!;
    expect(thanks.turnId).toBe(second.assistantMessage.id);
    expect(thanks.messages.map((m) => m.content)).toEqual(['Be brief.', 'What is 6 times 7?', 'The answer is 41.', 'Tell me more.']);

    // Marks apply to what the model wrote, which the thread no longer shows.
    const mark = await h.core.handle('feedback:inlineMark', { messageId: first.assistantMessage.id, start: 0, end: 3, correction: 'An' });
    expect(mark).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const same = await h.core.handle('feedback:edit', { messageId: first.assistantMessage.id, content: 'The answer is 42.' });
    expect(same).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('refuses to switch versions or branch while a reply streams', async () => {
    policy.script({ chunks: ['Done.'] }, { chunks: ['partial'], hang: true });
    const conversation = await newConversation();
    const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'One' });
    await finished(first.assistantMessage.id);
    const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Two' });
    await h.waitFor('chat:delta', (d) => d.messageId === second.assistantMessage.id);
    expect(await h.core.handle('messages:select', { messageId: first.assistantMessage.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await h.core.handle('chat:editAndResend', { messageId: first.userMessage.id, content: 'Uno' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await h.core.handle('chat:editAndResend', { messageId: first.assistantMessage.id, content: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await h.invoke('chat:stop', { messageId: second.assistantMessage.id });
  });
});
