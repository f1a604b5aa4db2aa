import type { ModelTokenizer, TemplateKwargs, TemplateMessage } from '../tokenizer/model-tokenizer';
import { mapSampledTokens, type SampledTokenMapping } from './map-sampled-tokens';
import type { ServedToken } from './served-turn';

/**
 * What the sample builder needs of the policy's tokenizer. Every call that walks text may answer
 * later (a ThreadedTokenizer runs it in a worker thread, so tokenizing a long sample never stalls the
 * gateway's event loop); the ids that end a turn are known up front.
 */
export interface SampleTokenizer {
  readonly stopTokenIds: ReadonlySet<number>;
  readonly endOfTurnId: number | null;
  promptIds(messages: readonly TemplateMessage[], templateKwargs: TemplateKwargs): number[] | Promise<number[]>;
  responseIdsFromText(messages: readonly TemplateMessage[], response: string, templateKwargs: TemplateKwargs): number[] | Promise<number[]>;
  decode(ids: readonly number[], opts: { skipSpecialTokens: boolean }): string | Promise<string>;
  mapSampled(tokens: readonly ServedToken[], finishReason: string | null): SampledTokenMapping | Promise<SampledTokenMapping>;
}

/** A tokenizer loaded in this thread, as a SampleTokenizer (tests, tools, the tokenizer worker itself). */
export function inThreadTokenizer(tokenizer: ModelTokenizer): SampleTokenizer {
  return {
    stopTokenIds: tokenizer.stopTokenIds,
    endOfTurnId: tokenizer.endOfTurnId,
    promptIds: (messages, kwargs) => tokenizer.promptIds(messages, kwargs),
    responseIdsFromText: (messages, response, kwargs) => tokenizer.responseIdsFromText(messages, response, kwargs),
    decode: (ids, opts) => tokenizer.decode(ids, opts),
    mapSampled: (tokens, finishReason) => mapSampledTokens(tokens, finishReason, tokenizer),
  };
}
