import type { CueHit, MessageAnalysis } from './analyse-message';
import type { Detection } from './detection';

const NEGATED = /(?:^|[^\p{L}])(?:not|never|isn't|isnt|wasn't|wasnt|nicht|kein|pas|jamais)\s+(?:[\p{L}']+\s+)?$/iu;

/** Praise inside a question ("is this helpful for beginners?") is not praise, unless it opens the sentence. */
function praiseCounts(text: string, hit: CueHit, hypothetical: RegExp | null): boolean {
  const before = text.slice(0, hit.index);
  // "that's not how it works", "not great", "never helpful": praise under a negation is not praise.
  if (NEGATED.test(before.slice(-16))) return false;
  // "something Welsh would be nice": praise of what the user wishes for, not of the reply.
  if (hypothetical?.test(before.slice(-28).toLowerCase())) return false;
  const sentenceStart = Math.max(before.lastIndexOf('.'), before.lastIndexOf('!'), before.lastIndexOf('?'), before.lastIndexOf('\n')) + 1;
  const endMatch = /[.!?\n]/.exec(text.slice(hit.end));
  const isQuestion = endMatch?.[0] === '?';
  if (!isQuestion) return true;
  const opensSentence = text.slice(sentenceStart, hit.index).trim().length <= 3;
  const punctuated = /^\s*[,!.:;-]/.test(text.slice(hit.end));
  return opensSentence || punctuated;
}

export function praiseHits(analysis: MessageAnalysis): CueHit[] {
  const hypothetical = analysis.cues?.hypothetical ?? null;
  return analysis.hits.positive.filter((hit) => praiseCounts(analysis.text, hit, hypothetical));
}

/** Thanks or approval: "thanks!", "that worked", "perfect", "👍", "exactly". */
export function detectThanks(analysis: MessageAnalysis): Detection | null {
  const hits = praiseHits(analysis);
  if (hits.length === 0 && !analysis.positiveOpener) return null;
  const short = analysis.words.length <= 12;
  const evidence = hits.slice(0, 3).map((h) => `cue:"${h.phrase}"`);
  if (analysis.positiveOpener) evidence.unshift(`opener:"${analysis.positiveOpener.phrase}"`);
  return {
    label: 'positive',
    // One praise word in a long message is often about something else ("loved that book"): uncertain.
    confidence: short ? 0.85 : hits.length >= 2 ? 0.8 : 0.55,
    evidence,
    hint: null,
  };
}
