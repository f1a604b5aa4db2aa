import { memo, startTransition, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { splitMarkdownBlocks, type MarkdownBlock, type SplitMarkdown } from '../markdown/split-markdown-blocks';
import { MarkdownBlockView } from './MarkdownBlockView';

/** A reply up to this long renders as it mounts; a longer one starts in the background. */
const SYNC_MOUNT_CHARS = 4_000;
/**
 * New text is committed at most this much at a time (a long reply opened, or a fast stream): each
 * step is parsed in slices React can interrupt, and its commit and layout stay small.
 */
const REVEAL_STEP_CHARS = 5_000;
/** A gap this small (an ordinary streamed delta) is shown at once rather than in steps. */
const CATCH_UP_CHARS = 3_000;

const NOTHING_YET = { text: '', streaming: false };
/** Blocks are grouped by where they start into pages of this many characters of source. */
const PAGE_CHARS = 3_000;

/**
 * A reply rendered as markdown, block by block (see splitMarkdownBlocks): a block that settled is
 * parsed once and kept (each block is memoised by its text), so streaming re-parses only the tail.
 * Updates render as deferred (interruptible) work, a long reply that is opened is revealed in
 * steps, and blocks sit in pages that the browser does not lay out or paint while off screen
 * (content-visibility), so no single task holds the window for long, however long the reply.
 */
export const MarkdownContent = memo(function MarkdownContent({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const latest = useMemo(() => ({ text, streaming }), [text, streaming]);
  const input = useDeferredValue(latest, text.length > SYNC_MOUNT_CHARS ? NOTHING_YET : latest);
  const end = useRevealEnd(input.text.length);
  const revealing = end < input.text.length;
  const visible = revealing ? input.text.slice(0, end) : input.text;
  const final = !input.streaming && !revealing;

  const previous = useRef<SplitMarkdown | undefined>(undefined);
  const split = useMemo(() => splitMarkdownBlocks(visible, { previous: previous.current, final }), [visible, final]);
  // Reused only when the next text extends this one (splitMarkdownBlocks checks), so a render
  // React throws away cannot mislead the next.
  previous.current = split;

  const blocks = split.blocks;
  // While revealing, the cut-off last block waits for the next step instead of showing half.
  const shown = revealing && !input.streaming ? blocks.slice(0, -1) : blocks;
  const tail = final ? null : blocks[blocks.length - 1]!;
  const pages = useMemo(() => groupIntoPages(shown), [shown]);
  // One page: no wrapper, so a short reply's DOM stays as plain as before.
  if (pages.length === 1 && input.text.length <= PAGE_CHARS) return <BlockList blocks={pages[0]!} tail={tail} />;
  return (
    <>
      {pages.map((page) => (
        <MarkdownPage key={page[0]!.start} blocks={page} tail={tail} />
      ))}
    </>
  );
});

const MarkdownPage = memo(
  function MarkdownPage({ blocks, tail }: { blocks: MarkdownBlock[]; tail: MarkdownBlock | null }) {
    return (
      <div className="md-page">
        <BlockList blocks={blocks} tail={tail} />
      </div>
    );
  },
  // Settled blocks keep their identity (splitMarkdownBlocks reuses them), so a page whose blocks
  // are the same objects and that does not hold the tail has nothing new to show.
  (a, b) =>
    a.blocks.length === b.blocks.length &&
    a.blocks.every((block, i) => block === b.blocks[i]) &&
    (a.tail === b.tail || (!a.blocks.includes(a.tail!) && !b.blocks.includes(b.tail!))),
);

function BlockList({ blocks, tail }: { blocks: MarkdownBlock[]; tail: MarkdownBlock | null }) {
  return (
    <>
      {blocks.map((block) => (
        <MarkdownBlockView key={block.start} block={block} tail={block === tail} />
      ))}
    </>
  );
}

function groupIntoPages(blocks: MarkdownBlock[]): MarkdownBlock[][] {
  const pages: MarkdownBlock[][] = [];
  let current = -1;
  for (const block of blocks) {
    const page = Math.floor(block.start / PAGE_CHARS);
    if (page !== current || pages.length === 0) {
      pages.push([]);
      current = page;
    }
    pages[pages.length - 1]!.push(block);
  }
  return pages;
}

/** How much of a text of `length` characters to show now; grows in transitions until all of it. */
function useRevealEnd(length: number): number {
  const [revealed, setRevealed] = useState(() => Math.min(length, REVEAL_STEP_CHARS));
  const end = length - revealed <= CATCH_UP_CHARS ? length : Math.min(revealed, length);
  useEffect(() => {
    if (revealed < end) {
      setRevealed(end);
      return;
    }
    if (end >= length) return;
    const timer = setTimeout(() => startTransition(() => setRevealed((r) => Math.min(length, r + REVEAL_STEP_CHARS))), 0);
    return () => clearTimeout(timer);
  }, [revealed, end, length]);
  return end;
}
