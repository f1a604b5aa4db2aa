import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/store/open-database';
import { OutboxRepository } from '../../electron/store/outbox-repository';
import { spawnThreadSyncWorker } from '../../electron/sync/thread-host';
import type { FromWorker } from '../../electron/sync/types';
import type { BoxStatus } from '../../shared/domain';
import { SignalSampleSchema } from '../../shared/protocol/box-stream';
import { startSglangTestEngine } from '../support/sglang-test-engine';
import { enqueueSamples } from '../electron/sync/outbox-fixture';
import { makeTempDir } from '../electron/sync/link-harness';

/**
 * The "kill the box" test: 200 queued samples, a real box gateway process, SIGKILL in the
 * middle of delivery, a restart on the same port and data dir — and still every sample is in the
 * box's durable sample log exactly once and every outbox row ends acked.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BOX_MAIN = join(REPO, 'box/main.ts');
const TOKEN = 'e2e-box-token-0123456789';
// Enough that the kill lands mid-delivery even though the link sends batches (512 samples in flight).
const SAMPLES = 3_000;
const KILL_AFTER_ACKS = 100;

interface BoxProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

const running = new Set<BoxProcess>();
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const box of running) {
    box.child.kill('SIGKILL');
    await box.exited;
  }
  running.clear();
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `tsx box/main.ts` as one process (node --import tsx), so SIGKILL hits the gateway itself. */
function startBox(args: { sglang: string; port: number; dataDir: string }): Promise<BoxProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', BOX_MAIN, '--sglang', args.sglang, '--port', String(args.port), '--token', TOKEN, '--data-dir', args.dataDir],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, APPRENTICE_BOX_TOKEN: '' } },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const box: BoxProcess = { child, output, exited };
  running.add(box);
  void exited.then(() => running.delete(box));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`box did not start in 90 s:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (/Apprentice box gateway listening on http:\/\/\S+/.test(output.join(''))) {
        clearTimeout(timer);
        ready(box);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`box exited (${code}) before listening:\n${output.join('')}`));
    });
  });
}

function boxSampleIds(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'box.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT sample_id, body FROM samples ORDER BY rowid`).all() as { sample_id: string; body: string }[];
    // Every stored body is a whole, valid sample (nothing half-written survived the kill).
    for (const row of rows) expect(SignalSampleSchema.parse(JSON.parse(row.body)).sampleId).toBe(row.sample_id);
    return rows.map((r) => r.sample_id);
  } finally {
    db.close();
  }
}

describe('box restart end to end', () => {
  it(
    `delivers all ${SAMPLES} samples exactly once across a SIGKILL and restart of the box`,
    async () => {
      expect(existsSync(BOX_MAIN), 'box/main.ts (the box gateway) must exist').toBe(true);
      const temp = makeTempDir();
      cleanups.push(temp.remove);
      const dataDir = join(temp.dir, 'box-data');
      mkdirSync(dataDir);
      const appDb = openDatabase(temp.dbFile);
      cleanups.push(() => void appDb.close());
      const ids = enqueueSamples(appDb, SAMPLES);

      const sglang = await startSglangTestEngine();
      cleanups.push(() => sglang.close());
      const port = await freePort();
      const first = await startBox({ sglang: sglang.url, port, dataDir });

      const worker = spawnThreadSyncWorker();
      cleanups.push(() => worker.terminate());
      const statuses: BoxStatus[] = [];
      let killed: Promise<number | null> | null = null;
      let waiter: { check: () => boolean; done: () => void } | null = null;
      worker.onMessage((message: FromWorker) => {
        if (message.type === 'status') {
          statuses.push(message.status);
          // Kill as soon as some acks are in: the rest are in flight or still queued.
          if (message.status.acked >= KILL_AFTER_ACKS && !killed) {
            first.child.kill('SIGKILL');
            killed = first.exited;
          }
        }
        if (waiter?.check()) waiter.done();
      });
      const waitUntil = (check: () => boolean, what: string, timeoutMs: number) =>
        new Promise<void>((done, fail) => {
          if (check()) return done();
          const timer = setTimeout(() => fail(new Error(`timed out: ${what}; last status ${JSON.stringify(statuses.at(-1))}`)), timeoutMs);
          waiter = {
            check,
            done: () => {
              clearTimeout(timer);
              waiter = null;
              done();
            },
          };
        });

      const startedAt = Date.now();
      worker.post({ type: 'configure', config: { dbFile: temp.dbFile, boxUrl: `http://127.0.0.1:${port}`, token: TOKEN } });
      await waitUntil(() => killed !== null, `${KILL_AFTER_ACKS} acks before the kill`, 60_000);
      await killed;
      await waitUntil(() => statuses.at(-1)?.state === 'disconnected', 'worker notices the dead box', 60_000);

      const outbox = new OutboxRepository(appDb);
      const ackedAtKill = outbox.counts().acked;
      const storedAtKill = boxSampleIds(dataDir).length;
      // The point of the test: the kill landed mid-delivery.
      expect(ackedAtKill).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
      expect(ackedAtKill).toBeLessThan(SAMPLES);
      // The box never acks what it has not stored.
      expect(storedAtKill).toBeGreaterThanOrEqual(ackedAtKill);

      const restartAt = Date.now();
      await startBox({ sglang: sglang.url, port, dataDir });
      await waitUntil(() => statuses.at(-1)?.acked === SAMPLES, 'all samples acked after the restart', 120_000);
      const doneAt = Date.now();

      const stored = boxSampleIds(dataDir);
      expect(stored).toHaveLength(SAMPLES);
      expect([...stored].sort()).toEqual(ids);
      expect(outbox.counts()).toEqual({ held: 0, pending: 0, acked: SAMPLES, rejected: 0 });
      // Each sample counted once as sent and once as stored, however often it went out.
      expect(outbox.deliveryCountsForPersona('persona-1')).toEqual({ delivered: SAMPLES, acknowledged: SAMPLES });
      expect(statuses.at(-1)).toMatchObject({ state: 'connected', pending: 0, acked: SAMPLES });
      const resent = (appDb.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE attempts > 1`).get() as { n: number }).n;
      console.info(
        `box-restart: acked at kill ${ackedAtKill}, stored at kill ${storedAtKill}, resent ${resent}, ` +
          `first phase ${restartAt - startedAt} ms, restart → all acked ${doneAt - restartAt} ms`,
      );
    },
    300_000,
  );
});
