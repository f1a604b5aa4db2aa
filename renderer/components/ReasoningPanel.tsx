import { useState } from 'react';
import { MarkdownContent } from './MarkdownContent';

/**
 * A reasoning model's thinking, apart from its answer and collapsed: the summary says whether it is
 * still thinking; the text renders only when opened.
 */
export function ReasoningPanel({ text, thinking, streaming }: { text: string; thinking: boolean; streaming: boolean }) {
  const [open, setOpen] = useState(false);
  const summary = thinking && streaming ? 'Thinking…' : thinking ? 'Reasoning (unfinished)' : 'Reasoning';
  return (
    <details className="reasoning" data-testid="reasoning" data-thinking={thinking} open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        {summary}
        <span className="reasoning-size muted small"> · {wordCount(text)} words</span>
      </summary>
      {open ? (
        <div className="reasoning-body markdown" data-testid="reasoning-body">
          <MarkdownContent text={text} streaming={streaming && thinking} />
        </div>
      ) : null}
    </details>
  );
}

function wordCount(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i += 1) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) count += 1;
    inWord = !space;
  }
  return count;
}
