import type { CueSet } from './cues/cue-set';
import { PhraseIndex, TaggedPhraseIndex } from './phrase-index';

/** Cue categories matched as phrases. */
export const PHRASE_CATEGORIES = [
  'positive',
  'negative',
  'sarcasm',
  'correction',
  'requery',
  'confusion',
  'contrast',
  'followUp',
  'acknowledgement',
  'benign',
] as const;
export type PhraseCategory = (typeof PHRASE_CATEGORIES)[number];

export interface CompiledDirective {
  name: string;
  weak: boolean;
  statement: boolean;
  verdict: boolean;
  /** Lower-case substrings of which at least one must occur before the regex is worth running. */
  requires: readonly string[];
  regex: RegExp;
  hint: string;
}

/** A CueSet turned into phrase indexes and regular expressions once, at module load. */
export interface CompiledCueSet {
  source: CueSet;
  stopwords: ReadonlySet<string>;
  phrases: Record<PhraseCategory, PhraseIndex>;
  /** All categories in one index: one walk over the message finds every category's hits. */
  allPhrases: TaggedPhraseIndex<PhraseCategory>;
  questionOpener: PhraseIndex;
  firstPerson: ReadonlySet<string>;
  /** Matches text that ends in a hypothetical ("… would be "), to test what precedes a praise word. */
  hypothetical: RegExp | null;
  /** Matches text that ends in a statement about the user ("… i'm doing "), likewise. */
  selfState: RegExp | null;
  politeness: PhraseIndex;
  leadIn: PhraseIndex;
  directives: CompiledDirective[];
}

function escapeRegExp(text: string): string {
  return text.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex for "text ends in one of these phrases" (a hypothetical "… would be ", a self-state "… i'm doing "). */
function compileHypothetical(phrases: readonly string[]): RegExp | null {
  if (phrases.length === 0) return null;
  // A phrase that starts with a letter must start a word; "'d be" follows one.
  const alternatives = phrases.map((p) => (/^\p{L}/u.test(p) ? `(?<![\\p{L}'])${escapeRegExp(p)}` : escapeRegExp(p)));
  return new RegExp(`(?:${alternatives.join('|')})\\s+(?:(?:really|also|very|so|sehr|auch|muy|très|vraiment)\\s+)?$`, 'u');
}

export function compileCueSet(set: CueSet): CompiledCueSet {
  const phrases = {} as Record<PhraseCategory, PhraseIndex>;
  for (const category of PHRASE_CATEGORIES) phrases[category] = new PhraseIndex(set[category] ?? []);
  return {
    source: set,
    // Stopwords are compared with apostrophes removed, like tokens.
    stopwords: new Set(set.stopwords.map((w) => w.toLowerCase().replace(/['’]/g, ''))),
    phrases,
    allPhrases: new TaggedPhraseIndex<PhraseCategory>({
      positive: set.positive,
      negative: set.negative,
      sarcasm: set.sarcasm,
      correction: set.correction,
      requery: set.requery,
      confusion: set.confusion ?? [],
      contrast: set.contrast,
      followUp: set.followUp,
      acknowledgement: set.acknowledgement,
      benign: set.benign,
    }),
    questionOpener: new PhraseIndex(set.questionOpeners),
    hypothetical: compileHypothetical(set.hypotheticals ?? []),
    selfState: compileHypothetical(set.selfStates ?? []),
    firstPerson: new Set((set.firstPerson ?? []).map((w) => w.toLowerCase().replace(/['’]/g, ''))),
    politeness: new PhraseIndex(set.politeness),
    leadIn: new PhraseIndex(set.leadIns),
    // Directives run on lower-cased text (no 'i' flag: much cheaper); 'd' gives group offsets so
    // hints can quote the user's original casing.
    directives: set.directives.map((d) => ({
      name: d.name,
      weak: d.weak === true,
      statement: d.statement === true,
      verdict: d.verdict === true,
      requires: d.requires.map((r) => r.toLowerCase()),
      regex: new RegExp(d.pattern, 'du'),
      hint: d.hint,
    })),
  };
}
