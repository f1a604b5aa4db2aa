import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { spawnThreadSyncWorker } from '../../../electron/sync/thread-host';
import type { ToWorker } from '../../../electron/sync/types';
import { FromWorkerSchema } from '../../../electron/sync/worker-message-schemas';
import { enqueueSamples } from './outbox-fixture';
import { makeTempDir } from './link-harness';
import { collect } from './port-messages';
import { startStreamTestBox } from './stream-test-box';

const TOKEN = 'thread-token';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('spawnThreadSyncWorker', () => {
  it('runs the worker in a real thread: configure, deliver, nudge, bad message, stop', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN, policyVersion: 'v7' });
    cleanups.push(temp.remove, () => void db.close(), () => box.close());
    const first = enqueueSamples(db, 5, { prefix: 'a' });

    const port = spawnThreadSyncWorker();
    cleanups.push(() => port.terminate());
    const { messages, waitFor } = collect(port);
    port.post({ type: 'configure', config: { dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN } });
    await waitFor((m) => m.type === 'status' && m.status.acked === 5, 'first batch acked');

    const second = enqueueSamples(db, 3, { prefix: 'b' });
    port.post({ type: 'nudge' });
    const done = await waitFor((m) => m.type === 'status' && m.status.acked === 8, 'second batch acked');
    expect(done).toMatchObject({ status: { state: 'connected', pending: 0, policyVersion: 'v7', url: box.url } });
    expect(box.received.map((r) => r.sample.sampleId)).toEqual([...first, ...second]);
    expect(new OutboxRepository(db).counts()).toMatchObject({ acked: 8, pending: 0 });
    // The worker tells the core whose samples moved (no timeline event per sample).
    expect(messages.filter((m) => m.type === 'timeline')).toEqual([]);
    expect(messages.some((m) => m.type === 'delivery' && m.personaIds.includes('persona-1'))).toBe(true);
    // What crossed the thread boundary is exactly the contract.
    for (const message of messages) expect(FromWorkerSchema.safeParse(message).success).toBe(true);

    port.post({ type: 'configure', config: { dbFile: '', boxUrl: 42 } } as unknown as ToWorker);
    const complaint = await waitFor((m) => m.type === 'log' && m.level === 'error', 'bad message logged');
    expect(complaint).toMatchObject({ message: expect.stringContaining('bad message') });

    await port.terminate();
    expect(messages.at(-1)).toEqual({ type: 'stopped' });
    await box.waitFor('close', () => box.closes.length === 1);
    expect(box.closes[0]!.code).toBe(1000);
    // Posting after termination is a no-op rather than a crash.
    port.post({ type: 'nudge' });
  });
});
