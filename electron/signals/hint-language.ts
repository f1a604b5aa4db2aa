import { analyseMessage, type MessageAnalysis } from './analyse-message';
import type { CueSet } from './cues/cue-set';
import { EN } from './cues/en';
import { normalizeText } from './normalize-text';

/** The user's own words analysed, and the cue set whose templates a hint built from them should use. */
export function analyseUserWords(text: string): { analysis: MessageAnalysis; templates: CueSet['templates'] } {
  const analysis = analyseMessage(normalizeText(text.slice(0, 4_000)));
  return { analysis, templates: analysis.cues?.source.templates ?? EN.templates };
}
