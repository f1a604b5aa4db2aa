/**
 * Maps text the user selected in a rendered reply back to [start, end) offsets in the reply's raw
 * markdown (what feedback:inlineMark needs). The rendered text drops markup (`**`, backticks, list
 * markers, heading hashes) and reflows whitespace, so an exact search is tried first and a
 * markup-blind search second. When the selection occurs more than once, its position among the
 * occurrences in the rendered text picks the match; if that cannot decide, the caller must ask the
 * user to select a longer, unique span.
 */

export interface RenderedContext {
  /** All text of the rendered message, as the DOM has it (textContent). */
  renderedText: string;
  /** Where the selection starts within renderedText. */
  renderedStart: number;
}

export type SelectionOffsets =
  | { ok: true; start: number; end: number; quote: string }
  | { ok: false; reason: 'empty' | 'not_found' | 'ambiguous'; message: string };

/** Characters that only style text in markdown and vanish when rendered. */
const MARKUP = new Set(['*', '_', '`', '~']);
const LINE_PREFIX = /^[ \t]*(?:(?:#{1,6}|>+|[-*+]|\d{1,9}[.)])[ \t]+)*/;

interface Folded {
  text: string;
  /** For each char of `text`, its index in the original string. */
  origin: number[];
}

/** Removes markup and line prefixes and collapses whitespace, remembering where each kept char came from. */
export function foldMarkdown(source: string): Folded {
  let text = '';
  const origin: number[] = [];
  let lineStart = true;
  let pendingSpace = -1;
  for (let i = 0; i < source.length; ) {
    if (lineStart) {
      lineStart = false;
      const prefix = LINE_PREFIX.exec(source.slice(i))?.[0] ?? '';
      if (prefix.length > 0) {
        if (pendingSpace < 0) pendingSpace = i;
        i += prefix.length;
        continue;
      }
    }
    const ch = source[i]!;
    if (ch === '\n') lineStart = true;
    if (/\s/.test(ch)) {
      if (pendingSpace < 0) pendingSpace = i;
      i += 1;
      continue;
    }
    if (MARKUP.has(ch)) {
      i += 1;
      continue;
    }
    if (pendingSpace >= 0 && text.length > 0) {
      text += ' ';
      origin.push(pendingSpace);
    }
    pendingSpace = -1;
    text += ch;
    origin.push(i);
    i += 1;
  }
  return { text, origin };
}

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  if (needle.length === 0) return found;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** Which occurrence (0-based) of the selection the user picked, read from the rendered text. */
function renderedOccurrenceIndex(selected: string, context: RenderedContext | undefined, fold: boolean): { index: number; count: number } | null {
  if (!context) return null;
  const rendered = fold ? foldMarkdown(context.renderedText) : { text: context.renderedText, origin: [] };
  const needle = fold ? foldMarkdown(selected).text : selected;
  const all = occurrences(rendered.text, needle);
  if (all.length === 0) return null;
  // Position of the selection start in the (possibly folded) rendered text.
  let startInRendered = context.renderedStart;
  if (fold) {
    startInRendered = rendered.origin.findIndex((o) => o >= context.renderedStart);
    if (startInRendered < 0) startInRendered = rendered.text.length;
  }
  let index = 0;
  let best = Number.POSITIVE_INFINITY;
  all.forEach((at, i) => {
    const distance = Math.abs(at - startInRendered);
    if (distance < best) {
      best = distance;
      index = i;
    }
  });
  return { index, count: all.length };
}

function pick(
  matches: Array<{ start: number; end: number }>,
  selected: string,
  context: RenderedContext | undefined,
  fold: boolean,
): { start: number; end: number } | 'ambiguous' {
  if (matches.length === 1) return matches[0]!;
  const position = renderedOccurrenceIndex(selected, context, fold);
  if (position && position.count === matches.length) return matches[position.index]!;
  return 'ambiguous';
}

export function selectionToOffsets(content: string, selection: string, context?: RenderedContext): SelectionOffsets {
  const selected = selection.trim();
  if (selected.length === 0) {
    return { ok: false, reason: 'empty', message: 'Select some text of the reply first.' };
  }
  const ambiguous: SelectionOffsets = {
    ok: false,
    reason: 'ambiguous',
    message: 'That text appears more than once in the reply; select a longer passage so it is unique.',
  };

  const exact = occurrences(content, selected).map((start) => ({ start, end: start + selected.length }));
  if (exact.length > 0) {
    const chosen = pick(exact, selected, context, false);
    if (chosen === 'ambiguous') return ambiguous;
    return { ok: true, ...chosen, quote: content.slice(chosen.start, chosen.end) };
  }

  const foldedContent = foldMarkdown(content);
  const needle = foldMarkdown(selected).text;
  const folded = occurrences(foldedContent.text, needle).map((at) => ({
    start: foldedContent.origin[at]!,
    end: foldedContent.origin[at + needle.length - 1]! + 1,
  }));
  if (folded.length === 0 || needle.length === 0) {
    return {
      ok: false,
      reason: 'not_found',
      message: 'Could not find the selected text in this reply; select text inside a single reply.',
    };
  }
  const chosen = pick(folded, selected, context, true);
  if (chosen === 'ambiguous') return ambiguous;
  return { ok: true, ...chosen, quote: content.slice(chosen.start, chosen.end) };
}
