import { contentWordCount, findDirective } from './detect-correction';
import { analyseUserWords } from './hint-language';
import { clipWords, normalizeText } from './normalize-text';
import { fillTemplate, finishHint } from './phrase-hint';

const REASON_CHARS = 400;

/**
 * A thumbs-down reason → OPD hint, or null when the reason says nothing actionable ("bad", "meh", "👎").
 * A reason that states a fix ("too long", "don't use jargon") becomes that fix.
 */
export function buildThumbHint(reason: string | undefined): string | null {
  if (typeof reason !== 'string') return null;
  const text = normalizeText(reason);
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  const { analysis, templates } = analyseUserWords(text);
  const directive = findDirective(analysis);
  if (directive) return directive.hint;
  if (contentWordCount(analysis) < 2) return null;
  return finishHint(fillTemplate(templates.thumbReason, { reason: clipWords(text.replace(/"/g, "'"), REASON_CHARS) }));
}
