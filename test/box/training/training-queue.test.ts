import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignalSample } from '../../../shared/protocol/box-stream';
import { openBoxDatabase, type BoxDb } from '../../../box/gateway/box-database';
import type { BuiltTrainerSample } from '../../../box/samples/build-trainer-samples';
import { TrainingQueue } from '../../../box/training/training-queue';
import { waitForBatch } from '../../../box/training/wait-for-batch';

let dir: string;
let db: BoxDb;
let queue: TrainingQueue;
const file = () => join(dir, 'box.sqlite');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-queue-'));
  db = openBoxDatabase(file());
  queue = new TrainingQueue(db);
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function source(id: string, overrides: Partial<SignalSample> = {}): SignalSample {
  return {
    sampleId: id,
    personaId: 'persona-a',
    conversationId: 'c1',
    turnId: `turn-${id}`,
    messages: [{ role: 'user', content: 'hi' }],
    response: 'hello',
    nextState: { role: 'user', content: 'thanks' },
    reward: 1,
    rewardSource: 'heuristic',
    signalKind: 'positive',
    confidence: 0.9,
    hint: null,
    supersedes: null,
    policyVersion: null,
    createdAt: 1,
    ...overrides,
  };
}

function built(id: string, sourceId = id, mask: (0 | 1)[] = [1, 1], reward = 1): BuiltTrainerSample {
  return {
    sampleId: id,
    personaId: 'persona-a',
    sourceSampleId: sourceId,
    tokens: [10, 11, 12, 13],
    response_length: 2,
    loss_mask: mask,
    rollout_log_probs: [-0.1, -0.2],
    reward,
    teacher_log_probs: null,
    retokenized: false,
    hint: null,
    policyVersion: 'v1',
  };
}

function addBuilt(id: string, samples: BuiltTrainerSample[] = [built(id)]) {
  queue.addSource(source(id));
  return queue.enqueueBuilt(id, samples, null);
}

describe('TrainingQueue', () => {
  it('leases ready samples in order, re-offers a lapsed lease, and trains each sample once', () => {
    addBuilt('s1');
    addBuilt('s2');
    const first = queue.lease(1, 1_000, 10_000);
    expect(first.map((s) => s.sampleId)).toEqual(['s1']);
    expect(first[0]!.index).toBeGreaterThan(0);
    expect(queue.lease(5, 1_000, 10_500).map((s) => s.sampleId)).toEqual(['s2']);
    expect(queue.lease(5, 1_000, 10_600)).toEqual([]);
    // s1's lease lapses at 11_000 without a report: offered again.
    expect(queue.releaseLapsedLeases(11_000)).toBe(true);
    expect(queue.lease(5, 1_000, 11_000).map((s) => s.sampleId)).toEqual(['s1']);
    const report = { step: 3, policyVersion: 'v2', metrics: { loss: 0.5 }, sampleIds: ['s1', 's2', 'ghost', 's1'] };
    const outcome = queue.markTrained(report, 11_100);
    expect(outcome.trained.map((t) => t.sampleId)).toEqual(['s1', 's2']);
    expect(outcome.unknown).toEqual(['ghost']);
    expect(queue.markTrained(report).alreadyTrained).toEqual(['s1', 's2']);
    expect(queue.releaseLapsedLeases(99_999)).toBe(false);
    expect(queue.lease(5, 1_000, 99_999)).toEqual([]);
    expect(queue.sampleState('s1')).toEqual({ state: 'trained', leases: 2, trainedStep: 3 });
  });

  it('keeps samples of unsaved steps as trained_unsaved and offers them again when the trainer restarts before saving', () => {
    for (const id of ['s1', 's2', 's3']) addBuilt(id);
    queue.lease(3, 60_000, 1_000);
    // Step 4 trained s1, step 5 trained s2; the last checkpoint is from step 3.
    queue.markTrained({ step: 4, policyVersion: 'v6', metrics: {}, sampleIds: ['s1'], savedThroughStep: 3 }, 2_000);
    queue.markTrained({ step: 5, policyVersion: 'v7', metrics: {}, sampleIds: ['s2'], savedThroughStep: 4 }, 3_000);
    expect(queue.sampleState('s1')?.state).toBe('trained'); // step 4 saved by the time step 5 reported
    expect(queue.sampleState('s2')?.state).toBe('trained_unsaved');
    expect(queue.confirm(['s2'], 60_000)).toEqual(['s2']); // not trained twice in one run
    // The trainer dies and resumes at step 5 from the step-4 checkpoint: s2's training is lost.
    expect(queue.trainerRestarted(5)).toEqual({ reoffered: 2 }); // s2, and s3 it still held
    expect(queue.sampleState('s2')).toMatchObject({ state: 'ready', trainedStep: null });
    expect(queue.lease(5, 60_000, 4_000).map((s) => s.sampleId)).toEqual(['s2', 's3']);
    expect(queue.markTrained({ step: 5, policyVersion: 'v7', metrics: {}, sampleIds: ['s2', 's3'], savedThroughStep: 5 }).trained).toHaveLength(2);
    expect(queue.sampleState('s2')?.state).toBe('trained');
  });

  it('a report without savedThroughStep counts its step as saved', () => {
    addBuilt('x');
    queue.lease(1, 60_000);
    queue.markTrained({ step: 9, policyVersion: 'v', metrics: {}, sampleIds: ['x'] });
    expect(queue.trainerRestarted(0)).toEqual({ reoffered: 0 });
    expect(queue.sampleState('x')?.state).toBe('trained');
  });

  it('settles samples the trainer refused as failed, never to be offered or trained', () => {
    addBuilt('bad');
    addBuilt('good');
    queue.lease(2, 60_000);
    expect(queue.markRejected([{ sampleId: 'bad', error: 'tokens too short' }, { sampleId: 'ghost', error: 'x' }])).toEqual([
      { sampleId: 'bad', sourceSampleId: 'bad', personaId: 'persona-a', error: 'tokens too short' },
    ]);
    expect(queue.sampleState('bad')?.state).toBe('failed');
    expect(queue.trainerRestarted(0).reoffered).toBe(1); // 'good' only
    expect(queue.lease(5, 60_000).map((s) => s.sampleId)).toEqual(['good']);
    expect(queue.markTrained({ step: 0, policyVersion: 'v', metrics: {}, sampleIds: ['bad'] }).withdrawn).toEqual(['bad']);
  });

  it('settles a stored row that breaks the contract as failed and hands out the rest', () => {
    for (const id of ['a', 'bad', 'b', 'c']) addBuilt(id);
    // Stored by an older build: its loss mask is shorter than its response.
    const body = { ...built('bad'), loss_mask: [1] };
    db.prepare('UPDATE training_samples SET body = ? WHERE sample_id = ?').run(JSON.stringify(body), 'bad');
    const heard: string[][] = [];
    queue.onSamplesFailed((rows) => heard.push(rows.map((r) => `${r.sampleId}/${r.sourceSampleId}/${r.personaId}`)));
    expect(queue.lease(3, 60_000, 1_000).map((s) => s.sampleId)).toEqual(['a', 'b', 'c']);
    expect(heard).toEqual([['bad/bad/persona-a']]);
    expect(queue.sampleState('bad')?.state).toBe('failed');
    expect((db.prepare('SELECT error FROM training_samples WHERE sample_id = ?').get('bad') as { error: string }).error).toMatch(/loss_mask/);
    // It is never offered again, and the queue keeps working.
    addBuilt('d');
    expect(queue.lease(3, 60_000, 2_000).map((s) => s.sampleId)).toEqual(['d']);
    expect(heard).toHaveLength(1);
  });

  it('holds back samples whose loss mask is all zeros', () => {
    const outcome = addBuilt('z', [built('z', 'z', [0, 0], 0)]);
    expect(outcome.ready).toEqual([]);
    expect(outcome.held).toEqual([{ sampleId: 'z', state: 'skipped' }]);
    expect(queue.readyCount()).toBe(0);
    expect(queue.sourceState('z')?.state).toBe('built');
  });

  it('a newer sample withdraws every untrained sample built from the one it supersedes', () => {
    addBuilt('old', [built('old'), built('old#onpolicy-0', 'old')]);
    queue.lease(1, 60_000); // one of them is out with the trainer
    const result = queue.addSource(source('new', { supersedes: 'old' }));
    expect(result).toEqual({ added: true, superseded: ['old'] });
    expect(queue.sampleState('old')?.state).toBe('superseded');
    expect(queue.sampleState('old#onpolicy-0')?.state).toBe('superseded');
    expect(queue.readyCount()).toBe(0);
    // The trainer already holds 'old': confirming before its step tells it to drop it, and a report
    // naming it anyway does not mark it trained.
    expect(queue.confirm(['old', 'ghost'], 60_000)).toEqual(['old', 'ghost']);
    const outcome = queue.markTrained({ step: 1, policyVersion: 'v2', metrics: {}, sampleIds: ['old'] });
    expect(outcome.trained).toEqual([]);
    expect(outcome.withdrawn).toEqual(['old']);
    expect(queue.sampleState('old')?.state).toBe('superseded');
  });

  it('a sample replaced after an unsaved step is withdrawn, not re-offered, when the trainer restarts', () => {
    addBuilt('old');
    addBuilt('other');
    queue.lease(2, 60_000, 1_000);
    // Step 5 trained both, nothing is on disk yet.
    queue.markTrained({ step: 5, policyVersion: 'v5', metrics: {}, sampleIds: ['old', 'other'], savedThroughStep: -1 }, 2_000);
    expect(queue.addSource(source('new', { supersedes: 'old' })).superseded).toEqual(['old']);
    expect(queue.trainerRestarted(0)).toEqual({ reoffered: 1 }); // 'other' only
    expect(queue.sampleState('old')?.state).toBe('superseded');
    expect(queue.lease(5, 60_000, 3_000).map((s) => s.sampleId)).toEqual(['other']);
    expect(queue.confirm(['old', 'other'], 60_000, 3_000)).toEqual(['old']);
    expect(queue.markTrained({ step: 0, policyVersion: 'v1', metrics: {}, sampleIds: ['old'] }).withdrawn).toEqual(['old']);
  });

  it('a replaced sample whose unsaved step is saved later stays trained', () => {
    addBuilt('old');
    queue.lease(1, 60_000, 1_000);
    queue.markTrained({ step: 5, policyVersion: 'v5', metrics: {}, sampleIds: ['old'], savedThroughStep: 4 }, 2_000);
    queue.addSource(source('new', { supersedes: 'old' }));
    queue.markTrained({ step: 6, policyVersion: 'v6', metrics: {}, sampleIds: [], savedThroughStep: 5 }, 3_000);
    expect(queue.sampleState('old')?.state).toBe('trained');
    expect(queue.trainerRestarted(6)).toEqual({ reoffered: 0 });
    expect(queue.sampleState('old')?.state).toBe('trained');
  });

  it('confirm keeps what is still leased and renews its lease, and withdraws what was trained meanwhile', () => {
    addBuilt('keep');
    addBuilt('done');
    queue.lease(2, 1_000, 10_000);
    queue.markTrained({ step: 1, policyVersion: 'v2', metrics: {}, sampleIds: ['done'] }, 10_100);
    expect(queue.confirm(['keep', 'done'], 5_000, 10_500)).toEqual(['done']);
    // The lease now runs to 15_500: it does not lapse at the old 11_000.
    expect(queue.releaseLapsedLeases(12_000)).toBe(false);
    expect(queue.nextLeaseExpiry()).toBe(15_500);
  });

  it('does not touch a sample that was already trained', () => {
    addBuilt('old');
    queue.lease(1, 60_000);
    queue.markTrained({ step: 1, policyVersion: 'v2', metrics: {}, sampleIds: ['old'] });
    expect(queue.addSource(source('new', { supersedes: 'old' })).superseded).toEqual([]);
    expect(queue.sampleState('old')?.state).toBe('trained');
  });

  it('remembers a supersede that arrives before the old sample, and one that lands mid-build', () => {
    queue.addSource(source('new', { supersedes: 'late' }));
    queue.addSource(source('late'));
    expect(queue.sourceState('late')?.state).toBe('superseded');
    expect(queue.dueSources().map((s) => s.sample.sampleId)).toEqual(['new']);

    queue.addSource(source('building'));
    expect(queue.dueSources().map((s) => s.sample.sampleId)).toContain('building');
    queue.addSource(source('newer', { supersedes: 'building' }));
    const outcome = queue.enqueueBuilt('building', [built('building')], null);
    expect(outcome.ready).toEqual([]);
    expect(outcome.held).toEqual([{ sampleId: 'building', state: 'superseded' }]);
  });

  it('retries failed builds at their time and gives up when told to', () => {
    queue.addSource(source('f'), 1_000);
    queue.markBuildFailed('f', 'engine down', 5_000, 1_000);
    expect(queue.dueSources(4_999)).toEqual([]);
    expect(queue.nextSourceDueAt()).toBe(5_000);
    expect(queue.dueSources(5_000).map((s) => s.attempts)).toEqual([1]);
    queue.markBuildFailed('f', 'no tokenizer', null, 6_000, false);
    expect(queue.sourceState('f')).toMatchObject({ state: 'failed', attempts: 2, lastError: 'no tokenizer', permanent: false });
    expect(queue.nextSourceDueAt()).toBeNull();
    // A failure for good is never requeued.
    queue.addSource(source('p'), 1_000);
    queue.markBuildFailed('p', 'tokens disagree', null, 6_000, true);
    // Given another chance (the engine is back, or the gateway restarted): a fresh set of attempts.
    expect(queue.requeueFailedSources(7_000)).toBe(1);
    expect(queue.dueSources(7_000)).toMatchObject([{ sample: { sampleId: 'f' }, attempts: 0, outages: 0 }]);
    expect(queue.requeueFailedSources(8_000)).toBe(0);
    expect(queue.sourceState('p')).toMatchObject({ state: 'failed', attempts: 1, permanent: true });
  });

  it('an engine outage defers a build without using up its attempts', () => {
    queue.addSource(source('o'), 1_000);
    queue.markBuildDeferred('o', 'SGLang is unreachable', 2_000, 1_000);
    queue.markBuildDeferred('o', 'SGLang is unreachable', 3_000, 2_000);
    expect(queue.dueSources(2_999)).toEqual([]);
    expect(queue.sourceState('o')).toMatchObject({ state: 'pending', attempts: 0, outages: 2 });
  });

  it('survives a restart: pending sources, ready and leased samples are all still there', () => {
    queue.addSource(source('pending'));
    addBuilt('ready');
    addBuilt('leased');
    queue.lease(1, 1_000, 50_000); // leases 'ready' (lower index)
    db.close();
    db = openBoxDatabase(file());
    queue = new TrainingQueue(db);
    expect(queue.dueSources().map((s) => s.sample.sampleId)).toEqual(['pending']);
    expect(queue.sampleState('ready')?.state).toBe('leased');
    queue.releaseLapsedLeases(51_000);
    expect(queue.lease(5, 1_000, 51_000).map((s) => s.sampleId)).toEqual(['ready', 'leased']);
  });
});

describe('waitForBatch (long-poll)', () => {
  it('wakes as soon as enough samples are ready', async () => {
    const pending = waitForBatch(queue, { size: 2, timeoutMs: 20_000, leaseMs: 60_000 });
    addBuilt('a');
    addBuilt('b');
    const batch = await pending;
    expect(batch.map((s) => s.sampleId)).toEqual(['a', 'b']);
  });

  it('returns what is ready at the deadline, possibly nothing', async () => {
    expect(await waitForBatch(queue, { size: 4, timeoutMs: 0, leaseMs: 60_000 })).toEqual([]);
    addBuilt('only');
    expect((await waitForBatch(queue, { size: 4, timeoutMs: 50, leaseMs: 60_000 })).map((s) => s.sampleId)).toEqual(['only']);
  });

  it('offers a lapsed lease to a waiting trainer', async () => {
    addBuilt('x');
    expect(queue.lease(1, 150)).toHaveLength(1);
    const batch = await waitForBatch(queue, { size: 1, timeoutMs: 20_000, leaseMs: 60_000 });
    expect(batch.map((s) => s.sampleId)).toEqual(['x']);
    expect(queue.sampleState('x')?.leases).toBe(2);
  });

  it('leases nothing for a trainer that went away', async () => {
    const gone = new AbortController();
    const pending = waitForBatch(queue, { size: 1, timeoutMs: 20_000, leaseMs: 60_000 }, gone.signal);
    gone.abort();
    await expect(pending).rejects.toThrow(/went away/);
    addBuilt('kept');
    expect(queue.readyCount()).toBe(1);
  });
});

describe('TrainingQueue: sources kept in the sample log', () => {
  const note = (id: string, bodyChars: number, supersedes: string | null = null) => ({
    sampleId: id,
    personaId: 'persona-a',
    turnId: `turn-${id}`,
    supersedes,
    bodyChars,
    receivedAt: 1_000,
  });

  it('builds from the sample log row, settles one over the size limit at once, and withdraws what a newer one replaces', () => {
    const bodies = new Map<string, string>();
    db.close();
    db = openBoxDatabase(file());
    queue = new TrainingQueue(db, { sampleLogBody: (id) => bodies.get(id) ?? null });
    bodies.set('a', JSON.stringify(source('a')));
    bodies.set('b', JSON.stringify(source('b', { supersedes: 'a' })));
    const first = queue.addStoredSources([note('a', 300), note('huge', 2_000_000)], 1_000_000, 1_000);
    expect(first.added).toEqual(['a', 'huge']);
    expect(first.tooLarge).toEqual([expect.objectContaining({ sampleId: 'huge', error: expect.stringMatching(/2,000,000 characters, more than the 1,000,000/) })]);
    expect(queue.sourceState('huge')).toMatchObject({ state: 'failed', permanent: true });
    // A restart does not try it again (it failed for good).
    expect(queue.requeueFailedSources()).toBe(0);
    // Nothing is copied: the body is read from the log when the source is due.
    expect((db.prepare(`SELECT body FROM training_sources WHERE sample_id = 'a'`).get() as { body: string }).body).toBe('');
    expect(queue.dueSources(2_000).map((s) => s.sample)).toEqual([source('a')]);

    // Idempotent, and a newer sample withdraws the one it supersedes.
    expect(queue.addStoredSources([note('a', 300)], 1_000_000).added).toEqual([]);
    expect(queue.addStoredSources([note('b', 300, 'a')], 1_000_000).superseded).toEqual(['a']);
    expect(queue.sourceState('a')).toMatchObject({ state: 'superseded' });
    expect(queue.dueSources(2_000).map((s) => s.sample.sampleId)).toEqual(['b']);

    // A row the log no longer has is settled instead of failing every build round.
    queue.addStoredSources([note('gone', 300)], 1_000_000);
    expect(queue.dueSources(2_000).map((s) => s.sample.sampleId)).toEqual(['b']);
    expect(queue.sourceState('gone')).toMatchObject({ state: 'failed', lastError: expect.stringContaining('no longer in the sample log') });
  });
});
