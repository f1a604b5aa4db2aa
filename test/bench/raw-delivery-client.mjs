// The raw baseline's client for delivery.bench.ts, in its own thread as the app's sync worker is:
// reads pending outbox rows in pages, keeps `window` frames of `batch` samples in flight over ws, and
// marks each frame's rows acked in one transaction when the server's ack arrives. No validation, no
// timeline, no protocol: the least work that still delivers durably.
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { parentPort, workerData } from 'node:worker_threads';

const { appDb, url, batch, window, total, synchronous } = workerData;
const app = new Database(appDb);
app.pragma('journal_mode = WAL');
// The app's own setting (openDatabase), so both sides pay the same for a commit.
app.pragma(`synchronous = ${synchronous}`);
const page = app.prepare(`SELECT seq, sample_id, payload FROM outbox WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?`);
const ack = app.prepare(`UPDATE outbox SET state = 'acked', acked_at = ? WHERE sample_id = ? AND state = 'pending'`);
const ackAll = app.transaction((ids) => {
  for (const id of ids) ack.run(Date.now(), id);
});
const start = performance.now();
const ws = new WebSocket(url);
let after = 0;
let inFlight = 0;
let acked = 0;
const pump = () => {
  while (inFlight < window) {
    const rows = page.all(after, batch);
    if (rows.length === 0) return;
    after = rows.at(-1).seq;
    ws.send(`[${rows.map((r) => r.payload).join(',')}]`);
    inFlight += 1;
  }
};
ws.on('open', pump);
ws.on('message', (data) => {
  const ids = JSON.parse(data.toString());
  ackAll(ids);
  acked += ids.length;
  inFlight -= 1;
  if (acked === total) {
    const elapsed = performance.now() - start;
    ws.close();
    app.close();
    parentPort.postMessage(elapsed);
  } else pump();
});
