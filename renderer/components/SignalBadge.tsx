import type { MessageFeedback } from '../data/message-signals';
import { deservesBadge, signalWords } from '../signals/signal-words';
import { useUi } from '../state/ui-store-context';

/**
 * What the app learned from this reply, in plain words ("You corrected this", "Judge: not helpful
 * (3 of 3)", "You liked this"), with the hint if there is one. The words link to the signal's row on
 * the Learning tab. A neutral turn without a hint shows nothing.
 */
export function SignalBadge({ feedback }: { feedback: MessageFeedback }) {
  const { signal, hint } = feedback;
  const showSignalInLearning = useUi((s) => s.showSignalInLearning);
  if (!deservesBadge(signal, hint !== null)) return null;
  const words = signalWords(signal);
  return (
    <div
      className="signal-badge"
      data-testid="signal-badge"
      data-kind={signal.kind}
      data-reward={signal.reward}
      data-tone={words.tone}
      data-signal-id={signal.id}
    >
      <button
        type="button"
        className="signal-kind signal-link"
        data-testid="signal-link"
        title={`${words.decidedBy} — see it on the Learning tab`}
        onClick={() => showSignalInLearning(signal.id)}
      >
        {words.label}
      </button>
      {hint ? (
        <span className="signal-hint" data-testid="signal-hint" data-status={hint.status}>
          Hint: {hint.text}
          {hint.status === 'pending' ? ' · awaiting your review' : hint.status === 'rejected' ? ' · you rejected it' : ''}
        </span>
      ) : null}
    </div>
  );
}
