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

/** Words before "it is" that make it a clause ("I know what it is"), not a choice ("Milo it is"). */
const NOT_A_CHOICE = /(?:ever|^that|^what|^how|^where|^who|^which|^as|^if|^is|^was)$/u;

/**
 * "Milo it is!", "Fair enough, REST it is.", "3 it is": the message ends by taking up one of the reply's
 * options. The closing words are data (`choiceTails`); the word before them must be the choice itself.
 */
export function takesUpChoice(analysis: MessageAnalysis): CueHit | null {
  const cues = analysis.cues;
  const words = analysis.words;
  if (!cues || words.length < 3) return null;
  for (let from = Math.max(1, words.length - 4); from < words.length; from += 1) {
    const hit = cues.choiceTail.matchAt(words, from);
    if (!hit || from + hit.words !== words.length) continue;
    if (!/^[\s.!…\p{Extended_Pictographic}]*$/u.test(analysis.text.slice(hit.end))) return null;
    const choice = words[from - 1] as { key: string };
    return cues.stopwords.has(choice.key) || NOT_A_CHOICE.test(choice.key) ? null : hit;
  }
  return null;
}

/** Thanks or approval: "thanks!", "that worked", "perfect", "👍", "exactly", "Milo it is!". */
export function detectThanks(analysis: MessageAnalysis): Detection | null {
  const hits = praiseHits(analysis);
  if (hits.length === 0 && !analysis.positiveOpener) {
    const choice = takesUpChoice(analysis);
    return choice ? { label: 'positive', confidence: 0.7, evidence: [`takes up a choice:"${choice.phrase}"`], hint: null } : null;
  }
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
