import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { enqueueSamples } from './outbox-fixture';
import { createLinkHarness, makeTempDir } from './link-harness';
import { startStreamTestBox } from './stream-test-box';

const TOKEN = 'busy-token';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('BoxSyncLink with a locked app database', () => {
  it('logs a write that stays busy past the busy timeout and sends the rows once the lock is gone', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN });
    const harness = createLinkHarness();
    cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitForStatus((s) => s.state === 'connected', 'connected');

    const ids = enqueueSamples(db, 3);
    // Another writer holds the lock: the link's send bookkeeping waits out its busy timeout, then fails.
    db.exec('BEGIN IMMEDIATE');
    let locked = true;
    cleanups.push(() => {
      if (locked) db.exec('ROLLBACK');
    });
    harness.link.nudge();
    const busy = await harness.waitFor(
      (m) => m.type === 'log' && m.level === 'error' && m.message.includes('as sent'),
      'the busy write logged',
      30_000,
    );
    expect(busy).toMatchObject({ message: expect.stringMatching(/locked|busy/i) });
    expect(box.received).toHaveLength(0);
    db.exec('COMMIT');
    locked = false;

    await harness.waitForStatus((s) => s.acked === 3, 'all acked after the lock', 30_000);
    expect(box.received.map((r) => r.sample.sampleId)).toEqual(ids);
    expect(new OutboxRepository(db).counts()).toMatchObject({ acked: 3, pending: 0 });
    expect(harness.lastStatus()).toMatchObject({ state: 'connected' });
  }, 60_000);
});
