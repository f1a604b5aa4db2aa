import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/store/open-database';
import { TimelineRepository } from '../../../electron/store/timeline-repository';
import { SyncStateRepository } from '../../../electron/sync/sync-state-repository';
import { enqueueSamples } from './outbox-fixture';
import { createLinkHarness, makeTempDir } from './link-harness';
import { startStreamTestBox } from './stream-test-box';

const TOKEN = 'test-token';
const FAST = { backoff: { initialMs: 20, maxMs: 100 } };

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const base = { personaId: 'persona-1', sampleIds: [] as string[], step: null, policyVersion: null, metrics: {}, message: '' };

describe('BoxSyncLink progress → timeline', () => {
  it('writes progress to the timeline and asks only for what it lacks after a restart', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN, policyVersion: 'v0' });
    cleanups.push(temp.remove, () => void db.close(), () => box.close());
    const sampleIds = enqueueSamples(db, 2);

    box.publishProgress({ ...base, kind: 'sample_ready', sampleIds: [sampleIds[0]!] });
    box.publishProgress({ ...base, kind: 'training_step', step: 1, metrics: { loss: 0.42, reward_mean: 0.5 }, sampleIds, message: 'Step 1 done' });
    box.publishProgress({ ...base, kind: 'policy_version', policyVersion: 'v1' });

    const first = createLinkHarness(FAST);
    cleanups.push(() => first.link.stop());
    first.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await first.waitFor(() => first.timeline().filter((e) => e.id.startsWith('progress:')).length === 3, 'three progress events');
    await first.waitForStatus((s) => s.policyVersion === 'v1' && s.acked === 2, 'policy v1');
    expect(box.hellos[0]!.progressAfter).toBe(0);

    const step = first.timeline().find((e) => e.id === 'progress:2:persona-1')!;
    expect(step).toMatchObject({ kind: 'training_step', summary: 'Step 1 done', sampleId: null });
    expect(step.data).toMatchObject({ metrics: { loss: 0.42, reward_mean: 0.5 }, step: 1, sampleIds, policyVersion: null });
    const ready = first.timeline().find((e) => e.id === 'progress:1:persona-1')!;
    expect(ready).toMatchObject({ kind: 'sample_ready', sampleId: sampleIds[0], summary: '1 training sample ready' });
    expect(new SyncStateRepository(db).progressAfter(null)).toBe(3);
    await first.link.stop();

    // While the app is closed the box trains on.
    box.publishProgress({ ...base, kind: 'training_step', step: 2, metrics: { loss: 0.3 } });
    box.publishProgress({ ...base, kind: 'policy_version', policyVersion: 'v2' });

    const second = createLinkHarness(FAST);
    cleanups.push(() => second.link.stop());
    second.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    // The persisted policy version shows before the box is even reached.
    expect(second.statuses()[0]!.policyVersion).toBe('v1');
    await second.waitForStatus((s) => s.policyVersion === 'v2', 'policy v2');
    expect(box.hellos[1]).toMatchObject({ progressAfter: 3, clientId: box.hellos[0]!.clientId });
    expect(second.timeline().map((e) => e.id)).toEqual(['progress:4:persona-1', 'progress:5:persona-1']);
    expect(new SyncStateRepository(db).progressAfter(null)).toBe(5);
    const kinds = new TimelineRepository(db).countByKind('persona-1');
    expect(kinds).toMatchObject({ sample_ready: 1, training_step: 2, policy_version: 2 });
  });

  it('adds nothing for replayed progress or repeated acks', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN, replayIgnoringProgressAfter: true });
    const harness = createLinkHarness(FAST);
    cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
    const [sampleId] = enqueueSamples(db, 1);
    box.publishProgress({ ...base, kind: 'training_step', step: 1 });
    box.publishProgress({ ...base, kind: 'error', message: 'trainer out of memory' });

    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitForStatus((s) => s.acked === 1, 'acked');
    await harness.waitFor(() => harness.timeline().filter((e) => e.id.startsWith('progress:')).length === 2, 'two progress events');

    // The same ack again, and a reconnect that replays every progress event again.
    box.send({ type: 'ack', sampleId: sampleId!, duplicate: true });
    box.dropAll();
    await box.waitFor('hello', () => box.hellos.length === 2);
    expect(box.hellos[1]!.progressAfter).toBe(2);
    box.publishProgress({ ...base, kind: 'training_step', step: 2 });
    await harness.waitFor((m) => m.type === 'timeline' && m.event.id === 'progress:3:persona-1', 'third event');

    // Each event posted once (order between acks and replayed progress is the box's to choose).
    expect(harness.timeline().map((e) => e.id).sort()).toEqual([
      'progress:1:persona-1',
      'progress:2:persona-1',
      'progress:3:persona-1',
    ]);
    const stored = new TimelineRepository(db).list('persona-1');
    expect(stored).toHaveLength(3);
    expect(stored.find((e) => e.kind === 'error')!.summary).toBe('trainer out of memory');
  });

  it("shows a new box's progress and policy version after switching boxes or resetting a box's data", async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const boxA = await startStreamTestBox({ token: TOKEN, boxId: 'box-a', policyVersion: 'a-v2' });
    const boxB = await startStreamTestBox({ token: TOKEN, boxId: 'box-b' });
    const harness = createLinkHarness(FAST);
    cleanups.push(temp.remove, () => void db.close(), () => boxA.close(), () => boxB.close(), () => harness.link.stop());
    const progressIds = () => harness.timeline().map((e) => e.id).filter((id) => id.startsWith('progress:'));

    boxA.publishProgress({ ...base, kind: 'training_step', step: 1 });
    boxA.publishProgress({ ...base, kind: 'policy_version', policyVersion: 'a-v1' });
    boxA.publishProgress({ ...base, kind: 'policy_version', policyVersion: 'a-v2' });
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: boxA.url, token: TOKEN });
    await harness.waitFor(() => progressIds().length === 3, 'box A progress');
    await harness.waitForStatus((s) => s.state === 'connected' && s.policyVersion === 'a-v2', 'box A policy');
    expect(progressIds()).toEqual(['progress:box-a:1:persona-1', 'progress:box-a:2:persona-1', 'progress:box-a:3:persona-1']);

    // Box B numbers its events from 1 too: seqs the app has already seen, but from another box.
    boxB.publishProgress({ ...base, kind: 'sample_ready', sampleIds: ['x'] });
    boxB.publishProgress({ ...base, kind: 'policy_version', policyVersion: 'b-v1' });
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: boxB.url, token: TOKEN });
    await harness.waitFor(() => progressIds().length === 5, 'box B progress');
    await harness.waitForStatus((s) => s.state === 'connected' && s.policyVersion === 'b-v1', 'box B policy');
    expect(progressIds().slice(3)).toEqual(['progress:box-b:1:persona-1', 'progress:box-b:2:persona-1']);
    // The first hello carried box A's cursor; once B named itself the link asked again from B's own.
    expect(boxB.hellos.map((h) => h.progressAfter)).toEqual([3, 0]);

    // Box A's data is wiped: at the same address a new box answers, counting from 1 again.
    await boxA.close();
    const resetA = await startStreamTestBox({ token: TOKEN, boxId: 'box-a-reset' }, boxA.port);
    cleanups.push(() => resetA.close());
    resetA.publishProgress({ ...base, kind: 'policy_version', policyVersion: 'fresh-v1' });
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: resetA.url, token: TOKEN });
    await harness.waitFor(() => progressIds().includes('progress:box-a-reset:1:persona-1'), 'reset box progress');
    await harness.waitForStatus((s) => s.state === 'connected' && s.policyVersion === 'fresh-v1', 'reset box policy');
    expect(resetA.hellos.map((h) => h.progressAfter)).toEqual([2, 0]);

    // Back to box B: the hello carries the last box's cursor, then B's own; nothing is replayed twice.
    boxB.publishProgress({ ...base, kind: 'training_step', step: 7 });
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: boxB.url, token: TOKEN });
    await harness.waitFor(() => progressIds().includes('progress:box-b:3:persona-1'), 'box B again');
    await harness.waitForStatus((s) => s.state === 'connected' && s.policyVersion === 'b-v1', 'box B policy again');
    expect(boxB.hellos.map((h) => h.progressAfter)).toEqual([3, 0, 1, 2]);
    expect(new TimelineRepository(db).countByKind('persona-1')).toMatchObject({ training_step: 2, policy_version: 4, sample_ready: 1 });
    expect(new SyncStateRepository(db).currentBoxId()).toBe('box-b');
  });
});
