import type { CueHit, MessageAnalysis } from './analyse-message';

/** Words before a complaint adjective that make it a verdict ("that's boring", "a terrible idea", "so dull"). */
const PREDICATING: ReadonlySet<string> = new Set([
  'thats', 'that', 'this', 'its', 'it', 'is', 'was', 'so', 'such', 'very', 'really', 'pretty', 'quite', 'too', 'what',
  'a', 'an', 'your', 'how', 'sounds', 'looks', 'seems', 'totally', 'completely', 'super', 'kinda', 'bit',
]);

/**
 * "boring stuff at my job", "he loved fishing and terrible puns": a complaint adjective right before a noun,
 * not predicated of anything, describes the user's world. Read only in an answer to the reply's question,
 * where such descriptions are what was asked for.
 */
export function describesOwnWorld(analysis: MessageAnalysis, hit: CueHit): boolean {
  const cues = analysis.cues;
  if (!cues || hit.words !== 1 || hit.wordIndex < 0 || !cues.describingComplaints.has(hit.phrase.toLowerCase())) return false;
  const next = analysis.words[hit.wordIndex + 1];
  if (!next || !/^\s+$/u.test(analysis.text.slice(hit.end, next.index)) || cues.stopwords.has(next.key)) return false;
  const before = analysis.words[hit.wordIndex - 1];
  return !before || !PREDICATING.has(before.key);
}

/** Drops complaint hits that describe the user's world (see describesOwnWorld); returns whether any went. */
export function dropDescribingComplaints(analysis: MessageAnalysis): boolean {
  const kept = analysis.hits.negative.filter((hit) => !describesOwnWorld(analysis, hit));
  if (kept.length === analysis.hits.negative.length) return false;
  analysis.hits.negative = kept;
  return true;
}
