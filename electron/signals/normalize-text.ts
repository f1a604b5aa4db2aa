/**
 * Text preparation shared by the detectors. Cues live at the start and end of a message, so a very
 * long message is read as its head and tail: classification stays fast whatever the input size.
 */

export const ANALYSIS_HEAD_CHARS = 800;
export const ANALYSIS_TAIL_CHARS = 400;

export function clipForAnalysis(text: string): string {
  if (text.length <= ANALYSIS_HEAD_CHARS + ANALYSIS_TAIL_CHARS) return text;
  return `${text.slice(0, ANALYSIS_HEAD_CHARS)}\n${text.slice(text.length - ANALYSIS_TAIL_CHARS)}`;
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
const DASHES = /[\u2012\u2013\u2014\u2015]/g;

/** NFKC, straight quotes, no zero-width characters, one space or newline between words. Case is kept. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(ZERO_WIDTH, '')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, ' - ')
    .replace(/[ \t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** Clips text for a hint at a word boundary, with an ellipsis when cut. */
export function clipWords(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxChars * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
