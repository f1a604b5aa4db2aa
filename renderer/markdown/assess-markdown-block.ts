/**
 * Decides, before any parsing, whether one block of model output is safe to format. The markdown
 * parser's time grows faster than linearly with nesting and block size (3,000 `>` or a
 * 1,000-level list take seconds and then overflow the stack while rendering), so such blocks are
 * shown as plain text instead. The checks are single passes over the text: they over-estimate
 * nesting, which at worst shows an odd block as plain text.
 */

/** Longest block that is parsed as markdown (a settled block; see STREAMING_TAIL_CHARS). */
export const MAX_MARKDOWN_BLOCK_CHARS = 12_000;
/** The block still streaming is re-parsed on every update, so it is formatted only up to this size. */
export const STREAMING_TAIL_CHARS = 4_000;
/** Containers (quotes, lists) deeper than this are not formatted. */
export const MAX_CONTAINER_DEPTH = 24;
/** Emphasis/link openers left unclosed within one paragraph beyond this are not formatted. */
export const MAX_INLINE_DEPTH = 24;

export type BlockVerdict = { format: true } | { format: false; reason: 'too-long' | 'too-deep' };

export function assessMarkdownBlock(text: string, limit = MAX_MARKDOWN_BLOCK_CHARS): BlockVerdict {
  if (text.length > limit) return { format: false, reason: 'too-long' };
  if (containerDepth(text) > MAX_CONTAINER_DEPTH || inlineDepth(text) > MAX_INLINE_DEPTH) return { format: false, reason: 'too-deep' };
  return { format: true };
}

/**
 * The deepest line prefix: every `>` is a quote level and every two columns of indentation (or
 * list marker) at most one list level. Lines inside fenced code do not count.
 */
export function containerDepth(text: string): number {
  let max = 0;
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const marker = /^(`{3,}|~{3,})/.exec(line.replace(/^[ \t>]*/, ''))?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker) fence = marker;
    let depth = 0;
    let columns = 0;
    for (let i = 0; i < line.length; ) {
      const ch = line[i]!;
      const ordered = ch >= '0' && ch <= '9' ? /^\d{1,9}[.)][ \t]/.exec(line.slice(i, i + 11))?.[0] : undefined;
      if (ch === '>') {
        depth += 1;
        i += line[i + 1] === ' ' ? 2 : 1;
      } else if (ch === ' ') {
        columns += 1;
        i += 1;
      } else if (ch === '\t') {
        columns += 4;
        i += 1;
      } else if ((ch === '-' || ch === '*' || ch === '+') && (line[i + 1] === ' ' || line[i + 1] === '\t')) {
        columns += 2;
        i += 2;
      } else if (ordered) {
        columns += ordered.length;
        i += ordered.length;
      } else break;
    }
    depth += Math.ceil(columns / 2);
    if (depth > max) max = depth;
  }
  return max;
}

/**
 * The most emphasis (`*`, `_`, `~`) and bracket openers that are open at once within a paragraph:
 * a run that can only open counts up, a run that can only close counts down, `[` and `]` likewise.
 * Code spans are skipped; a blank line ends the paragraph.
 */
export function inlineDepth(text: string): number {
  let max = 0;
  let open = 0;
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    if (ch === '\n' && /^\n[ \t]*(?:\n|$)/.test(text.slice(i, i + 80))) {
      open = 0;
      i += 1;
      continue;
    }
    if (ch === '`') {
      let run = 1;
      while (text[i + run] === '`') run += 1;
      const closing = text.indexOf('`'.repeat(run), i + run);
      i = closing < 0 ? i + run : closing + run;
      continue;
    }
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '[') open += 1;
    else if (ch === ']') open = Math.max(0, open - 1);
    else if (ch === '*' || ch === '_' || ch === '~') {
      let run = 1;
      while (text[i + run] === ch) run += 1;
      const before = i === 0 ? ' ' : text[i - 1]!;
      const after = text[i + run] ?? ' ';
      const spaceBefore = /\s/.test(before);
      const spaceAfter = /\s/.test(after);
      if (spaceBefore && !spaceAfter) open += 1;
      else if (!spaceBefore && spaceAfter) open = Math.max(0, open - 1);
      i += run;
      if (open > max) max = open;
      continue;
    }
    if (open > max) max = open;
    i += 1;
  }
  return max;
}
