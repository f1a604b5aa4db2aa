/**
 * Cuts a markdown reply into top-level blocks that parse the same on their own as inside the whole
 * text, so a streamed reply re-parses only its last block and a long one renders block by block.
 *
 * A cut falls where a blank line is followed by a line at column 0 (a paragraph, heading, quote,
 * table or a new list; not the next item of the same list, which stays with its list), and around
 * every fenced code block that starts at column 0, which becomes a block of its own. Nothing is cut
 * inside a fence or a `$$` math block. Only complete lines decide a cut, so a block before the
 * last one never changes as text is appended ("settled"). Reference-style link definitions and
 * footnotes only resolve within their own block (a trade-off for incremental rendering).
 */

export interface FenceInfo {
  /** The first word of the info string ('' when none). */
  language: string;
  /** The code between the fences. */
  code: string;
  /** Whether the closing fence has arrived. */
  closed: boolean;
}

export interface MarkdownBlock {
  /** Offset of the block in the text it was cut from. */
  start: number;
  text: string;
  /** Set when the block is exactly one fenced code block at column 0. */
  fence: FenceInfo | null;
}

export interface SplitMarkdown {
  text: string;
  /** The text is all there is (the reply finished): its last line counts as complete. */
  final: boolean;
  blocks: MarkdownBlock[];
  /** Where scanning stopped (the start of the unfinished last line) and in what state; null once final. */
  resume: ScanState | null;
  /** The blocks before the last one: complete, and kept as they are when the text grows. */
  settled: MarkdownBlock[];
}

interface ScanState {
  lineStart: number;
  blockStart: number;
  blockIsFence: boolean;
  blockHasContent: boolean;
  fence: OpenFence | null;
  inMath: boolean;
  afterBlank: boolean;
  lastTopLevelWasListItem: boolean;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const MATH_OPEN = /^ {0,3}\${2,}[^$]*$/;
const MATH_CLOSE = /^ {0,3}\${2,}\s*$/;
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const SPACE = 32;
const TAB = 9;
const CR = 13;

function isListLead(ch: string): boolean {
  return ch === '-' || ch === '*' || ch === '+' || (ch >= '0' && ch <= '9');
}

interface OpenFence {
  char: string;
  length: number;
  /** The fence opened at column 0 and is its own block. */
  ownBlock: boolean;
}

/**
 * Splits `text`. When `previous` was split from a prefix of `text` (a streamed reply that grew),
 * scanning resumes where it stopped: the settled blocks are reused as they are (same objects) and
 * the cost of an update is the size of what was added. Until `final`, the last line (no newline
 * yet) decides no cut: its first characters may still change what it is.
 */
export function splitMarkdownBlocks(text: string, options: { previous?: SplitMarkdown; final?: boolean } = {}): SplitMarkdown {
  const { previous } = options;
  const final = options.final ?? false;
  const resumable = previous?.resume && text.length >= previous.text.length && text.startsWith(previous.text);
  const state: ScanState = resumable
    ? { ...previous.resume! }
    : { lineStart: 0, blockStart: 0, blockIsFence: false, blockHasContent: false, fence: null, inMath: false, afterBlank: false, lastTopLevelWasListItem: false };
  const settled = resumable ? previous.settled.slice() : [];

  const cut = (at: number, nextIsFence: boolean) => {
    // A block of blank lines only is not kept: the next block starts where its content does.
    if (state.blockHasContent) settled.push(makeBlock(text.slice(state.blockStart, at), state.blockStart, state.blockIsFence));
    state.blockStart = at;
    state.blockIsFence = nextIsFence;
    state.blockHasContent = false;
    state.lastTopLevelWasListItem = false;
  };

  let resume: ScanState | null = null;
  // Lines are looked at through their first characters; regexes run only on likely candidates.
  while (state.lineStart < text.length) {
    const lineStart = state.lineStart;
    let newline = text.indexOf('\n', lineStart);
    if (newline < 0) {
      if (!final) {
        resume = { ...state };
        break;
      }
      newline = text.length;
    }
    const next = newline + 1;
    state.lineStart = next;
    let first = lineStart;
    while (first < newline && (text.charCodeAt(first) === SPACE || text.charCodeAt(first) === TAB)) first += 1;
    const blank = first === newline || (first + 1 === newline && text.charCodeAt(first) === CR);
    const lead = text[first];
    const indent = first - lineStart;

    if (state.fence) {
      if (!blank && lead === state.fence.char && indent <= 3 && closesFence(text.slice(lineStart, newline), state.fence)) {
        const ownBlock = state.fence.ownBlock;
        state.fence = null;
        if (ownBlock) cut(next, false);
      }
      continue;
    }
    if (state.inMath) {
      if (lead === '$' && MATH_CLOSE.test(text.slice(lineStart, newline))) state.inMath = false;
      continue;
    }
    if (blank) {
      state.afterBlank = state.blockHasContent || state.afterBlank;
      continue;
    }

    const line = lead === '`' || lead === '~' || lead === '$' || (indent === 0 && isListLead(lead!)) ? text.slice(lineStart, newline) : '';
    const opened = (lead === '`' || lead === '~') && indent <= 3 ? openFence(line) : null;
    const topLevel = indent === 0;
    if (opened && topLevel) {
      cut(lineStart, true);
      state.fence = { ...opened, ownBlock: true };
    } else {
      const isListItem = topLevel && isListLead(lead!) && LIST_ITEM.test(line);
      if (state.afterBlank && topLevel && !(isListItem && state.lastTopLevelWasListItem)) cut(lineStart, false);
      // A fence inside a list item still holds blank lines that must not cut.
      if (lead === '`' || lead === '~') {
        const nested = openFence(text.slice(first, newline));
        if (nested) state.fence = { ...nested, ownBlock: false };
      } else if (lead === '$' && indent <= 3 && MATH_OPEN.test(line)) state.inMath = true;
      if (topLevel) state.lastTopLevelWasListItem = isListItem;
    }
    state.blockHasContent = true;
    state.afterBlank = false;
  }
  if (!final && resume === null) resume = { ...state };

  const blocks = settled.slice();
  if (state.blockStart < text.length || blocks.length === 0) {
    blocks.push(makeBlock(text.slice(state.blockStart), state.blockStart, state.blockIsFence));
  }
  return { text, final, blocks, resume, settled };
}

function makeBlock(text: string, start: number, isFence: boolean): MarkdownBlock {
  return { start, text, fence: isFence ? readFence(text) : null };
}

function openFence(line: string): { char: string; length: number } | null {
  const match = FENCE_OPEN.exec(line);
  if (!match) return null;
  const run = match[2]!;
  // A backtick fence's info string cannot hold a backtick (that is inline code instead).
  if (run[0] === '`' && match[3]!.includes('`')) return null;
  return { char: run[0]!, length: run.length };
}

function closesFence(line: string, fence: { char: string; length: number }): boolean {
  const match = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
  return match !== null && match[1]![0] === fence.char && match[1]!.length >= fence.length;
}

/** Reads a block that starts with a column-0 fence: its language, code and whether it closed. */
export function readFence(block: string): FenceInfo {
  const firstNewline = block.indexOf('\n');
  const opening = firstNewline < 0 ? block : block.slice(0, firstNewline);
  const match = FENCE_OPEN.exec(opening);
  const run = match?.[2] ?? '```';
  const language = (match?.[3] ?? '').trim().split(/\s+/)[0] ?? '';
  if (firstNewline < 0) return { language, code: '', closed: false };
  const body = block.slice(firstNewline + 1);
  const lines = body.split('\n');
  const fence = { char: run[0]!, length: run.length };
  for (let i = 0; i < lines.length; i += 1) {
    if (closesFence(lines[i]!, fence)) return { language, code: lines.slice(0, i).join('\n'), closed: true };
  }
  // Unclosed (still streaming, or never closed): everything after the opening line is code.
  return { language, code: body.endsWith('\n') ? body.slice(0, -1) : body, closed: false };
}
