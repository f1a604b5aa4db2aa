import { firstServedModel, type ListModelsRequest } from './list-models';

/** How long a server's first model is trusted without asking again. */
const REMEMBER_MS = 5 * 60_000;

/**
 * The model to ask for when Settings leave it empty (the first one the server lists), remembered per
 * endpoint and key: without it every reply, title and judge call first waited for GET /models, one
 * more round trip before the first token (tens of ms to a box over a tunnel). Forgotten after
 * REMEMBER_MS, and at once when a request that used it fails (the server may serve another model now).
 * Calls that arrive while the list is being fetched share that fetch.
 */
export class ServedModels {
  private readonly known = new Map<string, { model: string; at: number }>();
  private readonly asking = new Map<string, SharedAsk>();

  constructor(
    private readonly rememberMs = REMEMBER_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async modelFor(request: ListModelsRequest): Promise<string> {
    const key = keyOf(request);
    const known = this.known.get(key);
    if (known && this.now() - known.at < this.rememberMs) return known.model;
    let ask = this.asking.get(key);
    if (!ask) {
      // Shared, so not tied to one caller's signal: a stopped reply must not fail a title waiting on
      // the same answer. It is abandoned only when every caller waiting on it has given up.
      const controller = new AbortController();
      const shared: SharedAsk = {
        promise: firstServedModel({ ...request, signal: controller.signal }).finally(() => leave()),
        waiting: 0,
        // Out of the map at once, so a caller arriving after everyone gave up starts a fresh request.
        abandon: (reason) => {
          leave();
          controller.abort(reason);
        },
      };
      const leave = () => {
        if (this.asking.get(key) === shared) this.asking.delete(key);
      };
      ask = shared;
      this.asking.set(key, ask);
    }
    const model = await waitFor(ask, request.signal);
    this.known.set(key, { model, at: this.now() });
    return model;
  }

  /** A request to this endpoint with a remembered model failed: ask the server again next time. */
  forget(endpoint: string): void {
    for (const key of [...this.known.keys()]) if (key.startsWith(`${endpoint}\n`)) this.known.delete(key);
  }
}

interface SharedAsk {
  promise: Promise<string>;
  waiting: number;
  abandon(reason: unknown): void;
}

/** The shared answer, or a rejection as soon as this caller's signal aborts (the last one to leave aborts the request). */
function waitFor(ask: SharedAsk, signal: AbortSignal | undefined): Promise<string> {
  ask.waiting += 1;
  return new Promise<string>((resolve, reject) => {
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      signal?.removeEventListener('abort', abort);
      ask.waiting -= 1;
    };
    const abort = () => {
      leave();
      if (ask.waiting === 0) ask.abandon(signal!.reason);
      reject(signal!.reason);
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    ask.promise.then(
      (model) => {
        leave();
        resolve(model);
      },
      (error: unknown) => {
        leave();
        reject(error);
      },
    );
  });
}

function keyOf(request: ListModelsRequest): string {
  return `${request.endpoint}\n${request.credential}\n${request.apiKey ?? ''}`;
}

