import type { FromWorker, SyncWorkerPort } from '../../../electron/sync/types';

/** Everything a worker port says, and a way to await a message (from index `from` on). */
export function collect(port: SyncWorkerPort) {
  const messages: FromWorker[] = [];
  const waiters = new Set<() => void>();
  port.onMessage((message) => {
    messages.push(message);
    for (const wake of [...waiters]) wake();
  });
  const waitFor = (predicate: (m: FromWorker) => boolean, what: string, from = 0, timeoutMs = 60_000) =>
    new Promise<FromWorker>((resolve, reject) => {
      const check = () => {
        const found = messages.slice(from).find(predicate);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(messages.slice(-5))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { messages, waitFor };
}
