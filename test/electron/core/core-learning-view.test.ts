import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { rollingAcceptance } from '../../../electron/core/rolling-acceptance';
import { openAppStore } from '../../../electron/store/app-store';
import { coreWithStreamServerAsBoxEachTest, type CoreHarness } from './core-test-kit';
import { type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;
coreWithStreamServerAsBoxEachTest((core, server) => {
  h = core;
  policy = server;
});

async function finished(id: string): Promise<Message> {
  return h.waitFor('chat:message', (m) => m.id === id && m.status !== 'streaming');
}

/** Plays the sync worker and the box: what reaches the store from their side. */
function asTheBox(work: (store: ReturnType<typeof openAppStore>) => void): void {
  const store = openAppStore(join(h.dir, DATABASE_FILE_NAME));
  try {
    work(store);
  } finally {
    store.close();
  }
}

describe('the acceptance curve', () => {
  it('is the share of the last n judged replies accepted, after each judged reply', () => {
    const replies = [false, false, true, true, true, true].map((accepted, i) => ({ at: i, accepted, policyVersion: i < 3 ? 'v1' : 'v2' }));
    expect(rollingAcceptance(replies, 4).map((p) => [p.rate, p.replies])).toEqual([
      [0, 1],
      [0, 2],
      [1 / 3, 3],
      [0.5, 4],
      [0.75, 4],
      [1, 4],
    ]);
  });
});

describe('core: the Learning tab', () => {
  it('counts tiles over the same rows it lists, folds each signal’s life into its row, and plots acceptance', async () => {
    policy.script(
      { chunks: ['Paris is the capital of France.'] },
      { chunks: ['Berlin is the capital of Germany.'] },
      { chunks: ['A first try.'] },
      { chunks: ['A second try.'] },
      { chunks: ['More.'] },
    );
    const persona = await h.invoke('personas:create', { name: 'Tutor', systemPrompt: '' });
    const conversation = await h.invoke('conversations:create', { personaId: persona.id });
    const say = async (content: string) => {
      const sent = await h.invoke('chat:send', { conversationId: conversation.id, content });
      await finished(sent.assistantMessage.id);
      return sent;
    };
    const r1 = (await say('What is the capital of France?')).assistantMessage;
    await h.invoke('feedback:thumb', { messageId: r1.id, up: false });
    const r2 = (await say('No, I meant the capital of Germany.')).assistantMessage;
    await h.invoke('feedback:thumb', { messageId: r2.id, up: true });
    const r3 = (await say('Thanks, perfect! Now a poem?')).assistantMessage;
    const regen = await h.invoke('chat:regenerate', { messageId: r3.id });
    await finished(regen.assistantMessage.id);
    await say('Tell me more.');

    let rows = await h.invoke('learning:signals', { personaId: persona.id });
    // The follow-up's hint joined the thumbs down; the neutral follow-up teaches nothing and has no row.
    expect(rows.map((r) => [r.kind, r.reward, r.messageId])).toEqual([
      ['regenerate', -1, r3.id],
      ['thumb_up', 1, r2.id],
      ['thumb_down', -1, r1.id],
    ]);
    const down = rows[2]!;
    expect(down).toMatchObject({ question: 'What is the capital of France?', followUp: 'No, I meant the capital of Germany.', stage: 'queued' });
    expect(down.hint?.text).toMatch(/Germany/);
    expect(down.reply).toBe('Paris is the capital of France.');
    // The hints review shows the same exchange.
    const [hint] = await h.invoke('hints:list', { personaId: persona.id });
    expect(hint!.context).toEqual({
      conversationId: conversation.id,
      question: 'What is the capital of France?',
      reply: 'Paris is the capital of France.',
      followUp: 'No, I meant the capital of Germany.',
    });

    // The sync worker delivers, the box acknowledges, and a training step learns from two of them.
    asTheBox((store) => {
      store.outbox.markSent(rows.map((row) => store.outbox.getBySignal(row.signalId)!.seq));
      store.outbox.markAcked(down.signalId);
      store.timeline.append({
        id: 'progress:box:1:step',
        personaId: persona.id,
        kind: 'training_step',
        sampleId: null,
        messageId: null,
        summary: 'Training step 1 finished',
        data: { step: 1, policyVersion: 'policy-1', sampleIds: [down.signalId, rows[1]!.signalId] },
      });
    });
    rows = await h.invoke('learning:signals', { personaId: persona.id });
    expect(rows.map((r) => r.stage)).toEqual(['delivered', 'trained', 'trained']);
    expect(rows[2]!.trained).toMatchObject({ step: 1, policyVersion: 'policy-1' });

    const summary = await h.invoke('learning:summary', { personaId: persona.id });
    const { tiles } = summary;
    expect(tiles).toMatchObject({ signals: 3, signalsThisWeek: 3, trained: 2, waitingToTrain: 1, heldForReview: 0, rejected: 0, notTraining: 0, notSent: 0 });
    // Tiles agree with each other and with the list: every row is in exactly one of them.
    expect(tiles.trained + tiles.waitingToTrain + tiles.heldForReview + tiles.rejected + tiles.notTraining + tiles.notSent).toBe(rows.length);
    // Judged replies, oldest first: r1 (thumbs down), r2 (thumbs up), r3 v1 (regenerated), r3 v2 (answered).
    expect(tiles.judgedReplies).toBe(4);
    expect(summary.curve.map((p) => p.rate)).toEqual([0, 0.5, 1 / 3, 0.5]);
    expect(tiles.acceptedRate).toBe(0.5);
    expect(tiles.reaskRate).toBe(0.25);
    expect(summary.versions).toEqual([{ at: expect.any(Number), version: 'policy-1' }]);
    expect(tiles.policyVersion).toBe('policy-1');
  });

  it('keeps a persona’s signals that never left (learning off) in the rows, as not sent', async () => {
    policy.script({ chunks: ['An answer.'] });
    const persona = await h.invoke('personas:create', { name: 'Private', systemPrompt: '', learning: false });
    const conversation = await h.invoke('conversations:create', { personaId: persona.id });
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Hello' });
    await finished(sent.assistantMessage.id);
    await h.invoke('feedback:thumb', { messageId: sent.assistantMessage.id, up: true });
    const rows = await h.invoke('learning:signals', { personaId: persona.id });
    expect(rows.map((r) => r.stage)).toEqual(['not_sent']);
    expect((await h.invoke('learning:summary', { personaId: persona.id })).tiles).toMatchObject({ signals: 1, notSent: 1, acceptedRate: 1 });
  });
});
