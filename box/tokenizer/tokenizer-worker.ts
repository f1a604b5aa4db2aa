import { parentPort, workerData } from 'node:worker_threads';
import { inThreadTokenizer } from '../samples/sample-tokenizer';
import { loadModelTokenizer } from './load-model-folder';

/**
 * The tokenizer worker thread: loads the policy's tokenizer from its model folder once, then renders
 * chat templates and tokenizes for the sample builder, one request at a time. A 15 MB prompt takes
 * about a minute to tokenize; here that minute costs the build, not the gateway's event loop.
 */

export type TokenizerRequest =
  | { id: number; op: 'promptIds'; args: Parameters<ReturnType<typeof inThreadTokenizer>['promptIds']> }
  | { id: number; op: 'responseIdsFromText'; args: Parameters<ReturnType<typeof inThreadTokenizer>['responseIdsFromText']> }
  | { id: number; op: 'decode'; args: Parameters<ReturnType<typeof inThreadTokenizer>['decode']> }
  | { id: number; op: 'mapSampled'; args: Parameters<ReturnType<typeof inThreadTokenizer>['mapSampled']> };

export type TokenizerReply =
  | { type: 'loaded'; stopTokenIds: number[]; endOfTurnId: number | null }
  | { type: 'load-failed'; error: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: string };

const port = parentPort;
if (!port) throw new Error('tokenizer-worker must run in a worker thread');
const { modelDir } = workerData as { modelDir: string };

let tokenizer: ReturnType<typeof inThreadTokenizer>;
try {
  tokenizer = inThreadTokenizer(loadModelTokenizer(modelDir));
  port.postMessage({ type: 'loaded', stopTokenIds: [...tokenizer.stopTokenIds], endOfTurnId: tokenizer.endOfTurnId } satisfies TokenizerReply);
} catch (error) {
  port.postMessage({ type: 'load-failed', error: (error as Error).message } satisfies TokenizerReply);
  port.close();
}

port.on('message', (request: TokenizerRequest) => {
  try {
    const value = (tokenizer[request.op] as (...args: unknown[]) => unknown)(...request.args);
    port.postMessage({ type: 'result', id: request.id, value } satisfies TokenizerReply);
  } catch (error) {
    port.postMessage({ type: 'failed', id: request.id, error: (error as Error).message } satisfies TokenizerReply);
  }
});
