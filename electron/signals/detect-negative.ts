import type { CueHit, MessageAnalysis } from './analyse-message';
import type { Detection } from './detection';
import { praiseHits } from './detect-thanks';

/** "no more crashes", "fixed the error": a negative word that is itself negated is good news. */
const NEGATED_BEFORE = /(?:^|[^\p{L}])(?:no more|no|not|never|without|fixed|fixes|solved|zero|gone|kein|keine|ohne)\s+$/iu;

function stillNegative(text: string, hit: CueHit): boolean {
  return !NEGATED_BEFORE.test(text.slice(Math.max(0, hit.index - 16), hit.index));
}

export function negativeHits(analysis: MessageAnalysis): CueHit[] {
  return analysis.hits.negative.filter((hit) => stillNegative(analysis.text, hit));
}

/**
 * Sarcasm: praise words used to complain. Either an explicit marker ("wall of text", "🙄", "/s"),
 * or praise and complaint in one breath without a "but" between them ("great, it crashes now").
 */
export function detectSarcasm(analysis: MessageAnalysis): Detection | null {
  const marker = analysis.hits.sarcasm[0];
  if (marker) {
    return { label: 'negative_other', confidence: 0.75, evidence: [`sarcasm:"${marker.phrase}"`], hint: null };
  }
  const praise = praiseHits(analysis);
  const negative = negativeHits(analysis);
  if (praise.length === 0 || negative.length === 0 || analysis.hits.contrast.length > 0) return null;
  const first = praise[0] as CueHit;
  const complaint = negative.find((n) => n.index > first.index && (n.index >= first.end || n.end > first.end));
  if (!complaint) return null;
  return {
    label: 'negative_other',
    confidence: 0.6,
    evidence: [`praise:"${first.phrase}" then complaint:"${complaint.phrase}"`, 'sarcasm'],
    hint: null,
  };
}

/** Negative without a directive: "this is useless", "still broken", "👎". */
export function detectNegative(analysis: MessageAnalysis): Detection | null {
  const hits = negativeHits(analysis);
  if (hits.length === 0) return null;
  return {
    label: 'negative_other',
    confidence: hits.length >= 2 ? 0.8 : 0.7,
    evidence: hits.slice(0, 3).map((h) => `cue:"${h.phrase}"`),
    hint: null,
  };
}
