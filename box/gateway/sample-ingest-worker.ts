import { parentPort, workerData } from 'node:worker_threads';
import { openBoxDatabase } from './box-database';
import { ingestFrames, type FrameInput, type FrameOutcome, type IngestLogLine } from './ingest-frames';
import { SampleLog } from './sample-log';
import { WithdrawalLog } from './withdrawal-log';

/**
 * The ingest worker thread: parses, validates and stores the frames apps send after hello on its own
 * connection to box.sqlite (synchronous FULL, as the gateway's), so neither a 15 MB sample nor a
 * burst of them holds up the event loop that answers /health and chat. Frames that arrive while it
 * writes wait and go into the next transaction together (one fsync for all of them).
 */

export interface IngestRequest {
  id: number;
  clientId: string;
  receivedAt: number;
  data: Uint8Array;
}

export type IngestReply = { type: 'outcomes'; outcomes: FrameOutcome[]; logs: IngestLogLine[] };

const port = parentPort;
if (!port) throw new Error('sample-ingest-worker must run in a worker thread');
const { dbFile } = workerData as { dbFile: string; entry?: string };
const db = openBoxDatabase(dbFile, 'FULL');
const sampleLog = new SampleLog(db);
// The gateway created (migrated) its table before it started this thread.
const withdrawalLog = new WithdrawalLog(db);
const decoder = new TextDecoder('utf-8');

let queue: IngestRequest[] = [];
let scheduled = false;

/**
 * The gateway's own connections leave checkpoints to this thread (wal_autocheckpoint 0 there): its
 * own commits checkpoint as SQLite does by default (past 1,000 WAL pages), and a timer checkpoints
 * what the gateway's thread wrote meanwhile. PASSIVE never waits for readers.
 */
const CHECKPOINT_EVERY_MS = 1_000;
function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next one copies what this one could not.
  }
}
setInterval(checkpoint, CHECKPOINT_EVERY_MS).unref();

function flush(): void {
  scheduled = false;
  const requests = queue;
  queue = [];
  if (requests.length === 0) return;
  const frames: FrameInput[] = requests.map((r) => ({ id: r.id, clientId: r.clientId, receivedAt: r.receivedAt, text: decoder.decode(r.data) }));
  const logs: IngestLogLine[] = [];
  const outcomes = ingestFrames(frames, sampleLog, withdrawalLog, (line) => logs.push(line));
  port!.postMessage({ type: 'outcomes', outcomes, logs } satisfies IngestReply);
}

port.on('message', (request: IngestRequest | { type: 'close' }) => {
  if ('type' in request) {
    flush();
    db.close();
    port!.close();
    return;
  }
  queue.push(request);
  if (!scheduled) {
    scheduled = true;
    // Everything already posted is in the next transaction.
    setImmediate(flush);
  }
});
