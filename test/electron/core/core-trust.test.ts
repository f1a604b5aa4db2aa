import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { SignalSampleSchema, type SignalSample } from '../../../shared/protocol/box-stream';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { classifyFollowUp, isTrainableWithoutJudge } from '../../../electron/signals';
import { startCore, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

let box: OpenAiStreamServer;
let h: CoreHarness;

beforeEach(async () => {
  // Stands in for the box's /v1 (the policy) and, where a test says so, for another model's server.
  box = await startOpenAiStreamServer();
  h = await startCore();
  await h.invoke('settings:update', { box: { url: box.url } });
});
afterEach(async () => {
  await h.dispose();
  await box.close();
});

function db<T>(read: (d: Database.Database) => T): T {
  const d = new Database(join(h.dir, DATABASE_FILE_NAME));
  try {
    return read(d);
  } finally {
    d.close();
  }
}

function outboxRow(sampleId: string): { state: string; lastError: string | null; sentAt: number | null; sample: SignalSample } | undefined {
  // Through the repository: a row's sample may refer to its thread rather than carry it.
  const row = db((d) => new OutboxRepository(d).get(sampleId));
  return row ? { state: row.state, lastError: row.lastError, sentAt: row.sentAt, sample: SignalSampleSchema.parse(row.sample) } : undefined;
}

function withdrawals(): Array<{ sample_id: string; state: string }> {
  return db((d) => d.prepare('SELECT sample_id, state FROM withdrawals ORDER BY rowid').all()) as Array<{ sample_id: string; state: string }>;
}

async function reply(text = 'Sydney is the capital of Australia.', hintMode: 'auto' | 'review' = 'auto') {
  box.script({ chunks: [text] });
  const persona = await h.invoke('personas:create', { name: 'Geo', systemPrompt: '', hintMode });
  const conversation = await h.invoke('conversations:create', { personaId: persona.id });
  const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What is the capital of Australia?' });
  const message = await h.waitFor('chat:message', (m): m is Message => m.id === sent.assistantMessage.id && m.status === 'complete');
  return { persona, conversation, message };
}

async function followUp(conversationId: string, content: string) {
  box.script({ chunks: ['Noted.'] });
  const sent = await h.invoke('chat:send', { conversationId, content });
  await h.waitFor('chat:message', (m) => m.id === sent.assistantMessage.id && m.status !== 'streaming');
  return sent;
}

describe('core: who decides, and what trains', () => {
  it("records the box's policy as the reply's source and leaves an inferred reward to the box's judge", async () => {
    const { conversation, message } = await reply();
    expect(message.servedBy).toBe('box');
    const sent = await followUp(conversation.id, 'No, I meant the capital city, it is Canberra.');
    expect(sent.signal).toMatchObject({ source: 'heuristic', decidedBy: 'detector', judgeTally: null, fate: 'awaiting_judge' });
    const sample = outboxRow(sent.signal!.id)!.sample;
    // The detector's verdict travels as evidence, with whether it may train without a judge.
    const verdict = classifyFollowUp({ context: [], assistant: message.content, nextUser: 'No, I meant the capital city, it is Canberra.' });
    expect(sample).toMatchObject({ rewardSource: 'heuristic', signalKind: verdict.label, trainableWithoutJudge: isTrainableWithoutJudge(verdict), judgeHintAllowed: true });
  });

  it('with no box, nothing trains: its replies are not from a box model, and each sample says whether the detector alone may be trusted', async () => {
    await h.invoke('settings:update', { box: { url: '' }, policy: { endpoint: `${box.url}/v1` }, judge: { mode: 'off' } });
    const { conversation, message } = await reply();
    expect(message.servedBy).toBe('other');
    for (const text of ['Thanks, that is perfect!', 'add a field for the year', 'No, I meant the capital city, it is Canberra.']) {
      const before = (await h.invoke('messages:list', { conversationId: conversation.id })).at(-1)!;
      const sent = await followUp(conversation.id, text);
      const verdict = classifyFollowUp({ context: [], assistant: before.content, nextUser: text });
      // Not the box's model at all here: nothing trains, whatever the detector says.
      expect(sent.signal!.fate).toBe('not_from_policy');
      expect(sent.signal!.decidedBy).toBe('detector');
      expect(outboxRow(sent.signal!.id)!.sample.trainableWithoutJudge).toBe(isTrainableWithoutJudge(verdict));
    }
  });

  it("marks a reply from another endpoint and its thumb as not from the box's model; the sample still goes (a hint can drive regenerations)", async () => {
    const other = await startOpenAiStreamServer();
    try {
      await h.invoke('settings:update', { policy: { endpoint: `${other.url}/v1` } });
      other.script({ chunks: ['An Ollama answer.'] });
      const persona = await h.invoke('personas:create', { name: 'Elsewhere', systemPrompt: '' });
      const conversation = await h.invoke('conversations:create', { personaId: persona.id });
      const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Hi' });
      const message = await h.waitFor('chat:message', (m): m is Message => m.id === sent.assistantMessage.id && m.status === 'complete');
      expect(message).toMatchObject({ servedBy: 'other', content: 'An Ollama answer.' });
      const thumb = await h.invoke('feedback:thumb', { messageId: message.id, up: true });
      expect(thumb.signal).toMatchObject({ decidedBy: 'user', fate: 'not_from_policy' });
      expect(outboxRow(thumb.signal.id)?.state).toBe('pending');
    } finally {
      await other.close();
    }
  });
});

describe('core: undo and veto', () => {
  it('a second 👍 is the same thumb, and 👍 toggles off without training', async () => {
    const { conversation, message } = await reply();
    const first = await h.invoke('feedback:thumb', { messageId: message.id, up: true });
    const again = await h.invoke('feedback:thumb', { messageId: message.id, up: true });
    expect(again.signal.id).toBe(first.signal.id);
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals.filter((s) => s.kind === 'thumb_up')).toHaveLength(1);

    const { signal } = await h.invoke('signals:remove', { signalId: first.signal.id });
    expect(signal).toMatchObject({ id: first.signal.id, fate: 'removed' });
    expect(signal.removedAt).not.toBeNull();
    // Not sent yet (no sync worker here): withdrawn from the outbox, and the box is told anyway in case it is in flight.
    expect(outboxRow(first.signal.id)).toMatchObject({ state: 'rejected', lastError: 'removed by the user before it was sent' });
    expect(withdrawals()).toEqual([{ sample_id: first.signal.id, state: 'pending' }]);
    expect(await h.invoke('timeline:stats', { personaId: signal.personaId })).toMatchObject({ signals: 0, positive: 0 });
    const removed = await h.invoke('timeline:list', { personaId: signal.personaId, kinds: ['removed'] });
    expect(removed[0]!.summary).toMatch(/You removed thumbs up: removed — not trained/);
    // A new thumb after the toggle is a new signal.
    const fresh = await h.invoke('feedback:thumb', { messageId: message.id, up: true });
    expect(fresh.signal.id).not.toBe(first.signal.id);
  });

  it("vetoes an inferred correction ('that wasn't a correction'): its held row never leaves, its pending hint is withdrawn", async () => {
    const { persona, conversation } = await reply('Sydney is the capital of Australia.', 'review');
    const sent = await followUp(conversation.id, 'No, I meant the capital city, it is Canberra.');
    const pending = await h.invoke('hints:list', { personaId: persona.id, status: 'pending' });
    expect(pending.map((x) => x.signalId)).toContain(sent.signal!.id);
    expect(outboxRow(sent.signal!.id)?.state).toBe('held');
    await h.invoke('signals:remove', { signalId: sent.signal!.id });
    expect(outboxRow(sent.signal!.id)).toMatchObject({ state: 'rejected', sample: { hint: null } });
    expect(JSON.stringify(outboxRow(sent.signal!.id)!.sample)).not.toContain('Canberra');
    expect(await h.invoke('hints:list', { personaId: persona.id, status: 'pending' })).toEqual([]);
    // It never left this machine, so the box has nothing to withdraw.
    expect(withdrawals()).toEqual([]);
    expect((await h.invoke('box:status', {})).held).toBe(0);
  });

  it('asks the box to withdraw a signal it already has; after training it shows as reverted', async () => {
    const { message } = await reply();
    const thumb = await h.invoke('feedback:thumb', { messageId: message.id, up: false, reason: 'Wrong: Canberra is the capital, not Sydney.' });
    // As if the sync worker had delivered it and a training step had used it.
    db((d) => {
      d.prepare(`UPDATE outbox SET state = 'acked', sent_at = 1, acked_at = 2 WHERE sample_id = ?`).run(thumb.signal.id);
      d.prepare(`UPDATE signals SET fate = 'trained' WHERE id = ?`).run(thumb.signal.id);
    });
    const { signal } = await h.invoke('signals:remove', { signalId: thumb.signal.id });
    expect(signal.fate).toBe('reverted');
    expect(outboxRow(thumb.signal.id)?.state).toBe('acked');
    expect(withdrawals()).toEqual([{ sample_id: thumb.signal.id, state: 'pending' }]);
    const removed = await h.invoke('timeline:list', { personaId: signal.personaId, kinds: ['removed'] });
    expect(removed[0]!.summary).toMatch(/reverted — left out of later steps \(the box is told to withdraw it\)/);
  });

  it('answers bad removals with clear errors and changes nothing', async () => {
    const { message } = await reply();
    const down = await h.invoke('feedback:thumb', { messageId: message.id, up: false });
    const up = await h.invoke('feedback:thumb', { messageId: message.id, up: true });
    expect(await h.core.handle('signals:remove', { signalId: down.signal.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/replaced this one/) },
    });
    expect(await h.core.handle('signals:remove', { signalId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await h.core.handle('signals:remove', { signalId: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await h.core.handle('signals:remove', { signalId: up.signal.id, extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await h.invoke('signals:remove', { signalId: up.signal.id });
    expect(await h.core.handle('signals:remove', { signalId: up.signal.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'This signal was already removed.' },
    });
    expect(withdrawals()).toHaveLength(1);
  });
});
