import type { CompiledCueSet } from './compile-cues';
import { clipWords } from './normalize-text';
import { tokenize, type PhraseIndex } from './phrase-index';

/** The longest a quoted piece of the user's words may be inside a hint. */
export const HINT_QUOTE_CHARS = 300;
/** Hints are stored with a 2,000 character limit (HintSchema). */
export const HINT_MAX_CHARS = 1_000;

/** Fills {name} placeholders; unknown names become empty. */
export function fillTemplate(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}

/** Cuts leading phrases of `index` off `text` (repeatedly): "can you please make it" → "make it". */
function stripLeading(text: string, indexes: readonly PhraseIndex[]): string {
  let out = text;
  for (let round = 0; round < 6; round += 1) {
    const tokens = tokenize(out, 12);
    if (tokens[0]?.kind !== 'word') break;
    const words = tokens.filter((t) => t.kind === 'word');
    const hit = indexes.map((ix) => ix.matchAt(words, 0)).find((h) => h !== null);
    if (!hit || hit.end >= out.trimEnd().length) break;
    out = out.slice(hit.end).replace(/^[\s,:;-]+/u, '');
  }
  return out;
}

/** Trims a captured piece of the user's words: politeness, lead-ins, trailing punctuation, length. */
export function cleanCapture(text: string | undefined, cues: CompiledCueSet | null, stripLeadIns = false): string {
  let out = (text ?? '').replace(/\s+/g, ' ').trim();
  if (cues) out = stripLeading(out, stripLeadIns ? [cues.politeness, cues.leadIn] : [cues.politeness]);
  // A leading dash is punctuation ("- use X"), unless it starts a flag or a number ("--previous", "-p", "-5").
  out = out.replace(/[\s,;:.!?"'-]+$/u, '').replace(/^(?:[\s,;:"'(]|-(?![-\p{L}\p{N}]))+/u, '');
  out = out.replace(/[\s,]+(?:please|pls|plz|bitte|thanks|thank you)$/iu, '').trim();
  return clipWords(out, HINT_QUOTE_CHARS);
}

/** A clause from the user's message as an imperative sentence: "can you make it shorter?" → "Make it shorter." */
export function toImperative(clause: string | undefined, cues: CompiledCueSet | null): string {
  const cleaned = cleanCapture(clause, cues);
  if (!cleaned) return '';
  const sentence = cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
  return /[.!?…]$/u.test(sentence) ? sentence : `${sentence}.`;
}

/** Final tidy-up every hint goes through: one line, bounded, ends with a full stop. */
export function finishHint(text: string): string {
  let out = text.replace(/\s+/g, ' ').replace(/\s+([.,;:!?])/g, '$1').replace(/\.\.(?!\.)/g, '.').trim();
  out = clipWords(out, HINT_MAX_CHARS);
  if (out && !/[.!?…"]$/u.test(out)) out = `${out}.`;
  return out.charAt(0).toUpperCase() + out.slice(1);
}
