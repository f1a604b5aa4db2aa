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

const SARCASM_TAG = /(?:^|\s)\/s\s*$/u;

/**
 * "super helpful. really." / "great advice..." : praise, then a one-word sentence that takes it back, or
 * a trailing ellipsis after praise in a short message. Returns the marker.
 */
function sarcasmTail(analysis: MessageAnalysis, lastPraise: CueHit): string | null {
  const after = analysis.text.slice(lastPraise.end);
  if (analysis.words.length <= 8 && /^[^\p{L}\p{N}]*(?:\.\.\.|…)\s*$/u.test(after) && !analysis.hits.positive.some((h) => /^(?:thanks?|thx|ty|thank you)$/i.test(h.phrase))) return '…';
  // The tail is its own sentence ("super helpful. really."); "feels better lol" is one sincere sentence.
  const lastSentence = /[.!?]\s+([^.!?]+)[.!?]*\s*$/u.exec(after)?.[1];
  if (!lastSentence || !analysis.cues) return null;
  const words = analysis.words.filter((w) => w.index >= lastPraise.end + after.lastIndexOf(lastSentence));
  const hit = analysis.cues.sarcasmTail.matchAt(words, 0);
  return hit && hit.words === words.length ? hit.phrase : null;
}

/**
 * Sarcasm: praise words used to complain. Either an explicit marker ("wall of text", "🙄", "/s"),
 * or praise and complaint in one breath without a "but" between them ("great, it crashes now").
 */
export function detectSarcasm(analysis: MessageAnalysis): Detection | null {
  const marker = analysis.hits.sarcasm[0];
  // "i'm at 3000 steps because i work from home 🙃 how do i sneak more in": an emoji before a new question
  // is the user's wry aside about themselves, like "🤔" before a question.
  const aside = marker !== undefined && marker.words === 0 && analysis.asksAtEnd && analysis.words.filter((w) => w.index > marker.end).length >= 4;
  if (marker && !aside) {
    return { label: 'negative_other', confidence: 0.75, evidence: [`sarcasm:"${marker.phrase}"`], hint: null };
  }
  // The "/s" tag only as its own last token: "km/s" or "m/s" is a unit, not a tag.
  if (SARCASM_TAG.test(analysis.text)) {
    return { label: 'negative_other', confidence: 0.75, evidence: ['sarcasm:"/s"'], hint: null };
  }
  const deadpan = detectDeadpan(analysis);
  if (deadpan) return deadpan;
  const praise = praiseHits(analysis);
  if (praise.length === 0) return null;
  const tail = sarcasmTail(analysis, praise[praise.length - 1] as CueHit);
  if (tail) return { label: 'negative_other', confidence: 0.6, evidence: [`praise:"${(praise[0] as CueHit).phrase}" then "${tail}"`, 'sarcasm'], hint: null };
  const negative = negativeHits(analysis);
  if (negative.length === 0) return null;
  const first = praise[0] as CueHit;
  // "still broken. great advice.": a complaint, then praise as the last word, nothing turning between them.
  const before = negative.find((n) => n.end <= first.index);
  const turnsBetween = before !== undefined && analysis.hits.contrast.some((c) => c.index >= before.end && c.index < first.index);
  const opensLastSentence = /(?:^|[.!?,;]\s*)$/.test(analysis.text.slice(0, first.index)) && /^[\s\p{L}'-]{0,20}[.!?…]*\s*$/u.test(analysis.text.slice(first.end));
  if (before && !turnsBetween && opensLastSentence && analysis.words.length <= 12) {
    return { label: 'negative_other', confidence: 0.6, evidence: [`complaint:"${before.phrase}" then praise:"${first.phrase}"`, 'sarcasm'], hint: null };
  }
  if (analysis.hits.contrast.length > 0) return null;
  const complaint = negative.find((n) => n.index > first.index && (n.index >= first.end || n.end > first.end));
  if (!complaint) return null;
  return {
    label: 'negative_other',
    confidence: 0.6,
    evidence: [`praise:"${first.phrase}" then complaint:"${complaint.phrase}"`, 'sarcasm'],
    hint: null,
  };
}

/** Thanks words and warm emoji that make a "wow," opener sincere. */
const SINCERE = /!|\b(?:thanks?|thx|ty|thank you|danke|gracias|merci|grazie|obrigad[oa]|bedankt)\b|[\u{1F60A}\u{1F60D}\u{1F64F}\u{2764}\u{1F970}\u{1F929}\u{1F973}]/iu;
const DEADPAN_MAX_WORDS = 10;

/**
 * "wow. amazing work there", "wow, so creative", "wow, riveting": an interjection set off by "." or ",",
 * then a flat verdict with no "!", thanks or warm emoji, reads as deadpan sarcasm whatever the praise word.
 */
function detectDeadpan(analysis: MessageAnalysis): Detection | null {
  const cues = analysis.cues;
  if (!cues || analysis.words.length < 2 || analysis.words.length > DEADPAN_MAX_WORDS) return null;
  const opener = cues.deadpanOpener.matchAt(analysis.words, 0);
  if (!opener || opener.index !== 0 || opener.words >= analysis.words.length) return null;
  if (!/^\s*[.,]/u.test(analysis.text.slice(opener.end)) || SINCERE.test(analysis.text)) return null;
  // "wow, ok" or "wow, I didn't know" is surprise; deadpan praises or judges.
  if (analysis.hits.negative.length === 0 && praiseHits(analysis).length === 0 && !/^\s*[.,]\s*(?:so|such|how|truly|really|very)\s/iu.test(analysis.text.slice(opener.end)) && analysis.words.length > 2) return null;
  return { label: 'negative_other', confidence: 0.6, evidence: [`deadpan:"${opener.phrase}"`, 'sarcasm'], hint: null };
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
