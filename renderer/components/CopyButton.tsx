import { useEffect, useState } from 'react';
import { copyText } from '../clipboard/copy-text';
import { CheckIcon, CopyIcon } from './icons';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies `text` to the clipboard. Icon-only with an accessible name, so it adds no text to the
 * rendered reply (inline marks map the reply's text back to its source). The result is announced.
 */
export function CopyButton({ text, label, testId, className }: { text: string; label: string; testId: string; className?: string }) {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1_800);
    return () => clearTimeout(timer);
  }, [state]);
  const name = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label;
  return (
    <button
      type="button"
      className={className ? `icon-button ${className}` : 'icon-button'}
      aria-label={name}
      title={name}
      data-testid={testId}
      data-state={state}
      onClick={() => {
        void copyText(text).then((copied) => setState(copied ? 'copied' : 'failed'));
      }}
    >
      {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      <span className="visually-hidden" aria-live="polite">
        {state === 'idle' ? '' : name}
      </span>
    </button>
  );
}
