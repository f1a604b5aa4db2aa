import type { CueHit, MessageAnalysis } from './analyse-message';
import { findDirective } from './detect-correction';
import { complaintHits, sarcasmMarker } from './detect-negative';
import { detectRepeatedError } from './detect-repeated-error';
import { praiseHits } from './detect-thanks';
import type { Detection } from './detection';
import { clipWords } from './normalize-text';

/**
 * The detector's rules and their raw strength. The strength only places a rule in its calibration bucket
 * (CALIBRATION_BUCKETS); the confidence a verdict reports is the precision its bucket measured on outside,
 * human-labelled data (calibration.ts). Fewer, stronger rules: anything else is neutral, and the judge decides.
 */
export const RULE_STRENGTH = {
  /** A short message that only praises or thanks ("thanks, that worked!", "perfect 👍"). */
  praise: 0.9,
  /** The user says the reply was wrong and what it should have been ("no, I meant …", "you forgot …", "too long"). */
  directive: 0.85,
  /** The user says the question was not answered or asks it again in so many words ("that's not what I asked"). */
  reask: 0.85,
  /** A complaint about the reply ("this is useless", "that doesn't work", "makes no sense"). */
  complaint: 0.85,
  /** The same error line pasted again after the reply's fix. */
  repeatedError: 0.85,
  /** An explicit sarcasm marker ("thanks for nothing", "🙄", "/s"). */
  sarcasm: 0.85,
  /** The user did not understand the reply ("what do you mean", "i don't get it", a bare "what?"): weak. */
  confusion: 0.6,
} as const;
export type RuleName = keyof typeof RULE_STRENGTH;

/**
 * Confidence buckets per polarity, by raw strength [from, next from): the calibration table measures each.
 * Strong −1 rules share a bucket, so each bucket has evidence enough to measure.
 */
export const CALIBRATION_BUCKETS = {
  '+1': [{ name: 'praise', from: 0.9 }],
  /** weak: confusion; strong: directive, re-ask, complaint, repeated error, sarcasm. */
  '-1': [
    { name: 'weak', from: 0.6 },
    { name: 'strong', from: 0.8 },
  ],
  '0': [{ name: 'abstain', from: 0 }],
} as const;

/** Neutral verdicts: no rule fired (the detector abstains), with why. */
export const NEUTRAL_STRENGTH = 0.5;

export interface RuleDetection extends Detection {
  rule: RuleName | null;
}

/** Praise counts as a verdict only in a short message that says nothing else. */
const PRAISE_MAX_WORDS = 12;

function neutral(why: string): RuleDetection {
  return { label: 'neutral', confidence: NEUTRAL_STRENGTH, evidence: [why], hint: null, rule: null };
}

/**
 * The message goes on after its praise: a question, a "now …"/"also …", or a request ("thanks! add a test").
 * A new task after a thank-you is an ordinary next request, not a verdict on the reply.
 */
function movesOnAfter(analysis: MessageAnalysis, from: number): string | null {
  const rest = analysis.text.slice(from);
  if (/\?/.test(rest)) return 'asks a question';
  if (analysis.hits.followUp.some((f) => f.index >= from)) return 'moves on';
  if (analysis.hits.contrast.some((c) => c.index >= from)) return 'turns with "but"';
  const request = findDirective(analysis);
  if (request && request.index >= from) return `asks for more:${request.name}`;
  return null;
}

function praise(analysis: MessageAnalysis): RuleDetection | null {
  const hits = praiseHits(analysis);
  if (hits.length === 0) return null;
  if (analysis.words.length > PRAISE_MAX_WORDS) return neutral(`praise:"${(hits[0] as CueHit).phrase}" in a long message`);
  const moves = movesOnAfter(analysis, (hits[0] as CueHit).end);
  if (moves) return neutral(`praise:"${(hits[0] as CueHit).phrase}", then ${moves}`);
  return {
    label: 'positive',
    confidence: RULE_STRENGTH.praise,
    evidence: hits.slice(0, 3).map((h) => `praise:"${h.phrase}"`),
    hint: null,
    rule: 'praise',
  };
}

/**
 * Reads the user's next message for a verdict on the reply before it, by a handful of strong rules.
 * Negative evidence beats praise ("thanks, but that's wrong"); no rule → neutral (abstain).
 * `replyAsks`: the reply ended by asking the user something.
 */
export function readFollowUp(analysis: MessageAnalysis, earlierUserText: () => string, replyAsks: boolean): RuleDetection {
  const sarcasm = sarcasmMarker(analysis);
  if (sarcasm) return { label: 'negative_other', confidence: RULE_STRENGTH.sarcasm, evidence: [`sarcasm:"${sarcasm}"`], hint: null, rule: 'sarcasm' };
  const directive = findDirective(analysis, true);
  // "I meant the second one" after "Did you mean X or Y?" answers the reply's question; "too long" still judges it.
  if (directive && replyAsks && !directive.style) {
    return neutral(`answers the reply's question:${directive.name}`);
  }
  if (directive) {
    return {
      label: 'correction',
      confidence: RULE_STRENGTH.directive,
      evidence: [`directive:${directive.name}`, `matched:"${clipWords(directive.matched, 80)}"`],
      hint: directive.hint,
      rule: 'directive',
    };
  }
  const reask = analysis.hits.requery.find((h) => h.words > 0);
  if (reask) return { label: 'requery', confidence: RULE_STRENGTH.reask, evidence: [`re-ask:"${reask.phrase}"`], hint: null, rule: 'reask' };
  const complaints = complaintHits(analysis);
  if (complaints.length > 0) {
    return {
      label: 'negative_other',
      confidence: RULE_STRENGTH.complaint,
      evidence: complaints.slice(0, 3).map((h) => `complaint:"${h.phrase}"`),
      hint: null,
      rule: 'complaint',
    };
  }
  const repeated = detectRepeatedError(analysis.text, earlierUserText);
  if (repeated) return { ...repeated, confidence: RULE_STRENGTH.repeatedError, rule: 'repeatedError' };
  // A one-word cue only as the whole message: "what?" is confusion, "what city?" a next question.
  const confused = analysis.hits.confusion.find((h) => h.words > 1 || analysis.words.length === 1);
  if (confused) return { label: 'negative_other', confidence: RULE_STRENGTH.confusion, evidence: [`confusion:"${confused.phrase}"`], hint: null, rule: 'confusion' };
  const praised = praise(analysis);
  if (praised) return praised;
  return neutral(analysis.language === null ? 'no known language or cue' : 'no verdict on the reply');
}
