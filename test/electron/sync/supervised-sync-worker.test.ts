import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/store/open-database';
import { superviseSyncWorker } from '../../../electron/sync/supervised-sync-worker';
import { spawnThreadSyncWorker } from '../../../electron/sync/thread-host';
import type { FromWorker, ToWorker } from '../../../electron/sync/types';
import { enqueueSamples } from './outbox-fixture';
import { makeTempDir } from './link-harness';
import { collect } from './port-messages';
import { startStreamTestBox } from './stream-test-box';

const TOKEN = 'supervisor-token';
const CRASHABLE = fileURLToPath(new URL('./crashable-sync-worker.ts', import.meta.url));
const CRASH = { type: 'test:crash' } as unknown as ToWorker;

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('SupervisedSyncWorker', () => {
  it('reports a dead worker as disconnected, restarts it with the last configure, and stops for good on terminate', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN });
    cleanups.push(temp.remove, () => void db.close(), () => box.close());
    enqueueSamples(db, 3, { prefix: 'a' });

    let spawns = 0;
    const spawn = () => {
      spawns += 1;
      // The first restart fails to start at all: the supervisor keeps trying.
      if (spawns === 2) throw new Error('no thread for you (test)');
      return spawnThreadSyncWorker({ modulePath: CRASHABLE });
    };
    const port = await superviseSyncWorker(spawn, { backoff: { initialMs: 50, maxMs: 200 } })();
    cleanups.push(() => port.terminate());
    const { messages, waitFor } = collect(port);
    port.post({ type: 'configure', config: { dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN } });
    await waitFor((m) => m.type === 'status' && m.status.state === 'connected' && m.status.acked === 3, 'first worker delivers');

    const before = messages.length;
    port.post(CRASH);
    const down = await waitFor((m) => m.type === 'status' && m.status.state === 'disconnected', 'disconnected status', before);
    expect(down).toMatchObject({
      status: { state: 'disconnected', acked: 3, url: box.url, detail: expect.stringContaining('boom (test crash)') },
    });
    expect((down as Extract<FromWorker, { type: 'status' }>).status.retryInMs).toBeGreaterThan(0);
    await waitFor((m) => m.type === 'log' && m.message.includes('could not restart (no thread for you (test))'), 'failed restart', before);

    // A nudge while no worker runs is not lost: the restarted worker is configured and finds the rows.
    enqueueSamples(db, 2, { prefix: 'b' });
    port.post({ type: 'nudge' });
    await waitFor((m) => m.type === 'status' && m.status.state === 'connected' && m.status.acked === 5, 'restarted worker delivers', before);
    expect(spawns).toBe(3);
    expect(box.hellos).toHaveLength(2);
    expect(box.stored.size).toBe(5);

    // Asked to stop, it stops: a clean 'stopped' and the socket closed with 1000.
    await port.terminate();
    expect(messages.at(-1)).toEqual({ type: 'stopped' });
    await box.waitFor('close', () => box.closes.some((c) => c.code === 1000));
    expect(spawns).toBe(3);
  }, 120_000);

  it('does not restart a worker that died after terminate() was asked for', async () => {
    let spawns = 0;
    const port = await superviseSyncWorker(
      () => {
        spawns += 1;
        return spawnThreadSyncWorker({ modulePath: CRASHABLE });
      },
      { backoff: { initialMs: 50, maxMs: 50 } },
    )();
    cleanups.push(() => port.terminate());
    const { waitFor } = collect(port);
    port.post(CRASH);
    await waitFor((m) => m.type === 'status' && m.status.state === 'disconnected', 'disconnected status');
    // The restart is due within 50 ms; terminate now, then wait well past it: no new worker appears.
    await port.terminate();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(spawns).toBe(1);
  });

  it('passes the first spawn failure to the caller, as a bare spawner would', async () => {
    const start = superviseSyncWorker(() => {
      throw new Error('cannot start (test)');
    });
    await expect(start()).rejects.toThrow('cannot start (test)');
  });
});
