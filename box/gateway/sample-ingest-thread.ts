import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FrameOutcome, IngestLogLine } from './ingest-frames';
import type { IngestReply, IngestRequest } from './sample-ingest-worker';

/** What the caller gets for a frame: its answers, or that the worker died before it was stored. */
export type IngestResult = { ok: true; outcome: FrameOutcome } | { ok: false; error: string };

interface Pending {
  resolve: (result: IngestResult) => void;
}

/**
 * The gateway's side of the ingest worker (sample-ingest-worker.ts): hands it each frame's bytes
 * (moved, not copied, when they own their buffer) and resolves with the frame's answers once the
 * worker's transaction committed. A worker that dies fails its pending frames (nothing of theirs was
 * acked) and is started again for the next frame.
 */
export class SampleIngestThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private drainWaiters: (() => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly dbFile: string,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {
    this.start();
  }

  submit(data: Buffer, clientId: string, receivedAt: number): Promise<IngestResult> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'the box gateway is shutting down' });
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && !(data.buffer instanceof SharedArrayBuffer);
    const bytes = owned ? new Uint8Array(data.buffer, 0, data.byteLength) : Uint8Array.from(data);
    const request: IngestRequest = { id, clientId, receivedAt, data: bytes };
    return new Promise<IngestResult>((resolve) => {
      this.pending.set(id, { resolve });
      worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
    });
  }

  /** Waits for the frames already handed over, then ends the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private start(): Worker {
    const here = dirname(fileURLToPath(import.meta.url));
    const entry = join(here, 'sample-ingest-worker.ts');
    const worker = new Worker(join(here, 'typescript-worker-bootstrap.mjs'), {
      workerData: { entry: pathToFileURL(entry).href, dbFile: this.dbFile },
    });
    this.worker = worker;
    worker.on('message', (reply: IngestReply) => {
      for (const line of reply.logs) this.logLine(line);
      for (const outcome of reply.outcomes) {
        const pending = this.pending.get(outcome.id);
        this.pending.delete(outcome.id);
        pending?.resolve({ ok: true, outcome });
      }
      this.notifyDrained();
    });
    worker.on('error', (error) => this.log('error', `the sample ingest worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      const failed = [...this.pending.values()];
      this.pending.clear();
      for (const p of failed) p.resolve({ ok: false, error: `the ingest worker stopped (exit code ${code})` });
      this.notifyDrained();
      if (!this.closed) this.log('error', `the sample ingest worker stopped (exit code ${code}); ${failed.length} frame(s) were not stored; it starts again with the next frame`);
    });
    return worker;
  }

  private notifyDrained(): void {
    if (this.pending.size === 0) for (const wake of this.drainWaiters.splice(0)) wake();
  }

  private logLine(line: IngestLogLine): void {
    this.log(line.level, line.message);
  }
}
