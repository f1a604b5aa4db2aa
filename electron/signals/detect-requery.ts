import type { MessageAnalysis } from './analyse-message';
import type { Detection } from './detection';
import { novelTerms, termOverlap } from './request-similarity';

/** Similarity to the previous request above which a message reads as the same question again. */
export const REQUERY_SIMILARITY = 0.6;
/** Between this and REQUERY_SIMILARITY a question is only a possible re-query (low confidence). */
export const REQUERY_SIMILARITY_MAYBE = 0.4;

/** A symbol re-ask cue counts in a message of at most this many words. */
const SHORT_POINTER_WORDS = 4;

export interface RequeryContext {
  /** Content terms of the previous user request; null when there is none. */
  previousTerms: ReadonlySet<string> | null;
  assistantTerms: ReadonlySet<string>;
}

/**
 * A re-query: the user asks the same thing again. Either they say so ("I asked …", "let me rephrase")
 * or the message repeats the previous request's content words without adding much that is new.
 */
export function detectRequery(analysis: MessageAnalysis, context: RequeryContext): Detection | null {
  // "🤔" or "??" alone re-asks; before a full new question ("🤔 is there a word for …") it is only thinking.
  const cue = analysis.hits.requery.find((h) => h.words > 0 || analysis.words.length <= SHORT_POINTER_WORDS);
  const next = analysis.terms;
  const previous = context.previousTerms;
  const similarity = previous ? termOverlap(next, previous) : 0;
  const simEvidence = `similarity:${similarity.toFixed(2)} to previous request`;
  if (cue) {
    return {
      label: 'requery',
      confidence: similarity >= REQUERY_SIMILARITY_MAYBE ? 0.85 : 0.75,
      evidence: [`cue:"${cue.phrase}"`, simEvidence],
      hint: null,
    };
  }
  if (analysis.tokens.length > 0 && analysis.tokens.every((t) => t.kind === 'symbol') && analysis.text.includes('?')) {
    return { label: 'requery', confidence: 0.6, evidence: ['only question marks'], hint: null };
  }
  // "again?", "so?", "still?": a bare nudge to answer the last question.
  const bare = analysis.cues?.bareReask.matchAt(analysis.words, 0);
  if (bare && bare.wordIndex + bare.words === analysis.words.length && /\?\s*$/.test(analysis.text)) {
    return { label: 'requery', confidence: 0.6, evidence: [`bare re-ask:"${bare.phrase}?"`], hint: null };
  }
  const opener = analysis.requeryOpener;
  if (opener && analysis.cues) {
    const asks = /\?\s*$/.test(analysis.text) || analysis.cues.questionOpener.matchAt(analysis.words, opener.words) !== null;
    if (asks) return { label: 'requery', confidence: 0.5, evidence: [`opener:"${opener.phrase}"`, simEvidence], hint: null, weak: true };
  }
  if (!previous || !analysis.cues) return null;
  // "calories?" after an answer about potassium: one word of the request, asked again.
  if (next.size === 1 && /\?\s*$/.test(analysis.text) && similarity > 0 && analysis.words.length <= 3) {
    return { label: 'requery', confidence: 0.55, evidence: [simEvidence, 'one-word question from the request'], hint: null };
  }
  if (next.size < 2) return null;
  const movesOn = analysis.hits.followUp.length > 0;
  const novel = novelTerms(next, previous, context.assistantTerms);
  // Every shared word already in the reply, plus something new: the user builds on the answer ("do big cats purr too?").
  let sharedInReply = true;
  for (const term of next) if (previous.has(term) && !context.assistantTerms.has(term)) sharedInReply = false;
  const buildsOn = sharedInReply && novel >= 1;
  if (similarity >= REQUERY_SIMILARITY && (!movesOn || similarity >= 0.8) && novel <= 2 && !buildsOn) {
    return {
      label: 'requery',
      confidence: Math.min(0.85, 0.4 + similarity * 0.5),
      evidence: [simEvidence, `new terms:${novel}`],
      hint: null,
    };
  }
  const asks = /\?\s*$/.test(analysis.text) || analysis.text.split(/\s+/).length <= 12;
  if (similarity >= REQUERY_SIMILARITY_MAYBE && asks && !movesOn && novel <= 1 && !buildsOn) {
    return { label: 'requery', confidence: 0.45, evidence: [simEvidence, `new terms:${novel}`], hint: null, weak: true };
  }
  return null;
}
