import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SampledTokenMapping } from '../samples/map-sampled-tokens';
import type { SampleTokenizer } from '../samples/sample-tokenizer';
import type { ServedToken } from '../samples/served-turn';
import type { TemplateKwargs, TemplateMessage } from './model-tokenizer';
import type { TokenizerReply, TokenizerRequest } from './tokenizer-worker';

/** A tokenizer call that failed inside the worker (the message is the tokenizer's own). */
export class TokenizerCallError extends Error {
  override name = 'TokenizerCallError';
}

type Call = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The policy's tokenizer in a worker thread (tokenizer-worker.ts): loading it (a ~10 MB tokenizer.json)
 * and every template render and tokenization happen there, so neither holds up the gateway's event
 * loop; calls queue and run one at a time. `load` resolves once the tokenizer is ready, or rejects with
 * why the folder could not be loaded.
 */
export class ThreadedTokenizer implements SampleTokenizer {
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private exited: string | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly stopTokenIds: ReadonlySet<number>,
    readonly endOfTurnId: number | null,
  ) {
    worker.on('message', (reply: TokenizerReply) => {
      if (reply.type !== 'result' && reply.type !== 'failed') return;
      const call = this.calls.get(reply.id);
      this.calls.delete(reply.id);
      if (reply.type === 'result') call?.resolve(reply.value);
      else call?.reject(new TokenizerCallError(reply.error));
    });
    worker.on('exit', (code) => {
      this.exited = `the tokenizer worker stopped (exit code ${code})`;
      for (const call of this.calls.values()) call.reject(new Error(this.exited));
      this.calls.clear();
    });
    // Idle, it must not keep the process alive; busy, its pending calls do.
    worker.unref();
  }

  static load(modelDir: string): Promise<ThreadedTokenizer> {
    const here = dirname(fileURLToPath(import.meta.url));
    const worker = new Worker(join(here, '..', 'gateway', 'typescript-worker-bootstrap.mjs'), {
      workerData: { entry: pathToFileURL(join(here, 'tokenizer-worker.ts')).href, modelDir },
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the tokenizer worker stopped while loading (exit code ${code})`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.once('message', (reply: TokenizerReply) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        if (reply.type === 'loaded') resolve(new ThreadedTokenizer(worker, new Set(reply.stopTokenIds), reply.endOfTurnId));
        else {
          void worker.terminate();
          reject(new Error(reply.type === 'load-failed' ? reply.error : 'the tokenizer worker answered before loading'));
        }
      });
    });
  }

  promptIds(messages: readonly TemplateMessage[], templateKwargs: TemplateKwargs): Promise<number[]> {
    return this.call({ op: 'promptIds', args: [plainMessages(messages), templateKwargs] }) as Promise<number[]>;
  }

  responseIdsFromText(messages: readonly TemplateMessage[], response: string, templateKwargs: TemplateKwargs): Promise<number[]> {
    return this.call({ op: 'responseIdsFromText', args: [plainMessages(messages), response, templateKwargs] }) as Promise<number[]>;
  }

  decode(ids: readonly number[], opts: { skipSpecialTokens: boolean }): Promise<string> {
    return this.call({ op: 'decode', args: [[...ids], opts] }) as Promise<string>;
  }

  mapSampled(tokens: readonly ServedToken[], finishReason: string | null): Promise<SampledTokenMapping> {
    return this.call({ op: 'mapSampled', args: [tokens, finishReason] }) as Promise<SampledTokenMapping>;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private call(request: DistributiveOmit<TokenizerRequest, 'id'>): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      // A pending call keeps the process alive until it answers.
      if (this.calls.size === 1) this.worker.ref();
      this.worker.postMessage({ id, ...request } as TokenizerRequest);
    }).finally(() => {
      if (this.calls.size === 0) this.worker.unref();
    });
  }
}

/** Only role and content cross to the worker (a message object may carry more). */
function plainMessages(messages: readonly TemplateMessage[]): TemplateMessage[] {
  return messages.map((m) => ({ role: m.role, content: m.content }));
}
