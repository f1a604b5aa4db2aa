import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationArchiveSchema } from '../../../shared/conversation-archive';
import type { Message } from '../../../shared/domain';
import { applyMarks } from '../../../electron/core/training-export';
import { startCore, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;
let other: CoreHarness;

beforeEach(async () => {
  policy = await startOpenAiStreamServer();
  h = await startCore();
  other = await startCore();
  await h.invoke('settings:update', { box: { url: policy.url } });
});
afterEach(async () => {
  await h.dispose();
  await other.dispose();
  await policy.close();
});

async function finished(id: string): Promise<Message> {
  return h.waitFor('chat:message', (m) => m.id === id && m.status !== 'streaming');
}

/** A conversation with a regenerated reply, reasoning sent apart, a rewrite and an edited-and-resent message. */
async function richConversation() {
  policy.script({ chunks: ['Canberra.'] }, { chunks: ['It is Canberra.'] }, { reasoning: ['They ask when it became the capital.'], chunks: ['Since 1913.'] }, { chunks: ['Vienna.'] });
  const persona = await h.invoke('personas:create', { name: 'Geographer', systemPrompt: 'Be brief.', temperature: 0.3 });
  const conversation = await h.invoke('conversations:create', { personaId: persona.id, title: 'Capitals' });
  const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Capital of Australia?' });
  await finished(first.assistantMessage.id);
  const regen = await h.invoke('chat:regenerate', { messageId: first.assistantMessage.id });
  await finished(regen.assistantMessage.id);
  const second = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Since when?' });
  await finished(second.assistantMessage.id);
  await h.invoke('feedback:edit', { messageId: second.assistantMessage.id, content: 'Since 1913, when it was founded.' });
  const resent = await h.invoke('chat:editAndResend', { messageId: first.userMessage.id, content: 'Capital of Austria?' });
  await finished(resent.assistantMessage.id);
  await h.invoke('messages:select', { messageId: second.assistantMessage.id });
  return { persona, conversation, first, regen, second, resent };
}

describe('core: export and import', () => {
  it('round-trips every version through the JSON archive, and a second import adds nothing', async () => {
    const { persona, conversation, second } = await richConversation();
    const exported = await h.invoke('export:conversations', { format: 'json' });
    expect(exported.fileName).toMatch(/^apprentice-capitals-\d{4}-\d{2}-\d{2}\.json$/);
    const archive = ConversationArchiveSchema.parse(JSON.parse(exported.content));
    expect(archive.conversations).toHaveLength(1);
    expect(archive.conversations[0]!.messages).toHaveLength(7);

    const result = await other.invoke('import:conversations', { content: exported.content });
    expect(result).toEqual({ imported: 1, skipped: 0, personasCreated: 1, messages: 7 });
    const [imported] = (await other.invoke('personas:list', {})).filter((p) => p.id === persona.id);
    expect(imported).toMatchObject({ name: 'Geographer', systemPrompt: 'Be brief.', temperature: 0.3 });
    const before = await h.invoke('messages:list', { conversationId: conversation.id });
    const after = await other.invoke('messages:list', { conversationId: conversation.id });
    const view = (thread: Message[]) =>
      thread.map((m) => ({ id: m.id, content: m.content, reasoning: m.reasoning, editedContent: m.editedContent, versionIds: m.versionIds }));
    expect(view(after)).toEqual(view(before));
    expect(after.find((m) => m.id === second.assistantMessage.id)).toMatchObject({
      editedContent: 'Since 1913, when it was founded.',
      reasoning: 'They ask when it became the capital.',
    });
    // Search finds the imported text.
    expect((await other.invoke('search:messages', { query: 'founded' })).map((hit) => hit.messageId)).toEqual([second.assistantMessage.id]);

    // Ids are the keys: importing again (here or there) duplicates nothing.
    expect(await other.invoke('import:conversations', { content: exported.content })).toEqual({ imported: 0, skipped: 1, personasCreated: 0, messages: 0 });
    expect(await h.invoke('import:conversations', { content: exported.content })).toMatchObject({ imported: 0, skipped: 1 });
    expect(await other.invoke('conversations:list', { personaId: persona.id })).toHaveLength(1);
    const again = await other.invoke('export:conversations', { format: 'json' });
    expect(JSON.parse(again.content).conversations).toEqual(JSON.parse(exported.content).conversations);

    // A conversation deleted here comes back whole from the file, still without duplicates.
    await h.invoke('personas:delete', { id: persona.id });
    expect(await h.invoke('import:conversations', { content: exported.content })).toEqual({ imported: 1, skipped: 0, personasCreated: 0, messages: 0 });
    expect((await h.invoke('personas:list', {})).map((p) => p.id)).toContain(persona.id);
    expect(view(await h.invoke('messages:list', { conversationId: conversation.id }))).toEqual(view(before));
  });

  it('refuses a bad file with a clear reason and changes nothing', async () => {
    const { conversation } = await richConversation();
    const good = JSON.parse((await h.invoke('export:conversations', { format: 'json', conversationId: conversation.id })).content);
    const count = async () => (await other.invoke('personas:list', {})).length;
    const personas = await count();
    const attempt = (content: string) => other.core.handle('import:conversations', { content });

    expect(await attempt('{ not json')).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/not JSON/) } });
    expect(await attempt(JSON.stringify({ hello: 1 }))).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/not a conversation export/) },
    });
    const orphan = structuredClone(good);
    orphan.conversations[0].messages[3].parentId = 'nobody';
    expect(await attempt(JSON.stringify(orphan))).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/parent nobody is not an earlier message/) },
    });
    const twoGood = structuredClone(good);
    twoGood.conversations.push({ ...structuredClone(good.conversations[0]), id: 'another-conversation' });
    expect(await attempt(JSON.stringify(twoGood))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/appears in two conversations/) } });
    expect(await count()).toBe(personas);
    expect(await other.invoke('search:messages', { query: 'Canberra' })).toEqual([]);
  });

  it('exports the visible thread as Markdown, the rewrite in place of what the model wrote', async () => {
    const { conversation } = await richConversation();
    const md = await h.invoke('export:conversations', { format: 'markdown', conversationId: conversation.id });
    expect(md.mimeType).toBe('text/markdown');
    expect(md.content).toContain('# Capitals');
    expect(md.content).toContain('**You**:\n\nCapital of Australia?');
    expect(md.content).toContain('**Geographer**:\n\nIt is Canberra.');
    expect(md.content).toContain('**Geographer** (rewritten by you):\n\nSince 1913, when it was founded.');
    expect(md.content).not.toContain('Vienna');
  });
});

describe('core: training exports', () => {
  it('writes accepted replies as OpenAI fine-tuning lines and corrections, rewrites and marks as DPO pairs', async () => {
    policy.script(
      { chunks: ['Paris is the capital of France.'] },
      { chunks: ['Berlin is the capital of Germany.'] },
      { chunks: ['The Spree runs through Berlin.'] },
      { chunks: ['It is 400 km long.'] },
      { chunks: ['Ok.'] },
    );
    const persona = await h.invoke('personas:create', { name: 'Tutor', systemPrompt: 'Be brief.' });
    const conversation = await h.invoke('conversations:create', { personaId: persona.id });
    const turns = [];
    for (const text of ['What is the capital of France?', 'No, I meant the capital of Germany.', 'Thanks, perfect! Which river runs through it?', 'How long is it?']) {
      const turn = await h.invoke('chat:send', { conversationId: conversation.id, content: text });
      await finished(turn.assistantMessage.id);
      turns.push(turn);
    }
    // Reply 2 ("Berlin…") was thanked; reply 3 gets an inline mark; reply 4 a rewrite.
    const river = turns[2]!.assistantMessage;
    await h.invoke('feedback:inlineMark', { messageId: river.id, start: 4, end: 9, correction: 'Spree and the Havel' });
    await h.invoke('feedback:edit', { messageId: turns[3]!.assistantMessage.id, content: 'The Spree is about 400 km long.' });

    const sft = await h.invoke('export:training', { personaId: persona.id, format: 'openai-jsonl' });
    const examples = sft.content.trim().split('\n').map((line) => JSON.parse(line));
    expect(sft.count).toBe(1);
    expect(examples).toEqual([
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'What is the capital of France?' },
          { role: 'assistant', content: 'Paris is the capital of France.' },
          { role: 'user', content: 'No, I meant the capital of Germany.' },
          { role: 'assistant', content: 'Berlin is the capital of Germany.' },
        ],
      },
    ]);

    const dpo = await h.invoke('export:training', { personaId: persona.id, format: 'dpo-jsonl' });
    const pairs = dpo.content.trim().split('\n').map((line) => JSON.parse(line));
    expect(dpo.count).toBe(3);
    // The correction: chosen is the answer to "No, I meant …", rejected what the model said first.
    expect(pairs[0]).toEqual({
      prompt: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      chosen: [{ role: 'assistant', content: 'Berlin is the capital of Germany.' }],
      rejected: [{ role: 'assistant', content: 'Paris is the capital of France.' }],
    });
    expect(pairs[1]).toMatchObject({
      chosen: [{ content: 'The Spree and the Havel runs through Berlin.' }],
      rejected: [{ content: 'The Spree runs through Berlin.' }],
    });
    expect(pairs[2]).toMatchObject({
      prompt: expect.arrayContaining([{ role: 'user', content: 'How long is it?' }]),
      chosen: [{ content: 'The Spree is about 400 km long.' }],
      rejected: [{ content: 'It is 400 km long.' }],
    });
  });

  it('applies inline marks in order and leaves out one that overlaps another', () => {
    expect(applyMarks('abcdefgh', [{ start: 6, end: 8, text: 'GH' }, { start: 0, end: 2, text: 'AB' }, { start: 1, end: 3, text: 'x' }])).toBe('ABcdefGH');
  });
});
