import type { CueHit, MessageAnalysis } from './analyse-message';

/** "no more crashes", "fixed the error": a complaint word that is itself negated is good news. */
const NEGATED_BEFORE = /(?:^|[^\p{L}])(?:no more|no|not|never|without|fixed|fixes|solved|zero|gone|kein|keine|ohne)\s+$/iu;

function stillNegative(text: string, hit: CueHit): boolean {
  return !NEGATED_BEFORE.test(text.slice(Math.max(0, hit.index - 16), hit.index));
}

/** Complaints about the reply ("this is useless", "that doesn't work"), less the negated ones. */
export function complaintHits(analysis: MessageAnalysis): CueHit[] {
  return analysis.hits.negative.filter((hit) => stillNegative(analysis.text, hit));
}

const SARCASM_TAG = /(?:^|\s)\/s\s*$/u;

/**
 * An explicit sarcasm marker ("thanks for nothing", "wall of text", "🙄") or a closing "/s" tag ("km/s" is a
 * unit, so only as the last token). Praise words used sarcastically without a marker are left to the judge.
 */
export function sarcasmMarker(analysis: MessageAnalysis): string | null {
  const marker = analysis.hits.sarcasm[0];
  if (marker) return marker.phrase;
  return SARCASM_TAG.test(analysis.text) ? '/s' : null;
}
