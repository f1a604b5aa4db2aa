import type { MessageAnalysis } from './analyse-message';
import type { Detection } from './detection';
import { comparableNumbers, hasFact, type Fact } from './fact-tokens';
import { clipWords } from './normalize-text';
import { fillTemplate, finishHint } from './phrase-hint';
import type { Token } from './phrase-index';

/** What the contradiction check needs to know about the turn. */
export interface ContradictionContext {
  replyFacts: readonly Fact[];
  requestFacts: readonly Fact[];
  /** Capitalised words of the reply that are not sentence-initial: names, places, products. */
  replyNames: ReadonlySet<string>;
  /** The reply ended by asking the user something: a value in the answer is an answer, not a correction. */
  replyAsked: boolean;
}

/** A correction can be a bare fact; past this length a message is doing more than restating one. */
const MAX_WORDS = 16;

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/** Capitalised, non-sentence-initial words of a text (lower-cased): the names a reply commits to. */
export function namesOf(text: string, words: readonly Token[]): Set<string> {
  const names = new Set<string>();
  for (const w of words) {
    const first = text.charAt(w.index);
    if (w.key.length < 3 || first === first.toLowerCase() || /\d/.test(w.key)) continue;
    const before = text.slice(Math.max(0, w.index - 3), w.index);
    if (w.index === 0 || /[.!?\n:]\s*$/.test(before)) continue;
    names.add(w.key);
    if (names.size >= 200) break;
  }
  return names;
}

/** The reply's number closest to `fact` among those it could be a correction of. */
function closestComparable(fact: Fact, candidates: readonly Fact[]): Fact | undefined {
  let best: Fact | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (!comparableNumbers(c, fact)) continue;
    const distance = Math.abs(Math.log((c.number as number) / (fact.number as number)));
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

function movesOn(analysis: MessageAnalysis): boolean {
  const first = analysis.words[0]?.key;
  return first === 'and' || first === 'now' || first === 'also' || first === 'und' || first === 'y' || first === 'et' || analysis.hits.followUp.length > 0;
}

function found(analysis: MessageAnalysis, evidence: string, confidence: number, template: 'genericCorrection' | 'specification'): Detection {
  const cues = analysis.cues;
  const message = clipWords(analysis.text.replace(/"/g, "'"), 160);
  const hint = cues ? finishHint(fillTemplate(cues.source.templates[template], { message })) : null;
  return { label: 'correction', confidence, evidence: [evidence], hint, weak: true, statement: true };
}

/**
 * A correction without cue words: the user states a value that contradicts the reply. Either a value
 * from their own request that the reply dropped for another of the same kind ("6 months" when the
 * reply said 12), a new value of the same kind as the reply's ("it's 391" after "381", "1989" after
 * "1991", "it was a wednesday" after "Thursday"), or a name the reply misspelled ("Dana" after "Diana").
 * Questions, answers to the reply's own question, and messages that move on are not contradictions.
 */
export function detectContradiction(analysis: MessageAnalysis, userFacts: readonly Fact[], context: ContradictionContext): Detection | null {
  if (!analysis.cues || context.replyAsked || analysis.words.length === 0 || analysis.words.length > MAX_WORDS) return null;
  if (analysis.questionOpener || analysis.asksAtEnd || movesOn(analysis)) return null;
  for (const fact of userFacts) {
    if (hasFact(context.replyFacts, fact)) continue;
    const sameKind = context.replyFacts.filter((f) => f.kind === fact.kind);
    if (sameKind.length === 0) continue;
    if (hasFact(context.requestFacts, fact)) {
      return found(analysis, `restates "${fact.value}" from the request; the reply used another ${fact.kind}`, 0.7, 'specification');
    }
    const rival = fact.kind === 'number' ? closestComparable(fact, sameKind) : sameKind[0];
    if (rival) return found(analysis, `states "${fact.value}"; the reply said "${rival.value}"`, 0.65, 'genericCorrection');
  }
  if (analysis.words.length <= 8 && context.replyNames.size > 0) {
    for (const w of analysis.words) {
      if (w.key.length < 4 || context.replyNames.has(w.key) || analysis.cues.stopwords.has(w.key)) continue;
      for (const name of context.replyNames) {
        if (name[0] !== w.key[0] || name.startsWith(w.key) || w.key.startsWith(name)) continue;
        const limit = w.key.length >= 8 ? 2 : 1;
        if (boundedEditDistance(w.key, name, limit) <= limit) {
          return found(analysis, `spells "${w.key}"; the reply wrote "${name}"`, 0.7, 'genericCorrection');
        }
      }
    }
  }
  return null;
}
