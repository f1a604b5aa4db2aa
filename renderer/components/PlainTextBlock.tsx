import { memo, useMemo } from 'react';
import { FALLBACK_NOTES, type FallbackReason } from '../markdown/fallback-notes';

/** Text is laid out in pieces of about this size, so a huge block never forms one giant text node. */
const PIECE_CHARS = 4_000;

/** Text shown as it is (whitespace kept), with a note saying why when it is a fallback. */
export const PlainTextBlock = memo(function PlainTextBlock({ text, reason }: { text: string; reason: FallbackReason | null }) {
  const pieces = useMemo(() => cutIntoPieces(text), [text]);
  return (
    <div className="md-plain" data-testid={reason ? 'markdown-fallback' : 'markdown-plain'} data-reason={reason ?? undefined}>
      {reason ? <p className="md-fallback-note">{FALLBACK_NOTES[reason]}</p> : null}
      {pieces.map((piece, i) => (
        <p key={i} className="md-plain-text">
          {piece}
        </p>
      ))}
    </div>
  );
});

/** Cuts at line ends near PIECE_CHARS (or hard at PIECE_CHARS for a very long line). */
export function cutIntoPieces(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > PIECE_CHARS) {
    const newline = text.lastIndexOf('\n', start + PIECE_CHARS);
    const end = newline > start ? newline + 1 : start + PIECE_CHARS;
    pieces.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length || pieces.length === 0) pieces.push(text.slice(start));
  return pieces;
}
