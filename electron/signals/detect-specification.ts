import type { MessageAnalysis } from './analyse-message';
import { PHRASE_CATEGORIES } from './compile-cues';
import type { Detection } from './detection';
import { clipWords } from './normalize-text';
import { fillTemplate, finishHint } from './phrase-hint';
import { novelTerms } from './request-similarity';

/** The longest message that still reads as a bare fragment. */
const FRAGMENT_WORDS = 3;

/**
 * A bare fragment after an answer ("android", "UK cup", "gluten-free") usually specifies what the
 * reply missed. Only when no cue of any kind is present and it brings a term the turn did not have.
 */
export function detectSpecification(
  analysis: MessageAnalysis,
  previousTerms: ReadonlySet<string> | null,
  assistantTerms: ReadonlySet<string>,
): Detection | null {
  if (!analysis.cues || analysis.words.length === 0 || analysis.words.length > FRAGMENT_WORDS) return null;
  if (analysis.text.includes('?') || analysis.tokens.some((t) => t.kind === 'emoji')) return null;
  if (PHRASE_CATEGORIES.some((c) => analysis.hits[c].length > 0)) return null;
  if (analysis.correctionOpener || analysis.positiveOpener || analysis.questionOpener || analysis.requeryOpener) return null;
  // "I'm so excited" has a subject: a clause about the user, not a fragment that specifies.
  if (analysis.cues.firstPerson.has((analysis.words[0] as { key: string }).key)) return null;
  if (analysis.terms.size === 0 || novelTerms(analysis.terms, previousTerms ?? new Set(), assistantTerms) === 0) return null;
  const message = clipWords(analysis.text.replace(/"/g, "'"), 120);
  return {
    label: 'correction',
    confidence: 0.5,
    evidence: ['bare fragment with a new term'],
    hint: finishHint(fillTemplate(analysis.cues.source.templates.specification, { message })),
    weak: true,
  };
}
