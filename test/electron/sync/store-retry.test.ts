import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { startGatewayFixture, TEST_TOKEN } from '../../box/gateway/gateway-fixture';
import { enqueueSamples } from './outbox-fixture';
import { createLinkHarness, makeTempDir } from './link-harness';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('BoxSyncLink: the box could not store a sample', () => {
  it('records the error and resends that sample on the same connection while other acks keep coming', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startGatewayFixture();
    cleanups.push(temp.remove, () => void db.close(), () => box.close());
    const ids = enqueueSamples(db, 5, { prefix: 'r' });
    const failing = ids[1]!;
    // The real gateway, with its real SQLite write failing for one sample until the trigger goes.
    box.gateway.db.exec(
      `CREATE TRIGGER fail_one BEFORE INSERT ON samples WHEN NEW.sample_id = '${failing}'
       BEGIN SELECT RAISE(ABORT, 'disk is full (test)'); END`,
    );

    const harness = createLinkHarness({ storeRetryMs: 200 });
    cleanups.push(() => harness.link.stop());
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.gateway.url, token: TEST_TOKEN });

    await harness.waitFor((m) => m.type === 'log' && m.message.includes(`could not store sample ${failing}`), 'a retry');
    await harness.waitForStatus((s) => s.acked === 4, 'the other four acked');
    const outbox = new OutboxRepository(db);
    expect(outbox.get(failing)).toMatchObject({ state: 'pending', lastError: expect.stringContaining('disk is full (test)') });

    box.gateway.db.exec('DROP TRIGGER fail_one');
    await harness.waitForStatus((s) => s.acked === 5, 'the failed sample acked after a resend');
    expect(outbox.get(failing)).toMatchObject({ state: 'acked', lastError: null });
    expect(outbox.get(failing)!.attempts).toBeGreaterThanOrEqual(2);
    expect(box.gateway.sampleLog.count()).toBe(5);
    // Resent on the one connection it had: no ack timeout, no reconnect.
    const states = harness.statuses().map((s) => s.state);
    expect(states.slice(states.indexOf('connected'))).not.toContain('disconnected');
    expect(states.filter((s) => s === 'connecting')).toHaveLength(1);
    // Counted as delivered once, though sent more than once.
    expect(outbox.deliveryCountsForPersona('persona-1')).toEqual({ delivered: 5, acknowledged: 5 });
  });
});
