import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

export interface InlineMarkTarget {
  /** Where to float the popover (viewport coordinates under the selection). */
  x: number;
  y: number;
  result: { ok: true; start: number; end: number; quote: string } | { ok: false; message: string };
}

/** Asks "what should it have said?" for a span the user selected in a reply. */
export function InlineMarkPopover({
  target,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  target: InlineMarkTarget;
  busy: boolean;
  error: string | null;
  onSubmit: (correction: string) => void;
  onCancel: () => void;
}) {
  const [correction, setCorrection] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  const left = Math.max(12, Math.min(target.x, window.innerWidth - 372));
  const top = Math.min(target.y + 8, window.innerHeight - 220);
  // Portalled to <body>: the thread's virtualised rows are transformed, which would pin a fixed popover to the row.
  return createPortal(
    <div
      className="popover"
      role="dialog"
      aria-label="Mark this passage"
      data-testid="inline-mark-popover"
      style={{ left, top }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      {target.result.ok ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (correction.trim()) onSubmit(correction.trim());
          }}
        >
          <blockquote className="popover-quote" data-testid="inline-mark-quote">
            {target.result.quote}
          </blockquote>
          <label>
            What should it have said?
            <textarea
              ref={input}
              rows={3}
              value={correction}
              onChange={(e) => setCorrection(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  if (correction.trim()) onSubmit(correction.trim());
                }
              }}
              data-testid="inline-mark-correction"
            />
          </label>
          {error ? <p className="inline-error small">{error}</p> : null}
          <div className="actions">
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || !correction.trim()} data-testid="inline-mark-submit">
              Mark
            </button>
          </div>
        </form>
      ) : (
        <div>
          <p className="inline-error small" data-testid="inline-mark-problem">
            {target.result.message}
          </p>
          <div className="actions">
            <button type="button" onClick={onCancel}>
              OK
            </button>
          </div>
        </div>
      )}
    </div>,
    document.body,
  );
}
