import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inThreadTokenizer } from '../../../box/samples/sample-tokenizer';
import { loadModelTokenizer } from '../../../box/tokenizer/load-model-folder';
import { ThreadedTokenizer, TokenizerCallError } from '../../../box/tokenizer/threaded-tokenizer';
import { makeQwen3ModelFolder } from './qwen3-model-folder';

describe('ThreadedTokenizer (the tokenizer in a worker thread)', () => {
  let folder: ReturnType<typeof makeQwen3ModelFolder>;
  let threaded: ThreadedTokenizer;
  let local: ReturnType<typeof inThreadTokenizer>;
  beforeAll(async () => {
    folder = makeQwen3ModelFolder();
    threaded = await ThreadedTokenizer.load(folder.dir);
    local = inThreadTokenizer(loadModelTokenizer(folder.dir));
  }, 60_000);
  afterAll(async () => {
    await threaded.close();
    folder.remove();
  });

  it('answers every call exactly as the tokenizer in this thread does, calls in flight together', async () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi 你好 👍🏽 — what is 2+2?' },
    ];
    const kwargs = { enable_thinking: false };
    const [prompt, response, decoded] = await Promise.all([
      threaded.promptIds(messages, kwargs),
      threaded.responseIdsFromText(messages, 'It is 4. 😀', kwargs),
      threaded.decode(local.promptIds(messages, kwargs) as number[], { skipSpecialTokens: false }),
    ]);
    expect(prompt).toEqual(local.promptIds(messages, kwargs));
    expect(response).toEqual(local.responseIdsFromText(messages, 'It is 4. 😀', kwargs));
    expect(decoded).toBe(local.decode(prompt, { skipSpecialTokens: false }));
    expect([...threaded.stopTokenIds]).toEqual([...local.stopTokenIds]);
    expect(threaded.endOfTurnId).toBe(local.endOfTurnId);

    const served = [
      { token: 'It', bytes: [73, 116], logprob: -0.1 },
      { token: ' is', bytes: [32, 105, 115], logprob: -0.2 },
      { token: '<|im_end|>', bytes: null, logprob: -0.01 },
    ];
    expect(await threaded.mapSampled(served, 'stop')).toEqual(local.mapSampled(served, 'stop'));
  });

  it('says why a folder cannot be loaded, and a call that fails in the worker rejects with its error', async () => {
    await expect(ThreadedTokenizer.load('/no/such/model/folder')).rejects.toThrow(/model folder \/no\/such\/model\/folder/);
    // Content that is not text makes the chat template itself fail (in the worker).
    const broken = [{ role: 'user', content: 5 as unknown as string }];
    await expect(threaded.promptIds(broken, {})).rejects.toBeInstanceOf(TokenizerCallError);
    // The worker is still there for the next call.
    const ids = (await threaded.promptIds([{ role: 'user', content: 'hi' }], {})) as number[];
    expect(await threaded.decode(ids, { skipSpecialTokens: true })).toContain('hi');
  });
});
