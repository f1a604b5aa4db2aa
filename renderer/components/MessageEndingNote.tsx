import type { Message } from '../../shared/domain';

/** Says plainly when a reply ended short: cut off by the connection, or stopped at the token limit. */
export function MessageEndingNote({ message }: { message: Message }) {
  if (message.truncation === 'cut_off') {
    return (
      <p className="status-note" role="note" data-testid="message-cut-off">
        Cut off: the connection ended before the reply was finished. What arrived is kept here, and it is not used for
        training.
      </p>
    );
  }
  if (message.truncation === 'token_limit') {
    return (
      <p className="status-note" role="note" data-testid="message-token-limit">
        Stopped at the token limit (Max tokens in Settings).
      </p>
    );
  }
  return null;
}
