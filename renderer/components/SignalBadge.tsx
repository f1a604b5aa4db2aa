import { ExplicitKindSchema } from '../../shared/domain';
import { trustWords } from '../../shared/trust-words';
import type { MessageFeedback } from '../data/message-signals';

const KIND_LABEL: Record<string, string> = {
  positive: 'positive',
  correction: 'correction',
  requery: 're-asked',
  neutral: 'neutral',
  negative_other: 'negative',
  thumb_up: 'thumbs up',
  thumb_down: 'thumbs down',
  inline_mark: 'inline mark',
  edit: 'edited',
  regenerate: 'regenerated',
};

/** The veto on an inferred signal says what the user disagrees with. */
function removeLabel(kind: string, reward: number): string {
  if (ExplicitKindSchema.safeParse(kind).success) return 'Remove';
  if (kind === 'correction') return "That wasn't a correction";
  if (reward > 0) return "That wasn't praise";
  if (reward < 0) return "That wasn't a complaint";
  return 'Remove';
}

/**
 * What the app learned from this reply: signal kind, reward, who decided it (you / judge 3-0 /
 * detector) and whether it trains, the hint if any, and the veto.
 */
export function SignalBadge({ feedback, onRemove, removing }: { feedback: MessageFeedback; onRemove?: () => void; removing?: boolean }) {
  const { signal, hint } = feedback;
  const removed = signal.removedAt !== null;
  const reward = signal.reward > 0 ? '+1' : signal.reward < 0 ? '−1' : '0';
  const tone = removed ? 'neutral' : signal.reward > 0 ? 'good' : signal.reward < 0 ? 'bad' : 'neutral';
  return (
    <div
      className="signal-badge"
      data-testid="signal-badge"
      data-kind={signal.kind}
      data-reward={signal.reward}
      data-tone={tone}
      data-fate={signal.fate}
      data-decided-by={signal.decidedBy}
    >
      <span className="signal-kind">{KIND_LABEL[signal.kind] ?? signal.kind}</span>
      <span className="signal-reward">{reward}</span>
      <span className="signal-trust" data-testid="signal-trust" title={signal.evidence.join('\n')}>
        {trustWords(signal)}
      </span>
      {hint && !removed ? (
        <span className="signal-hint" data-testid="signal-hint" data-status={hint.status} title={`hint (${hint.source}, ${hint.status})`}>
          hint: {hint.text}
          {hint.status === 'pending' ? ' · awaiting review' : hint.status === 'rejected' ? ' · rejected' : ''}
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
