import type { CueSet } from './cues/cue-set';
import { PhraseIndex, TaggedPhraseIndex } from './phrase-index';

/** Cue categories matched as phrases. */
export const PHRASE_CATEGORIES = [
  'positive',
  'negative',
  'sarcasm',
  'correction',
  'requery',
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
  correctionOpener: PhraseIndex;
  positiveOpener: PhraseIndex;
  questionOpener: PhraseIndex;
  requeryOpener: PhraseIndex;
  bareReask: PhraseIndex;
  fillers: ReadonlySet<string>;
  valueQuestion: PhraseIndex;
  firstPerson: ReadonlySet<string>;
  /** Matches text that ends in a hypothetical ("… would be "), to test what precedes a praise word. */
  hypothetical: RegExp | null;
  sarcasmTail: PhraseIndex;
  deadpanOpener: PhraseIndex;
  describingComplaints: ReadonlySet<string>;
  choiceTail: PhraseIndex;
  newItem: PhraseIndex;
  inversion: PhraseIndex;
  /** First words of the inversion pairs ("is", "does", "can"): a clause opened by one asks. */
  questionAux: ReadonlySet<string>;
  secondPerson: ReadonlySet<string>;
  politeness: PhraseIndex;
  leadIn: PhraseIndex;
  directives: CompiledDirective[];
}

function escapeRegExp(text: string): string {
  return text.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex for "text ends in a hypothetical": "… would be ", "… that'd be really ". */
function compileHypothetical(phrases: readonly string[]): RegExp | null {
  if (phrases.length === 0) return null;
  // A phrase that starts with a letter must start a word; "'d be" follows one.
  const alternatives = phrases.map((p) => (/^\p{L}/u.test(p) ? `(?<![\\p{L}'])${escapeRegExp(p)}` : escapeRegExp(p)));
  return new RegExp(`(?:${alternatives.join('|')})\\s+(?:(?:really|also|very|so|sehr|auch|muy|très|vraiment)\\s+)?$`, 'u');
}

export function compileCueSet(set: CueSet): CompiledCueSet {
  const phrases = {} as Record<PhraseCategory, PhraseIndex>;
  for (const category of PHRASE_CATEGORIES) phrases[category] = new PhraseIndex(set[category]);
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
      contrast: set.contrast,
      followUp: set.followUp,
      acknowledgement: set.acknowledgement,
      benign: set.benign,
    }),
    correctionOpener: new PhraseIndex(set.correctionOpeners),
    positiveOpener: new PhraseIndex(set.positiveOpeners),
    questionOpener: new PhraseIndex(set.questionOpeners),
    requeryOpener: new PhraseIndex(set.requeryOpeners),
    bareReask: new PhraseIndex(set.bareReasks ?? []),
    hypothetical: compileHypothetical(set.hypotheticals ?? []),
    firstPerson: new Set((set.firstPerson ?? []).map((w) => w.toLowerCase().replace(/['’]/g, ''))),
    valueQuestion: new PhraseIndex(set.valueQuestions ?? []),
    fillers: new Set((set.fillers ?? []).map((w) => w.toLowerCase().replace(/['’]/g, ''))),
    sarcasmTail: new PhraseIndex(set.sarcasmTails ?? []),
    deadpanOpener: new PhraseIndex(set.deadpanOpeners ?? []),
    describingComplaints: new Set((set.describingComplaints ?? []).map((w) => w.toLowerCase())),
    choiceTail: new PhraseIndex(set.choiceTails ?? []),
    newItem: new PhraseIndex(set.newItemWords ?? []),
    inversion: new PhraseIndex(set.inversions ?? []),
    secondPerson: new Set((set.secondPerson ?? []).map((w) => w.toLowerCase().replace(/['’]/g, ''))),
    questionAux: new Set((set.inversions ?? []).filter((p) => p.includes(' ')).map((p) => p.split(' ')[0]!.toLowerCase().replace(/['’]/g, ''))),
    politeness: new PhraseIndex(set.politeness),
    leadIn: new PhraseIndex(set.leadIns),
    // Directives run on lower-cased text (no 'i' flag: much cheaper); 'd' gives group offsets so
    // hints can quote the user's original casing.
    directives: set.directives.map((d) => ({
      name: d.name,
      weak: d.weak === true,
      statement: d.statement === true,
      requires: d.requires.map((r) => r.toLowerCase()),
      regex: new RegExp(d.pattern, 'du'),
      hint: d.hint,
    })),
  };
}
