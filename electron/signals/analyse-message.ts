import { compileCueSet, PHRASE_CATEGORIES, type CompiledCueSet, type PhraseCategory } from './compile-cues';
import { LANGUAGE_CUE_SETS, UNIVERSAL_CUE_SET } from './cues/index';
import { tokenize, type PhraseHit, type Token } from './phrase-index';

export type CueHit = PhraseHit;

/** What every detector reads: the message with its language and the cue phrases found in it. */
export interface MessageAnalysis {
  /** Normalised text (see normalizeText). */
  text: string;
  /** Lower-cased `text` of the same length, with benign phrases ("no worries") blanked out. */
  matchable: string;
  tokens: Token[];
  /** Word tokens only. */
  words: Token[];
  /** Language tag, or null when no known language's words or cues appear. */
  language: string | null;
  cues: CompiledCueSet | null;
  hits: Record<PhraseCategory, CueHit[]>;
}

const COMPILED_LANGUAGES: readonly CompiledCueSet[] = LANGUAGE_CUE_SETS.map(compileCueSet);
const COMPILED_UNIVERSAL: CompiledCueSet = compileCueSet(UNIVERSAL_CUE_SET);

/** Lower-cases without changing the length, so offsets found in the result hold in the original. */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const ch of text) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

function signalCount(set: CompiledCueSet, words: readonly Token[], others: readonly Token[]): number {
  let count = 0;
  for (const category of ['positive', 'negative', 'sarcasm', 'correction', 'requery', 'acknowledgement'] as const) {
    count += set.phrases[category].matchAll(words, others).length;
  }
  return count;
}

/**
 * Most stopwords wins; a message without any (e.g. "thx!") goes to the language whose cues it hits;
 * failing both, to the language of the conversation (`fallbackWords`), so "android" or "calories?"
 * in an English chat reads as English.
 */
export function detectLanguage(words: readonly Token[], others: readonly Token[], fallbackWords: readonly Token[] = []): CompiledCueSet | null {
  const byStopwords = (ws: readonly Token[]): CompiledCueSet | null => {
    let best: CompiledCueSet | null = null;
    let bestScore = 0;
    for (const set of COMPILED_LANGUAGES) {
      let score = 0;
      for (const w of ws) if (set.stopwords.has(w.key)) score += 1;
      if (score > bestScore) {
        best = set;
        bestScore = score;
      }
    }
    return best;
  };
  const own = byStopwords(words);
  if (own) return own;
  let best: CompiledCueSet | null = null;
  let bestScore = 0;
  for (const set of COMPILED_LANGUAGES) {
    const score = signalCount(set, words, others);
    if (score > bestScore) {
      best = set;
      bestScore = score;
    }
  }
  if (best) return best;
  // Only plain words borrow the conversation's language; a message in another script stays unknown.
  const latinOnly = words.length > 0 && words.every((w) => /^[\p{Script=Latin}\p{N}]+$/u.test(w.key));
  return latinOnly ? byStopwords(fallbackWords) : null;
}

function emptyHits(): Record<PhraseCategory, CueHit[]> {
  const hits = {} as Record<PhraseCategory, CueHit[]>;
  for (const category of PHRASE_CATEGORIES) hits[category] = [];
  return hits;
}

function inside(hit: CueHit, span: CueHit): boolean {
  return hit.index >= span.index && hit.end <= span.end;
}

/**
 * Quoted text is mentioned, not said: "'I am boring' vs 'I am bored'", "how about 'thank you for the food'",
 * or the reply's own words quoted back. Spans open after a space or punctuation, so "don't" opens nothing.
 */
const QUOTED = /(?<![\p{L}\p{N}])(['"])(?=\S)([^'"\n]{1,160}?)(?<=\S)\1(?![\p{L}\p{N}])/gu;

export function quotedSpans(text: string): Array<[number, number]> {
  if (!text.includes("'") && !text.includes('"')) return [];
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(QUOTED)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/** Analyses one (normalised, clipped) message; `conversation` is text whose language is the fallback. */
export function analyseMessage(text: string, conversation = ''): MessageAnalysis {
  const tokens = tokenize(text);
  const words = tokens.filter((t) => t.kind === 'word');
  const others = tokens.filter((t) => t.kind !== 'word');
  const fallback = conversation ? tokenize(conversation, 300).filter((t) => t.kind === 'word') : [];
  const cues = detectLanguage(words, others, fallback);
  const sets = cues ? [cues, COMPILED_UNIVERSAL] : [COMPILED_UNIVERSAL];
  const hits = emptyHits();
  for (const set of sets) set.allPhrases.matchAll(words, others, hits);
  if (sets.length > 1) for (const category of PHRASE_CATEGORIES) hits[category].sort((a, b) => a.index - b.index);
  // A cue inside a benign phrase ("no worries", "thanks in advance") does not count.
  const benign = hits.benign;
  if (benign.length > 0) {
    for (const category of PHRASE_CATEGORIES) {
      if (category !== 'benign') hits[category] = hits[category].filter((h) => !benign.some((b) => inside(h, b)));
    }
  }
  const quoted = quotedSpans(text);
  if (quoted.length > 0) {
    for (const category of PHRASE_CATEGORIES) {
      if (category === 'benign' || category === 'followUp') continue;
      hits[category] = hits[category].filter((h) => !quoted.some(([from, to]) => h.index > from && h.end < to));
    }
  }
  // "also", "now", "next" only move the conversation on at the start of a sentence or clause.
  hits.followUp = hits.followUp.filter((h) => /(?:^|[.!?\n,;:])\s*$/u.test(text.slice(Math.max(0, h.index - 40), h.index)));
  let matchable = lowerSameLength(text);
  for (const b of benign) {
    const kept = PHRASE_CATEGORIES.some((c) => c !== 'benign' && hits[c].some((h) => inside(b, h) && (h.end - h.index) > (b.end - b.index)));
    if (!kept) matchable = matchable.slice(0, b.index) + ' '.repeat(b.end - b.index) + matchable.slice(b.end);
  }
  return {
    text,
    matchable,
    tokens,
    words,
    language: cues?.source.language ?? null,
    cues,
    hits,
  };
}
