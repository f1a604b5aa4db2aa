/**
 * Phrase matching by tokens instead of one giant regex: a message is split into words once, and each
 * word looks up the phrases that start with it. Linear in the message, no warm-up compile, and
 * punctuation between words is ignored ("great, another" matches "great another").
 */

export interface Token {
  /** Lower-cased; words lose their apostrophes ("don't" → "dont"), emoji lose skin tones and VS16. */
  key: string;
  index: number;
  end: number;
  kind: 'word' | 'emoji' | 'symbol';
}

// ASCII emoticons (":D", ";-)", ":(") come first and count as emoji, so ":D" never reads as the word "d".
const TOKEN =
  /((?<![\p{L}\p{N}:])[:;=][-']?[)(DPpOo3|\][/\\*]{1,3}(?![\p{L}\p{N}]))|([\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*)|(\p{Extended_Pictographic}(?:[\u{1F3FB}-\u{1F3FF}\uFE0F]|\u200D\p{Extended_Pictographic})*)|([^\s\p{L}\p{N}\p{M}\p{Extended_Pictographic}]+)/gu;

export function tokenize(text: string, limit = 2_000): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const index = m.index;
    const end = index + m[0].length;
    if (m[1] !== undefined) tokens.push({ key: m[1].toLowerCase().replace('-', ''), index, end, kind: 'emoji' });
    else if (m[2] !== undefined) tokens.push({ key: m[2].toLowerCase().replace(/['’]/g, ''), index, end, kind: 'word' });
    else if (m[3] !== undefined) tokens.push({ key: m[3].replace(/[\u{1F3FB}-\u{1F3FF}\uFE0F]/gu, ''), index, end, kind: 'emoji' });
    else tokens.push({ key: m[0], index, end, kind: 'symbol' });
    if (tokens.length >= limit) break;
  }
  return tokens;
}

export interface PhraseHit {
  phrase: string;
  index: number;
  end: number;
  /** Position of the first matched token in the word stream (-1 for emoji and symbols). */
  wordIndex: number;
  /** How many words the phrase spans. */
  words: number;
}

interface Entry {
  phrase: string;
  keys: string[];
}

/** A set of phrases looked up by their first word; symbol and emoji phrases match single tokens. */
export class PhraseIndex {
  private readonly byFirstWord = new Map<string, Entry[]>();
  private readonly symbols: Entry[] = [];

  constructor(phrases: readonly string[]) {
    for (const phrase of new Set(phrases.map((p) => p.trim()).filter(Boolean))) {
      const tokens = tokenize(phrase);
      const words = tokens.filter((t) => t.kind === 'word').map((t) => t.key);
      if (words.length > 0) {
        const list = this.byFirstWord.get(words[0] as string) ?? [];
        list.push({ phrase, keys: words });
        this.byFirstWord.set(words[0] as string, list);
      } else if (tokens.length > 0) {
        this.symbols.push({ phrase, keys: tokens.map((t) => t.key) });
      }
    }
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.keys.length - a.keys.length);
  }

  /** The longest phrase starting at words[i], if any. */
  matchAt(words: readonly Token[], i: number): PhraseHit | null {
    const first = words[i];
    if (!first) return null;
    const candidates = this.byFirstWord.get(first.key);
    if (!candidates) return null;
    for (const entry of candidates) {
      let ok = true;
      for (let k = 1; k < entry.keys.length; k += 1) {
        if (words[i + k]?.key !== entry.keys[k]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        const last = words[i + entry.keys.length - 1] as Token;
        return { phrase: entry.phrase, index: first.index, end: last.end, wordIndex: i, words: entry.keys.length };
      }
    }
    return null;
  }

  /** All non-overlapping matches, left to right (longest first at each position). */
  matchAll(words: readonly Token[], others: readonly Token[]): PhraseHit[] {
    const hits: PhraseHit[] = [];
    if (this.byFirstWord.size > 0) {
      for (let i = 0; i < words.length; ) {
        const hit = this.matchAt(words, i);
        if (hit) {
          hits.push(hit);
          i += hit.words;
        } else {
          i += 1;
        }
      }
    }
    if (this.symbols.length > 0) {
      for (const token of others) {
        const entry = this.symbols.find((e) => e.keys.length === 1 && (token.kind === 'emoji' ? token.key === e.keys[0] : token.key.includes(e.keys[0] as string)));
        if (entry) hits.push({ phrase: entry.phrase, index: token.index, end: token.end, wordIndex: -1, words: 0 });
      }
      hits.sort((a, b) => a.index - b.index);
    }
    return hits;
  }
}

/**
 * Several named phrase lists in one index, so a message is walked once for all of them. Within each
 * list the result is the same as that list's own PhraseIndex.matchAll.
 */
export class TaggedPhraseIndex<Tag extends string> {
  private readonly byFirstWord = new Map<string, Array<Entry & { tag: Tag }>>();
  /** Emoji phrases by their key; other symbol phrases (":)", "??") are few and matched inside symbol runs. */
  private readonly emoji = new Map<string, Array<Entry & { tag: Tag }>>();
  private readonly symbols: Array<Entry & { tag: Tag }> = [];

  constructor(lists: Record<Tag, readonly string[]>) {
    for (const tag of Object.keys(lists) as Tag[]) {
      for (const phrase of new Set(lists[tag].map((p) => p.trim()).filter(Boolean))) {
        const tokens = tokenize(phrase);
        const words = tokens.filter((t) => t.kind === 'word').map((t) => t.key);
        if (words.length > 0) {
          const list = this.byFirstWord.get(words[0] as string) ?? [];
          list.push({ phrase, keys: words, tag });
          this.byFirstWord.set(words[0] as string, list);
        } else if (tokens.length === 1) {
          const token = tokens[0] as Token;
          const entry = { phrase, keys: [token.key], tag };
          if (token.kind === 'emoji') this.emoji.set(token.key, [...(this.emoji.get(token.key) ?? []), entry]);
          else this.symbols.push(entry);
        }
      }
    }
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.keys.length - a.keys.length);
  }

  matchAll(words: readonly Token[], others: readonly Token[], into: Record<Tag, PhraseHit[]>): void {
    const nextFree = new Map<Tag, number>();
    for (let i = 0; i < words.length; i += 1) {
      const candidates = this.byFirstWord.get((words[i] as Token).key);
      if (!candidates) continue;
      const done = new Set<Tag>();
      for (const entry of candidates) {
        if (done.has(entry.tag) || (nextFree.get(entry.tag) ?? 0) > i) continue;
        let ok = true;
        for (let k = 1; k < entry.keys.length; k += 1) {
          if (words[i + k]?.key !== entry.keys[k]) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        const first = words[i] as Token;
        const last = words[i + entry.keys.length - 1] as Token;
        into[entry.tag].push({ phrase: entry.phrase, index: first.index, end: last.end, wordIndex: i, words: entry.keys.length });
        done.add(entry.tag);
        nextFree.set(entry.tag, i + entry.keys.length);
      }
    }
    for (const token of others) {
      const entries = token.kind === 'emoji' ? this.emoji.get(token.key) : token.kind === 'symbol' ? this.symbols : undefined;
      if (!entries) continue;
      let matchedTags: Tag[] | null = null;
      for (const entry of entries) {
        if (matchedTags?.includes(entry.tag)) continue;
        if (token.kind === 'symbol' && !token.key.includes(entry.keys[0] as string)) continue;
        into[entry.tag].push({ phrase: entry.phrase, index: token.index, end: token.end, wordIndex: -1, words: 0 });
        (matchedTags ??= []).push(entry.tag);
      }
    }
  }
}
