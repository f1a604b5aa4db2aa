import type { CueHit, MessageAnalysis } from './analyse-message';

const NEGATED = /(?:^|[^\p{L}])(?:not|never|isn't|isnt|wasn't|wasnt|nicht|kein|pas|jamais)\s+(?:[\p{L}']+\s+)?$/iu;

/** Praise inside a question ("is this helpful for beginners?") is not praise, unless it opens the sentence. */
function praiseCounts(text: string, hit: CueHit, hypothetical: RegExp | null, selfState: RegExp | null): boolean {
  const before = text.slice(0, hit.index);
  // "that's not how it works", "not great", "never helpful": praise under a negation is not praise.
  if (NEGATED.test(before.slice(-16))) return false;
  // "something Welsh would be nice": praise of what the user wishes for, not of the reply.
  if (hypothetical?.test(before.slice(-28).toLowerCase())) return false;
  // "I'm doing great", "we're good": the user describes themselves, not the reply.
  if (selfState?.test(before.slice(-28).toLowerCase())) return false;
  const sentenceStart = Math.max(before.lastIndexOf('.'), before.lastIndexOf('!'), before.lastIndexOf('?'), before.lastIndexOf('\n')) + 1;
  const endMatch = /[.!?\n]/.exec(text.slice(hit.end));
  const isQuestion = endMatch?.[0] === '?';
  if (!isQuestion) return true;
  const opensSentence = text.slice(sentenceStart, hit.index).trim().length <= 3;
  const punctuated = /^\s*[,!.:;-]/.test(text.slice(hit.end));
  return opensSentence || punctuated;
}

/** Thanks and approval phrases that are meant as such (not negated, wished for, or asked about). */
export function praiseHits(analysis: MessageAnalysis): CueHit[] {
  const hypothetical = analysis.cues?.hypothetical ?? null;
  const selfState = analysis.cues?.selfState ?? null;
  return analysis.hits.positive.filter((hit) => praiseCounts(analysis.text, hit, hypothetical, selfState));
}
