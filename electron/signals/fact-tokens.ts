import { FACT_WORDS } from './cues/fact-words';
import type { Token } from './phrase-index';

/** A concrete value in a text: a number (with its unit, if any) or a word of a known kind. */
export interface Fact {
  kind: string;
  /** Normalised value: "1.5", "wednesday". */
  value: string;
  /** For numbers, the parsed value. */
  number?: number;
  unit?: string;
}

const KIND_OF_WORD: ReadonlyMap<string, string> = new Map(
  Object.entries(FACT_WORDS).flatMap(([kind, words]) => words.map((w) => [w, kind] as [string, string])),
);

const NUMBER = /(?<![\p{L}\d.,])(\d+(?:[.,]\d+)?)\s?([\p{L}%°$€£]{1,4})?(?![\p{L}])/gu;
const MAX_FACTS = 40;

/** Numbers (e.g. "1,5", "150g", "3pm") and known-kind words of a text, at most MAX_FACTS. */
export function factsOf(text: string, words: readonly Token[]): Fact[] {
  const facts: Fact[] = [];
  for (const m of text.slice(0, 4_000).matchAll(NUMBER)) {
    const value = (m[1] as string).replace(',', '.');
    const unit = m[2]?.toLowerCase();
    facts.push({ kind: 'number', value, number: Number(value), ...(unit ? { unit } : {}) });
    if (facts.length >= MAX_FACTS) return facts;
  }
  for (const w of words) {
    const kind = KIND_OF_WORD.get(w.key);
    // "am"/"mar"/"sun" are also plain words: as day parts and months they only count beside a number.
    if (!kind) continue;
    if (w.key.length <= 3 && !/\d\s*$/.test(text.slice(Math.max(0, w.index - 3), w.index)) && kind !== 'platform') continue;
    facts.push({ kind, value: w.key });
    if (facts.length >= MAX_FACTS) break;
  }
  return facts;
}

/** Two numbers that could be answers to the same question: both years, or within a factor of 4, unit-compatible. */
export function comparableNumbers(a: Fact, b: Fact): boolean {
  if (a.number === undefined || b.number === undefined) return false;
  if (a.unit && b.unit && a.unit !== b.unit) return false;
  const year = (n: number): boolean => Number.isInteger(n) && n >= 1000 && n <= 2200;
  if (year(a.number) || year(b.number)) return year(a.number) && year(b.number);
  if (a.number === 0 || b.number === 0) return false;
  const ratio = a.number / b.number;
  return ratio >= 0.25 && ratio <= 4;
}

export function hasFact(facts: readonly Fact[], fact: Fact): boolean {
  return facts.some((f) => f.kind === fact.kind && (f.value === fact.value || (f.number !== undefined && f.number === fact.number)));
}
