import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, EventPayload, InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import { eventNames, invokeContract } from '../../../shared/ipc/contract';
import { createCore, DATABASE_FILE_NAME, type Core, type CoreOptions } from '../../../electron/core/create-core';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import type { FromWorker, SyncWorkerPort, ToWorker } from '../../../electron/sync/types';
import { afterEach, beforeEach } from 'vitest';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

/** Everything a core test needs: a temp data dir, the core, its events and typed invoke. */
export interface CoreHarness {
  dir: string;
  core: Core;
  events: Array<{ event: EventName; payload: unknown }>;
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  waitFor<E extends EventName>(event: E, match: (payload: EventPayload<E>) => boolean, timeoutMs?: number): Promise<EventPayload<E>>;
  dispose(): Promise<void>;
}

export async function startCore(options: Partial<CoreOptions> = {}): Promise<CoreHarness> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'apprentice-core-'));
  // Titles ask the model once per conversation: only the tests of titles want that request.
  const core = createCore({ dataDir: dir, mode: 'browser', spawnSyncWorker: null, log: () => {}, generateTitles: false, ...options });
  const events: Array<{ event: EventName; payload: unknown }> = [];
  const waiters = new Set<() => void>();
  for (const event of eventNames) {
    core.on(event, (payload) => {
      events.push({ event, payload });
      for (const wake of [...waiters]) wake();
    });
  }
  return {
    dir,
    core,
    events,
    async invoke(channel, request) {
      const result = await core.handle(channel, request);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
      // Every response must satisfy the contract the renderer validates against.
      return invokeContract[channel].response.parse(result.result) as never;
    },
    waitFor(event, match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find((e) => e.event === event && match(e.payload as never));
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit.payload as never);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${event}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async dispose() {
      await core.close();
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A sync worker port run in-process by the test: records what the core posts, lets the test answer. */
/**
 * For each test: a fresh core whose box URL is an OpenAI-style stream server (the box serves the
 * policy), handed to `ready` before the test and closed after.
 */
export function coreWithStreamServerAsBoxEachTest(ready: (core: CoreHarness, server: OpenAiStreamServer) => void): void {
  let core: CoreHarness | null = null;
  let server: OpenAiStreamServer | null = null;
  beforeEach(async () => {
    server = await startOpenAiStreamServer();
    core = await startCore();
    await core.invoke('settings:update', { box: { url: server.url } });
    ready(core, server);
  });
  afterEach(async () => {
    await core?.dispose();
    await server?.close();
    core = null;
    server = null;
  });
}

export class RecordingSyncPort implements SyncWorkerPort {
  readonly posted: ToWorker[] = [];
  terminated = false;
  private listener: ((message: FromWorker) => void) | null = null;

  post(message: ToWorker): void {
    this.posted.push(message);
  }
  onMessage(listener: (message: FromWorker) => void): void {
    this.listener = listener;
  }
  async terminate(): Promise<void> {
    this.terminated = true;
  }
  /** Sends a message as the worker would (untyped on purpose: the core must validate it). */
  send(message: unknown): void {
    this.listener?.(message as FromWorker);
  }
}

/**
 * The outbox rows of a core's data dir, each with `payload` as the whole sample the sync worker would
 * send (a row whose context refers to the thread gets it filled in), read on a separate connection.
 */
export function outboxWithSamples(dir: string): Array<{ sample_id: string; state: string; last_error: string | null; signal_id: string; payload: string }> {
  const db = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
  try {
    const outbox = new OutboxRepository(db);
    const rows = db.prepare('SELECT sample_id, state, last_error, signal_id FROM outbox ORDER BY seq').all() as Array<{
      sample_id: string;
      state: string;
      last_error: string | null;
      signal_id: string;
    }>;
    return rows.map((row) => ({ ...row, payload: JSON.stringify(outbox.get(row.sample_id)!.sample) }));
  } finally {
    db.close();
  }
}
