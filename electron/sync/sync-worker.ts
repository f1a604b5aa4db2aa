import { parentPort } from 'node:worker_threads';
import { BoxSyncLink } from './box-sync-link';
import type { FromWorker } from './types';
import { describeZodError, ToWorkerSchema } from './worker-message-schemas';

/**
 * The sync worker's entry. Runs as a worker thread (Node: browser mode, tests) or as an Electron
 * utilityProcess (process.parentPort); everything else lives in BoxSyncLink, which owns its own
 * connection to the SQLite file so delivery never blocks the main process.
 */

interface ParentChannel {
  post(message: FromWorker): void;
  onMessage(listener: (data: unknown) => void): void;
  /** Lets the worker end once its work is done (threads end when nothing is left to run). */
  release(): void;
}

/** Electron's process.parentPort, described structurally: only main.ts may import 'electron'. */
interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
  removeAllListeners(event?: string): unknown;
}

function parentChannel(): ParentChannel {
  if (parentPort) {
    const port = parentPort;
    return {
      post: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', listener),
      release: () => port.removeAllListeners('message'),
    };
  }
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      post: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
      // The host kills the utility process after 'stopped'; nothing to release here.
      release: () => electronPort.removeAllListeners('message'),
    };
  }
  throw new Error('sync-worker must run as a worker thread or an Electron utility process');
}

const channel = parentChannel();
const link = new BoxSyncLink({ post: (message) => channel.post(message) });
let stopping = false;

channel.onMessage((data) => {
  const parsed = ToWorkerSchema.safeParse(data);
  if (!parsed.success) {
    channel.post({ type: 'log', level: 'error', message: `sync worker ignored a bad message: ${describeZodError(parsed.error)}` });
    return;
  }
  const message = parsed.data;
  if (stopping) return;
  try {
    switch (message.type) {
      case 'configure':
        link.configure(message.config);
        return;
      case 'nudge':
        link.nudge();
        return;
      case 'stop':
        stopping = true;
        void link
          .stop()
          .catch((error: unknown) => {
            channel.post({ type: 'log', level: 'error', message: `sync worker stop: ${String(error)}` });
          })
          .finally(() => {
            channel.post({ type: 'stopped' });
            channel.release();
          });
        return;
    }
  } catch (error) {
    channel.post({ type: 'log', level: 'error', message: `sync worker: ${error instanceof Error ? error.message : String(error)}` });
  }
});
