import { useEffect, useRef } from 'react';
import { useUi } from '../state/ui-store-context';

/** Whether a composer was shown since the window opened. */
let composerShownBefore = false;

/** Enter sends, Shift+Enter adds a line; Esc (or the Stop button) stops a streaming reply. */
export function Composer({
  conversationId,
  streaming,
  sending,
  onSend,
  onStop,
}: {
  conversationId: string;
  streaming: boolean;
  sending: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
}) {
  const draft = useUi((s) => s.drafts[conversationId] ?? '');
  const setDraft = useUi((s) => s.setDraft);
  const clearDraft = useUi((s) => s.clearDraft);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // Opening a conversation puts the cursor in its composer, but not when the window itself just
    // opened on a remembered conversation: keyboard users start at the top (skip link, landmarks).
    if (composerShownBefore) input.current?.focus();
    composerShownBefore = true;
  }, [conversationId]);

  useEffect(() => {
    if (!streaming) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented && !document.querySelector('[role="dialog"]')) onStop();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [streaming, onStop]);

  const send = async () => {
    const text = draft.trim();
    if (!text || streaming || sending) return;
    clearDraft(conversationId);
    // Put the text back if it could not be sent, so nothing typed is lost.
    if (!(await onSend(text))) setDraft(conversationId, text);
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        ref={input}
        rows={Math.min(10, Math.max(1, draft.split('\n').length))}
        placeholder="Message… (Enter to send, Shift+Enter for a new line)"
        aria-label="Message"
        data-testid="composer-input"
        value={draft}
        onChange={(e) => setDraft(conversationId, e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {streaming ? (
        <button type="button" className="stop" onClick={onStop} data-testid="stop-button" aria-label="Stop generating (Esc)">
          ■ Stop
        </button>
      ) : (
        <button type="submit" className="primary" disabled={!draft.trim() || sending} data-testid="send-button">
          Send
        </button>
      )}
    </form>
  );
}
