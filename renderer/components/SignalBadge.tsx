import { ExplicitKindSchema } from '../../shared/domain';
import { trustWords } from '../../shared/trust-words';
import type { MessageFeedback } from '../data/message-signals';
import { deservesBadge, signalWords } from '../signals/signal-words';
import { useUi } from '../state/ui-store-context';

/** The veto on an inferred signal says what the user disagrees with. */
function removeLabel(kind: string, reward: number): string {
  if (ExplicitKindSchema.safeParse(kind).success) return 'Remove';
  if (kind === 'correction') return "That wasn't a correction";
  if (reward > 0) return "That wasn't praise";
  if (reward < 0) return "That wasn't a complaint";
  return 'Remove';
}

/**
 * What the app learned from this reply, in plain words ("You corrected this", "Judge: not helpful
 * (3 of 3)", "You liked this"), whether it trains, the hint if there is one, and the veto. The words
 * link to the signal's row on the Learning tab. A neutral turn without a hint shows nothing.
 */
export function SignalBadge({ feedback, onRemove, removing }: { feedback: MessageFeedback; onRemove?: () => void; removing?: boolean }) {
  const { signal, hint } = feedback;
  const showSignalInLearning = useUi((s) => s.showSignalInLearning);
  if (!deservesBadge(signal, hint !== null)) return null;
  const removed = signal.removedAt !== null;
  const words = signalWords(signal);
  return (
    <div
      className="signal-badge"
      data-testid="signal-badge"
      data-kind={signal.kind}
      data-reward={signal.reward}
      data-tone={removed ? 'neutral' : words.tone}
      data-fate={signal.fate}
      data-decided-by={signal.decidedBy}
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
      <span className="signal-trust" data-testid="signal-trust">
        {trustWords(signal)}
      </span>
      {hint && !removed ? (
        <span className="signal-hint" data-testid="signal-hint" data-status={hint.status}>
          Hint: {hint.text}
          {hint.status === 'pending' ? ' · awaiting your review' : hint.status === 'rejected' ? ' · you rejected it' : ''}
        </span>
      ) : null}
      {onRemove && !removed ? (
        <button type="button" className="text-button signal-remove" data-testid="signal-remove" disabled={removing} onClick={onRemove}>
          {removeLabel(signal.kind, signal.reward)}
        </button>
      ) : null}
    </div>
  );
}
