// Starts a TypeScript worker entry from source (tests, tsx). Node 20 worker threads do not pick up
// `execArgv: ['--import', 'tsx']` for their own module loading, so the worker registers tsx itself,
// then imports the entry named in workerData. Bundled builds start out/main/sync-worker.js directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
