// The real sync worker entry, plus a way for a test to make the thread die the way a bug would:
// an exception nobody catches. Started through spawnThreadSyncWorker({ modulePath }).
import { parentPort } from 'node:worker_threads';
import '../../../electron/sync/sync-worker';

parentPort?.on('message', (message: { type?: unknown }) => {
  if (message?.type === 'test:crash') {
    setImmediate(() => {
      throw new Error('boom (test crash)');
    });
  }
});
