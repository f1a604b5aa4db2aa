import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/store/open-database';
import { enqueueSamples } from './outbox-fixture';
import { createLinkHarness, makeTempDir } from './link-harness';
import { startStreamTestBox, type StreamTestBoxOptions } from './stream-test-box';
import type { BackoffOptions } from '../../../electron/sync/reconnect-backoff';

const TOKEN = 'right-token';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setup(boxOptions: Partial<StreamTestBoxOptions> = {}, backoff: BackoffOptions = { initialMs: 20, maxMs: 100 }) {
  const temp = makeTempDir();
  const db = openDatabase(temp.dbFile);
  const box = await startStreamTestBox({ token: TOKEN, ...boxOptions });
  const harness = createLinkHarness({ backoff });
  cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
  return { temp, db, box, harness };
}

function attempts(db: Db): number {
  return (db.prepare(`SELECT SUM(attempts) AS n FROM outbox`).get() as { n: number }).n;
}

describe('BoxSyncLink connection states', () => {
  it('backs off with growing delays up to the cap, and starts over after a welcome', async () => {
    // random() = 0.5 makes each delay exactly 3/4 of its ceiling: 30, 60, 120, 240, 240 (cap 320).
    const { temp, box, harness } = await setup({ closeOnConnect: { code: 1011, reason: 'not ready' } }, {
      initialMs: 40,
      maxMs: 320,
      random: () => 0.5,
    });
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    const retries = () => harness.statuses().filter((s) => s.state === 'disconnected').map((s) => s.retryInMs);
    await harness.waitFor(() => retries().length >= 5, 'five failed attempts');
    expect(retries().slice(0, 5)).toEqual([30, 60, 120, 240, 240]);
    const failed = harness.statuses().find((s) => s.state === 'disconnected')!;
    expect(failed.detail).toContain('not ready');
    expect(failed.detail).toMatch(/Retrying in/);

    box.options.closeOnConnect = null;
    await harness.waitForStatus((s) => s.state === 'connected', 'connected', 20_000);
    const before = retries().length;
    box.dropAll();
    await harness.waitFor(() => retries().length > before, 'disconnect after welcome');
    expect(retries()[before]).toBe(30);
    await harness.waitForStatus((s) => s.state === 'connected', 'reconnected');
  });

  it('retries early on new rows while disconnected, but at most once per nudgeRetryMinMs', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN, closeOnConnect: { code: 1011, reason: 'not ready' } });
    const harness = createLinkHarness({ backoff: { initialMs: 60_000, maxMs: 60_000 }, nudgeRetryMinMs: 400 });
    cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitFor(() => harness.statuses().some((s) => s.state === 'disconnected'), 'first failure');
    expect(box.connections).toBe(1);

    enqueueSamples(db, 5);
    for (let i = 0; i < 20; i++) harness.link.nudge();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(box.connections).toBe(1); // a burst right after a failed dial waits for the minimum gap

    await new Promise((resolve) => setTimeout(resolve, 400));
    box.options.closeOnConnect = null;
    for (let i = 0; i < 20; i++) harness.link.nudge();
    await harness.waitForStatus((s) => s.acked === 5, 'delivered after the early retry');
    expect(box.connections).toBe(2);
  });

  it('reports unauthorized on HTTP 401, sends nothing and retries slowly', async () => {
    const { temp, db, box, harness } = await setup();
    enqueueSamples(db, 3);
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: 'wrong-token' });
    const status = await harness.waitForStatus((s) => s.state === 'unauthorized', 'unauthorized');
    expect(status.retryInMs).toBe(60_000);
    expect(status.detail).toMatch(/token/);
    expect(status.pending).toBe(3);
    expect(box.unauthorizedAttempts).toBe(1);
    expect(box.connections).toBe(0);
    expect(attempts(db)).toBe(0);

    // A right token through configure connects at once and delivers.
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitForStatus((s) => s.acked === 3, 'delivered with the right token');
  });

  it('treats close code 4401 as unauthorized, and a missing token without dialling', async () => {
    const { temp, box, harness } = await setup({ closeOnConnect: { code: 4401, reason: 'token revoked' } });
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitForStatus((s) => s.state === 'unauthorized' && s.retryInMs === 60_000, 'unauthorized by close code');

    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: null });
    const status = await harness.waitForStatus((s) => s.state === 'unauthorized' && s.retryInMs === null, 'no token');
    expect(status.detail).toMatch(/No box token/);
    expect(box.connections).toBe(1);
  });

  it('reports an incompatible box with what it supports', async () => {
    const { temp, box, harness } = await setup({ incompatible: true });
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    const status = await harness.waitForStatus((s) => s.state === 'incompatible', 'incompatible');
    expect(status.detail).toContain('protocol 2');
    expect(status.detail).toContain('test box speaks only v2');
    expect(status.retryInMs).toBe(5 * 60_000);
  });

  it('is unconfigured without a URL and explains a bad URL', async () => {
    const { temp, harness } = await setup();
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: '', token: TOKEN });
    await harness.waitForStatus((s) => s.state === 'unconfigured' && /Settings/.test(s.detail), 'unconfigured');
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: 'ftp://box', token: TOKEN });
    await harness.waitForStatus((s) => s.state === 'unconfigured' && /http/.test(s.detail), 'bad url explained');
  });

  it('explains a database it cannot open and keeps retrying', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const harness = createLinkHarness();
    cleanups.push(() => harness.link.stop());
    // A path below a regular file can never be created.
    const blocked = join(temp.dbFile, 'inside-a-file.sqlite');
    writeFileSync(temp.dbFile, 'not a folder');
    harness.link.configure({ dbFile: blocked, boxUrl: 'http://127.0.0.1:9', token: TOKEN });
    const status = await harness.waitForStatus((s) => s.state === 'disconnected', 'database error');
    expect(status.detail).toMatch(/Cannot open the app database/);
    expect(status.retryInMs).toBe(5_000);
    expect(harness.logs('error')[0]).toContain(blocked);
  });

  it('logs and ignores invalid frames without dropping the link', async () => {
    const { temp, db, box, harness } = await setup({ ackMode: 'manual' });
    const ids = enqueueSamples(db, 5);
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await box.waitFor('sample', () => box.received.length === 5);

    box.sendRaw('this is not json');
    box.sendRaw(JSON.stringify({ type: 'ack' }));
    box.sendRaw(JSON.stringify({ type: 'launch-missiles' }));
    box.sendRaw(JSON.stringify({ type: 'progress', event: { seq: -1, kind: 'training_step' } }));
    box.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    box.send({ type: 'ack', sampleId: 'never-sent', duplicate: false });
    box.send({ type: 'error', message: 'box hiccup' });
    box.send({ type: 'welcome', protocol: 1, boxVersion: 'again', policyVersion: null });
    box.releaseAcks();
    await harness.waitForStatus((s) => s.acked === 5, 'acked after garbage');

    const warnings = harness.logs('warn');
    expect(warnings.filter((w) => w.startsWith('ignored'))).toHaveLength(6);
    expect(warnings.some((w) => w.includes('not JSON'))).toBe(true);
    expect(warnings.some((w) => w.includes('binary'))).toBe(true);
    expect(warnings.some((w) => w.includes('second welcome'))).toBe(true);
    expect(warnings.some((w) => w.includes('unknown sample never-sent'))).toBe(true);
    expect(warnings.some((w) => w.includes('box hiccup'))).toBe(true);
    expect(box.connections).toBe(1);
    expect(box.closes).toEqual([]);
    expect(box.received.map((r) => r.sample.sampleId)).toEqual(ids);
  });

  it('recycles a link whose box stops acknowledging', async () => {
    const temp = makeTempDir();
    const db = openDatabase(temp.dbFile);
    const box = await startStreamTestBox({ token: TOKEN, ackMode: 'manual' });
    const harness = createLinkHarness({ backoff: { initialMs: 20, maxMs: 100 }, ackTimeoutMs: 300 });
    cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
    enqueueSamples(db, 2);
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    const stuck = await harness.waitForStatus((s) => s.state === 'disconnected', 'ack timeout', 20_000);
    expect(stuck.detail).toMatch(/no acknowledgement/);
    box.options.ackMode = 'auto';
    await harness.waitForStatus((s) => s.acked === 2, 'delivered after recycling');
  });

  it('switches to a new box on configure and closes cleanly on stop', async () => {
    const { temp, db, box, harness } = await setup();
    const other = await startStreamTestBox({ token: 'other-token' });
    cleanups.push(() => other.close());
    enqueueSamples(db, 2);
    harness.link.configure({ dbFile: temp.dbFile, boxUrl: box.url, token: TOKEN });
    await harness.waitForStatus((s) => s.acked === 2, 'delivered to the first box');

    harness.link.configure({ dbFile: temp.dbFile, boxUrl: other.url, token: 'other-token' });
    await harness.waitForStatus((s) => s.state === 'connected' && s.url === other.url, 'connected to the other box');
    await box.waitFor('close', () => box.closes.length === 1);
    expect(box.closes[0]!.code).toBe(1000);
    expect(other.hellos[0]!.clientId).toBe(box.hellos[0]!.clientId);

    await harness.link.stop();
    await other.waitFor('close', () => other.closes.length === 1);
    expect(other.closes[0]!.code).toBe(1000);
  });
});
