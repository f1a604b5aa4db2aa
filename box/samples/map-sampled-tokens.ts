import type { ModelTokenizer } from '../tokenizer/model-tokenizer';
import type { ServedToken } from './served-turn';

export type SampledTokenMapping =
  | {
      ok: true;
      ids: number[];
      logprobs: number[];
      /** The turn stopped naturally but SGLang reported no end token: the caller appends it. */
      missingEndOfTurn: boolean;
    }
  | { ok: false; reason: string };

const REPLACEMENT_CHAR = '\uFFFD';

function utf8(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Recovers the ids SGLang sampled from chat-completion logprobs ({token, bytes, logprob}) through
 * the byte-level vocab. Only exact, unambiguous mappings count: a token that is part of a
 * multi-byte character reads as U+FFFD and is usable only with its raw bytes, and a special token
 * may read like plain text; anything unclear makes the whole reply fall back to re-tokenization,
 * because one wrong id would misalign every log-prob after it.
 */
export function mapSampledTokens(
  tokens: readonly ServedToken[],
  finishReason: string | null,
  tokenizer: ModelTokenizer,
): SampledTokenMapping {
  const ids: number[] = [];
  const logprobs: number[] = [];
  const stoppedNaturally = finishReason === 'stop';
  for (let i = 0; i < tokens.length; i++) {
    const entry = tokens[i]!;
    const isLast = i === tokens.length - 1;
    if (!Number.isFinite(entry.logprob)) return { ok: false, reason: `token ${i} has no finite log-prob` };
    const bytes = entry.bytes ?? utf8(entry.token);
    // A piece of a multi-byte character reads as U+FFFD. Its bytes are trustworthy only when they are
    // the raw piece (OpenAI-style); bytes that merely re-encode the U+FFFD text (what some SGLang
    // builds send) say nothing about which token it was.
    if (entry.token.includes(REPLACEMENT_CHAR) && sameBytes(bytes, utf8(entry.token))) {
      return { ok: false, reason: `token ${i} is part of a multi-byte character and its bytes were not reported` };
    }
    const special = tokenizer.idForSpecialText(entry.token);
    const regular = tokenizer.idForBytes(bytes);
    if (special !== undefined && regular !== undefined) {
      return { ok: false, reason: `token ${i} (${JSON.stringify(entry.token)}) reads as both a special and a regular token` };
    }
    let id = special ?? regular;
    // SGLang skips special tokens when it spells them, so a natural stop's end token can arrive as "".
    if (id === undefined && bytes.length === 0 && isLast && stoppedNaturally && tokenizer.endOfTurnId !== null) {
      id = tokenizer.endOfTurnId;
    }
    if (id === undefined) return { ok: false, reason: `token ${i} (${JSON.stringify(entry.token)}) is not in the vocab` };
    ids.push(id);
    logprobs.push(entry.logprob);
  }
  const last = ids.at(-1);
  const endsWithStop = last !== undefined && tokenizer.stopTokenIds.has(last);
  return { ok: true, ids, logprobs, missingEndOfTurn: stoppedNaturally && !endsWithStop && tokenizer.endOfTurnId !== null };
}
