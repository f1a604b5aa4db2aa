import { findDirective } from './detect-correction';
import { analyseUserWords } from './hint-language';
import { clipWords, normalizeText } from './normalize-text';
import { fillTemplate, finishHint } from './phrase-hint';
import { stripMarkdownMarkers } from './strip-markdown-markers';

export interface InlineMark {
  /** The reply the span was marked in. */
  assistant: string;
  /** The marked span's text. */
  quote: string;
  /** What it should have said (or an instruction about it). */
  correction: string;
}

const QUOTE_CHARS = 200;
const CORRECTION_CHARS = 600;

/**
 * An explicit inline mark → OPD hint. Replacement text reads "where it said X it should have said Y";
 * an instruction ("use her name") is kept as an instruction about the marked span. Never empty.
 */
export function buildInlineMarkHint({ quote, correction }: InlineMark): string {
  // The span is cut from rendered markdown; quote it as the user read it, without ** or ` markers.
  const q = clipWords(normalizeText(stripMarkdownMarkers(typeof quote === 'string' ? quote : '')).replace(/"/g, "'"), QUOTE_CHARS);
  const c = clipWords(normalizeText(typeof correction === 'string' ? correction : '').replace(/"/g, "'"), CORRECTION_CHARS);
  if (!c) return finishHint(q ? `Do not say "${q}"; the user marked it as wrong.` : 'The user marked part of the reply as wrong; revise it.');
  const { analysis, templates } = analyseUserWords(c);
  const directive = findDirective(analysis);
  if (directive && !directive.statement && q) return finishHint(fillTemplate(templates.inlineMarkInstruction, { quote: q, instruction: directive.hint }));
  if (!q) return finishHint(fillTemplate(templates.inlineMarkNoQuote, { correction: c }));
  return finishHint(fillTemplate(templates.inlineMark, { quote: q, correction: c }));
}
