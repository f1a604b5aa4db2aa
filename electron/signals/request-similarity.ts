import { LANGUAGE_CUE_SETS } from './cues/index';
import { clipForAnalysis, normalizeText, stemWord } from './normalize-text';
import { tokenize, type Token } from './phrase-index';

/** Function words of every known language, so "how do I" never counts as shared content. */
const ALL_STOPWORDS: ReadonlySet<string> = new Set(
  LANGUAGE_CUE_SETS.flatMap((set) => set.stopwords.map((w) => w.toLowerCase().replace(/['’]/g, ''))),
);

/** Stemmed content words of already tokenised, normalised text (function words removed). */
export function contentTermsOfTokens(normalized: string, tokens: readonly Token[]): Set<string> {
  const terms = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'word') continue;
    // "what's" → "what", "Python's" → "python": a possessive or contraction 's is not content.
    const word = /['’]s$/i.test(normalized.slice(token.index, token.end)) ? token.key.slice(0, -1) : token.key;
    if (ALL_STOPWORDS.has(word) || ALL_STOPWORDS.has(token.key)) continue;
    if (word.length < 2 && !/\d/.test(word)) continue;
    terms.add(stemWord(word));
  }
  return terms;
}

/** Stemmed content words of a text (function words removed). */
export function contentTerms(text: string): Set<string> {
  const normalized = normalizeText(clipForAnalysis(text));
  return contentTermsOfTokens(normalized, tokenize(normalized, 400));
}

/** Dice coefficient of two term sets: 1 for the same words, 0 for none shared. */
export function termOverlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/** Share of `request` terms that `reply` mentions. */
export function coverage(request: ReadonlySet<string>, reply: ReadonlySet<string>): number {
  if (request.size === 0) return 1;
  let hit = 0;
  for (const term of request) if (reply.has(term)) hit += 1;
  return hit / request.size;
}

/** Terms of `text` that appear in neither of the other sets: what is new in the message. */
export function novelTerms(text: ReadonlySet<string>, ...seen: ReadonlySet<string>[]): number {
  let count = 0;
  for (const term of text) if (!seen.some((s) => s.has(term))) count += 1;
  return count;
}
