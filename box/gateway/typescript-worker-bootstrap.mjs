// Starts a TypeScript worker entry of the box gateway from source (the box runs under tsx). Node 20
// worker threads do not pick up the parent's tsx loader, so the worker registers it itself, then
// imports the entry named in workerData.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
