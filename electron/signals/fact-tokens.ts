import { FACT_WORDS, UNIT_WORDS } from './cues/fact-words';
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

const UNIT_OF_WORD: ReadonlyMap<string, string> = new Map(
  Object.entries(UNIT_WORDS).flatMap(([unit, words]) => words.map((w) => [w, unit] as [string, string])),
);

// "300,000" and "1.500" group thousands; "3,3" and "52.50" have decimals.
const NUMBER = /(?<![\p{L}\d.,])(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*(?:(?!\2)[.,]\d+)?(?![.,]?\d)|\d+(?:[.,]\d+)?)\s?([\p{L}%°$€£]{1,4})?(?![\p{L}])/gu;
/** A longer unit word right after a number ("8 hours", "1100 euros"); "8 hours" and "30 minutes" do not compare. */
const LONG_UNIT = /^\s?(\p{L}{5,12})(?![\p{L}])/u;
const MAX_FACTS = 40;

/** Numbers (e.g. "1,5", "150g", "3pm") and known-kind words of a text, at most MAX_FACTS. */
export function factsOf(text: string, words: readonly Token[]): Fact[] {
  const facts: Fact[] = [];
  for (const m of text.slice(0, 4_000).matchAll(NUMBER)) {
    const value = m[2] !== undefined ? (m[1] as string).split(m[2]).join('').replace(',', '.') : (m[1] as string).replace(',', '.');
    const longUnit = m[3] ? undefined : LONG_UNIT.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 14))?.[1]?.toLowerCase();
    const unit = m[3]?.toLowerCase() ?? (longUnit !== undefined ? UNIT_OF_WORD.get(longUnit) : undefined);
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
  // A number with a unit ("1100 euros") is an amount, not a year.
  const year = (f: Fact): boolean => !f.unit && Number.isInteger(f.number) && (f.number as number) >= 1000 && (f.number as number) <= 2200;
  if (year(a) || year(b)) return year(a) && year(b);
  if (a.number === 0 || b.number === 0) return false;
  const ratio = a.number / b.number;
  return ratio >= 0.25 && ratio <= 4;
}

export function hasFact(facts: readonly Fact[], fact: Fact): boolean {
  return facts.some((f) => f.kind === fact.kind && (f.value === fact.value || (f.number !== undefined && f.number === fact.number)));
}
