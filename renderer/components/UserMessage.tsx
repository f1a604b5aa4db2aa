import { useState } from 'react';
import type { Message } from '../../shared/domain';
import { useThreadActions } from '../data/use-thread-actions';
import { describeError } from '../ipc/ipc-call-error';
import { PencilIcon } from './icons';
import { VersionSwitcher } from './VersionSwitcher';

/** A message the user sent: edit and resend it as a new branch, or switch between its versions. */
export function UserMessage({ message, busy }: { message: Message; busy: boolean }) {
  const { editAndResend, selectVersion } = useThreadActions(message.conversationId);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(message.content);
  const error = editAndResend.error ?? selectVersion.error;
  const submit = () => {
    const content = text.trim();
    if (!content || busy) return;
    editAndResend.mutate({ messageId: message.id, content }, { onSuccess: () => setEditing(false) });
  };
  return (
    <article className="message user" data-testid="message" data-role="user" data-message-id={message.id}>
      {editing ? (
        <form
          className="inline-form column user-edit"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <textarea
            autoFocus
            rows={Math.min(12, Math.max(2, text.split('\n').length + 1))}
            value={text}
            aria-label="Edit your message"
            data-testid="user-edit-text"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(false);
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                submit();
              }
            }}
          />
          <div className="actions">
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || !text.trim() || editAndResend.isPending} data-testid="user-edit-send">
              Send as new version
            </button>
          </div>
        </form>
      ) : (
        <div className="bubble">
          <p className="user-text">{message.content}</p>
        </div>
      )}
      <div className="user-actions">
        <VersionSwitcher message={message} disabled={busy || selectVersion.isPending} onSelect={(id) => selectVersion.mutate(id)} />
        {!editing ? (
          <button
            type="button"
            className="icon-button"
            aria-label="Edit and resend"
            title="Edit and resend"
            data-testid="user-edit"
            disabled={busy}
            onClick={() => {
              setText(message.content);
              setEditing(true);
            }}
          >
            <PencilIcon />
          </button>
        ) : null}
      </div>
      {error ? <p className="inline-error small">{describeError(error)}</p> : null}
    </article>
  );
}
