import { afterEach, describe, expect, it } from 'vitest';
import type { Signal } from '../../../shared/domain';
import type { SignalSample } from '../../../shared/protocol/box-stream';
import { openDatabase, type Db } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { SignalRepository } from '../../../electron/store/signal-repository';
import { WithdrawalRepository } from '../../../electron/store/withdrawal-repository';
import { createLinkHarness, makeTempDir } from './link-harness';
import { seedPersona } from './outbox-fixture';
import { startStreamTestBox } from './stream-test-box';

const TOKEN = 'test-token';
const FAST = { backoff: { initialMs: 20, maxMs: 100 } };
const base = { personaId: 'persona-1', step: null, policyVersion: null, metrics: {}, message: '' };

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** Signals as the core writes them: the sample id is the signal id. */
function recordSignals(db: Db, count: number): Signal[] {
  seedPersona(db);
  const signals = new SignalRepository(db);
  const outbox = new OutboxRepository(db);
  return db.transaction(() =>
    Array.from({ length: count }, (_, i) => {
      const now = Date.now();
      const messageId = `trust-msg-${i}`;
      db.prepare(
        `INSERT INTO messages (id, conversation_id, seq, role, content, status, served_by, created_at, updated_at)
         VALUES (?, 'conv-persona-1', ?, 'assistant', ?, 'complete', 'box', ?, ?)`,
      ).run(messageId, i + 1, `Reply ${i}`, now, now);
      const signal = signals.insert({
        personaId: 'persona-1',
        conversationId: 'conv-persona-1',
        messageId,
        kind: 'correction',
        reward: -1,
        confidence: 0.7,
        source: 'heuristic',
        evidence: [],
        triggerMessageId: null,
        decidedBy: 'detector',
        judgeTally: null,
        fate: 'awaiting_judge',
      });
      const sample: SignalSample = {
        sampleId: signal.id,
        personaId: 'persona-1',
        conversationId: 'conv-persona-1',
        turnId: messageId,
        messages: [{ role: 'user', content: `Question ${i}` }],
        response: `Reply ${i}`,
        nextState: { role: 'user', content: 'add a field for the year' },
        reward: -1,
        rewardSource: 'heuristic',
        signalKind: 'correction',
        confidence: 0.7,
        hint: null,
        supersedes: null,
        policyVersion: null,
        createdAt: now,
        trainableWithoutJudge: false,
      };
      outbox.enqueue(sample, signal.id, { held: false, now });
      return signal;
    }),
  )();
}

describe('BoxSyncLink: what the box decided reaches the signals', () => {
  it("records the box judge's verdict, the box's refusals and the training step on each signal", async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN });
    const harness = createLinkHarness(FAST);
    cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
    const [judged, tied, elsewhere] = recordSignals(db, 3).map((s) => s.id);
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitForStatus((s) => s.acked === 3, 'three acks');

    const tally = { plus: 0, minus: 3, zero: 0, invalid: 0 };
    box.publishProgress({ ...base, kind: 'sample_ready', sampleIds: [judged!], message: 'Ready to train', verdict: { decidedBy: 'judge', reward: -1, judgeTally: tally, fate: 'will_train' } });
    box.publishProgress({
      ...base,
      kind: 'not_trained',
      sampleIds: [tied!],
      message: 'Not trained: the judge found no signal',
      verdict: { decidedBy: 'judge', reward: 0, judgeTally: { plus: 1, minus: 1, zero: 1, invalid: 0 }, fate: 'no_signal' },
    });
    box.publishProgress({ ...base, kind: 'not_trained', sampleIds: [elsewhere!], verdict: { decidedBy: 'detector', reward: -1, judgeTally: null, fate: 'not_from_policy' } });
    box.publishProgress({ ...base, kind: 'training_step', step: 1, sampleIds: [judged!, 'some-other-apps-sample'] });
    await harness.waitFor(() => harness.timeline().filter((e) => e.id.startsWith('progress:')).length === 4, 'four progress events');

    const signals = new SignalRepository(db);
    expect(signals.get(judged!)).toMatchObject({ decidedBy: 'judge', judgeTally: tally, fate: 'trained' });
    expect(signals.get(tied!)).toMatchObject({ decidedBy: 'judge', fate: 'no_signal' });
    expect(signals.get(elsewhere!)).toMatchObject({ decidedBy: 'detector', fate: 'not_from_policy' });
    const ready = harness.timeline().find((e) => e.kind === 'sample_ready')!;
    expect(ready.data.verdict).toEqual({ decidedBy: 'judge', reward: -1, judgeTally: tally, fate: 'will_train' });
  });

  it('tells the box about removed signals until it answers, also across a reconnect, and a removal beats a late verdict', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN, answerWithdrawals: false });
    const harness = createLinkHarness(FAST);
    cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
    const [kept, removed] = recordSignals(db, 2).map((s) => s.id);
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitForStatus((s) => s.acked === 2, 'two acks');

    const signals = new SignalRepository(db);
    const withdrawals = new WithdrawalRepository(db);
    db.transaction(() => {
      signals.remove(removed!);
      withdrawals.enqueue({ sampleId: removed!, personaId: 'persona-1', signalId: removed! });
    })();
    harness.link.nudge();
    await box.waitFor('withdraw', () => box.withdrawals.length === 1);
    expect(box.withdrawals[0]).toMatchObject({ sampleId: removed, personaId: 'persona-1' });
    // Unanswered, it goes again on the next connection (once per connection, not on every pump).
    harness.link.nudge();
    box.dropAll();
    await box.waitFor('withdraw', () => box.withdrawals.length === 2);
    expect(box.withdrawals[1]!.connection).toBeGreaterThan(box.withdrawals[0]!.connection);
    expect(withdrawals.state(removed!)).toBe('pending');

    box.options.answerWithdrawals = true;
    box.dropAll();
    await box.waitFor('withdraw', () => box.withdrawals.length === 3);
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const check = () => (withdrawals.state(removed!) === 'answered' ? resolve() : Date.now() > deadline ? reject(new Error('never answered')) : setTimeout(check, 20));
      check();
    });
    // The box judged it before it heard of the removal: the user's removal stands.
    box.publishProgress({ ...base, kind: 'sample_ready', sampleIds: [removed!], verdict: { decidedBy: 'judge', reward: -1, judgeTally: null, fate: 'will_train' } });
    box.publishProgress({ ...base, kind: 'withdrawn', sampleIds: [removed!], step: 3, verdict: { decidedBy: 'user', reward: 0, judgeTally: null, fate: 'reverted' } });
    await harness.waitFor(() => harness.timeline().some((e) => e.kind === 'withdrawn'), 'withdrawn event');
    expect(signals.get(removed!)).toMatchObject({ fate: 'reverted', decidedBy: 'detector' });
    expect(signals.get(kept!)!.fate).toBe('awaiting_judge');
    harness.link.nudge();
    await box.roundTrip();
    expect(box.withdrawals).toHaveLength(3);
  });
});
