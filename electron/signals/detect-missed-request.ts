import type { MessageAnalysis } from './analyse-message';
import type { Detection } from './detection';
import type { Fact } from './fact-tokens';
import { novelTerms } from './request-similarity';

/** What the check needs to know about the request and the reply. */
export interface MissedRequestContext {
  previousTerms: ReadonlySet<string> | null;
  assistantTerms: ReadonlySet<string>;
  /** The request asked for a value ("how long", "what year") … */
  requestAsksValue: boolean;
  /** … and these are the values the reply gave. */
  replyFacts: readonly Fact[];
  replyAsked: boolean;
}

/** A re-ask is short; a long message that shares a request word is usually a new step. */
const MAX_WORDS = 10;
/** An "and …" pointer back at the request is short. */
const AND_POINTER_WORDS = 5;

function movesOn(analysis: MessageAnalysis): boolean {
  const first = analysis.words[0]?.key;
  return first === 'and' || first === 'now' || first === 'also' || first === 'und' || first === 'y' || first === 'et' || analysis.hits.followUp.length > 0;
}

/**
 * A re-ask without a re-ask cue: the reply missed the request, and the user points back at it.
 * Two structural tells: the message repeats words of the request that the reply never used
 * ("which one is cheaper though" after a reply that never compared prices), or the request asked
 * for a value (how long, what year) that the reply never gave and the user asks again in any words
 * ("ok but how many minutes"). Messages that move on, praise, or answer the reply's question are not re-asks.
 */
export function detectMissedRequest(analysis: MessageAnalysis, context: MissedRequestContext): Detection | null {
  const previous = context.previousTerms;
  if (!previous || !analysis.cues || context.replyAsked) return null;
  if (analysis.words.length === 0 || analysis.words.length > MAX_WORDS) return null;
  const missed: string[] = [];
  for (const term of analysis.terms) if (previous.has(term) && !context.assistantTerms.has(term)) missed.push(term);
  // "and killing one", "und der Salat?": a short "and …" that names only what the request asked and the reply
  // left out points back at the gap; an "and …" with anything new moves on.
  const pointsBack = analysis.words.length <= AND_POINTER_WORDS && missed.length > 0 && missed.length === analysis.terms.size;
  if (movesOn(analysis) && !pointsBack) return null;
  // Asked: the message ends as a question, or is one sentence opened like one ("which one is cheaper though").
  const oneSentence = !/[.!?]\s+\S/.test(analysis.text);
  const asks = /\?\s*$/.test(analysis.text) || (oneSentence && (analysis.questionOpener !== null || analysis.requeryOpener !== null));
  // "how do i make the dropdown pull from another sheet": two or more words that neither the request nor the
  // reply had make the question a new step that happens to reuse a request word.
  const newStep = novelTerms(analysis.terms, previous, context.assistantTerms) >= 2;
  if (missed.length > 0 && !newStep) {
    // A question pointing back, or a bare pointer of a few words ("just the year please"); a longer statement is a new step.
    if (asks || (analysis.words.length >= 2 && analysis.words.length <= 4 && oneSentence)) {
      return { label: 'requery', confidence: 0.6, evidence: [`repeats request term(s) the reply missed: ${missed.slice(0, 3).join(', ')}`], hint: null, weak: true };
    }
  }
  const gaveValue = context.replyFacts.some((f) => f.kind === 'number' || f.kind === 'weekday' || f.kind === 'month');
  // "ok but how many minutes", "calories?": asked for a value again; "is there a word for …" asks something else.
  const asksValue = analysis.cues.valueQuestion.matchAll(analysis.words, []).length > 0 || analysis.terms.size <= 1;
  if (context.requestAsksValue && !gaveValue && asks && asksValue && analysis.terms.size <= 4) {
    return { label: 'requery', confidence: 0.55, evidence: ['the request asked for a value the reply never gave; asked again'], hint: null, weak: true };
  }
  return null;
}
