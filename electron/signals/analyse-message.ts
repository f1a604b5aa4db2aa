import { compileCueSet, PHRASE_CATEGORIES, type CompiledCueSet, type PhraseCategory } from './compile-cues';
import { LANGUAGE_CUE_SETS, UNIVERSAL_CUE_SET } from './cues/index';
import { tokenize, type PhraseHit, type Token } from './phrase-index';
import { contentTermsOfTokens } from './request-similarity';

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
  /** Stemmed content words, for comparing with the previous request. */
  terms: Set<string>;
  /** Language tag, or null when no known language's words or cues appear. */
  language: string | null;
  cues: CompiledCueSet | null;
  hits: Record<PhraseCategory, CueHit[]>;
  /** The last clause opens (after fillers) like a question: the message ends by asking something new. */
  asksAtEnd: boolean;
  /** The correction, approval or question opener the message starts with (after fillers), if any. */
  correctionOpener: CueHit | null;
  positiveOpener: CueHit | null;
  questionOpener: CueHit | null;
  requeryOpener: CueHit | null;
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
  if (set.correctionOpener.matchAt(words, 0) || set.positiveOpener.matchAt(words, 0)) count += 1;
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

/** "eso es la comunidad, … 3,3 millones": an approval opener that runs on into a stated number states a fact. */
function approvalOpener(text: string, hit: CueHit | null): CueHit | null {
  if (!hit) return null;
  const sentence = /^[^.!?\n]*/u.exec(text.slice(hit.end))?.[0] ?? '';
  return /^\s*[\p{L}]/u.test(sentence) && /\d/.test(sentence) ? null : hit;
}

/** How many filler words ("ok", "so", "lol") run from words[from]. */
function leadingFillers(words: readonly Token[], from: number, cues: CompiledCueSet): number {
  let i = from;
  while (i < words.length && cues.fillers.has((words[i] as Token).key)) i += 1;
  return i - from;
}

/**
 * "it's a leather sofa, is it ruined", "ok so how much would 200 a month become": the last clause opens
 * like a question, with or without "?". Values and facts before it are context for the new ask.
 */
function lastClauseAsks(text: string, words: readonly Token[], cues: CompiledCueSet): boolean {
  const body = text.replace(/[\s.!?…)\]"'*_\p{Extended_Pictographic}]+$/u, '');
  const boundary = Math.max(...[',', ';', '.', '!', '?', '\n', ':'].map((c) => body.lastIndexOf(c)));
  const first = words.findIndex((w) => w.index > boundary);
  if (first < 0) return false;
  const opens = first + leadingFillers(words, first, cues);
  if (cues.questionOpener.matchAt(words, opens) !== null) return true;
  if (opensWithAux(text, words, opens, cues)) return true;
  return asksMidSentence(body, words, cues);
}

/** Words that keep an aux-opened clause a statement: "does not work", "is wrong". */
const STATEMENT_AFTER_AUX: ReadonlySet<string> = new Set(['not', 'never', 'no', 'wrong', 'still', 'broken', 'nicht', 'pas', 'niet']);

/**
 * "is that a problem?", "it's a shared branch though, is force pushing going to break things": a last clause
 * opened by the language's question auxiliary (the first word of its inversion pairs) asks, when it ends in "?"
 * or runs on for a few words. Phone typists drop the "?", so length stands in for it.
 */
function opensWithAux(text: string, words: readonly Token[], at: number, cues: CompiledCueSet): boolean {
  const aux = words[at];
  const next = words[at + 1];
  if (!aux || !next || !cues.questionAux.has(aux.key) || STATEMENT_AFTER_AUX.has(next.key)) return false;
  // "can you put it in a table" is a polite instruction about the reply, not a new question.
  if (cues.secondPerson.has(next.key)) return false;
  return /\?\s*$/u.test(text) || words.length - at >= 5;
}

/** Words after which an aux + pronoun pair is a relative clause ("the one that does it"), not a question. */
const RELATIVES: ReadonlySet<string> = new Set(['that', 'which', 'who', 'what', 'how', 'where', 'when', 'if', 'whether', 'as', 'whatever']);

/**
 * "its a wool rug does that change anything": phone typists drop the comma and the "?", so an aux + pronoun
 * pair after the last sentence's first two words, with words after it, still asks.
 */
function asksMidSentence(body: string, words: readonly Token[], cues: CompiledCueSet): boolean {
  const sentenceStart = Math.max(body.lastIndexOf('.'), body.lastIndexOf('!'), body.lastIndexOf('?'), body.lastIndexOf('\n'));
  let first = words.length;
  while (first > 0 && (words[first - 1] as Token).index > sentenceStart) first -= 1;
  for (let i = first + 2; i < words.length - 2; i += 1) {
    const hit = cues.inversion.matchAt(words, i);
    if (!hit || i + hit.words >= words.length) continue;
    if (!RELATIVES.has((words[i - 1] as Token).key)) return true;
  }
  return false;
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
  const startsWithWord = tokens[0]?.kind === 'word';
  // "ok so how …", "lol no.", "🤔 is there …": the opener is read after fillers and leading emoji too.
  const lead = cues ? leadingFillers(words, 0, cues) : 0;
  const opener = (index: 'correctionOpener' | 'positiveOpener' | 'questionOpener' | 'requeryOpener'): CueHit | null => {
    if (!cues) return null;
    const hit = (startsWithWord ? cues[index].matchAt(words, 0) : null) ?? (lead > 0 || !startsWithWord ? cues[index].matchAt(words, lead) : null);
    return hit && !benign.some((b) => inside(hit, b)) ? hit : null;
  };
  return {
    text,
    matchable,
    tokens,
    words,
    terms: contentTermsOfTokens(text, tokens),
    language: cues?.source.language ?? null,
    cues,
    hits,
    asksAtEnd: cues !== null && lastClauseAsks(text, words, cues),
    correctionOpener: opener('correctionOpener'),
    positiveOpener: approvalOpener(text, opener('positiveOpener')),
    questionOpener: opener('questionOpener'),
    requeryOpener: opener('requeryOpener'),
  };
}
