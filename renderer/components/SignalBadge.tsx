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

/** What the app learned from this reply: signal kind, reward, who decided, and the hint if any. */
export function SignalBadge({ feedback }: { feedback: MessageFeedback }) {
  const { signal, hint } = feedback;
  const reward = signal.reward > 0 ? '+1' : signal.reward < 0 ? '−1' : '0';
  const tone = signal.reward > 0 ? 'good' : signal.reward < 0 ? 'bad' : 'neutral';
  return (
    <div className="signal-badge" data-testid="signal-badge" data-kind={signal.kind} data-reward={signal.reward} data-tone={tone}>
      <span className="signal-kind">{KIND_LABEL[signal.kind] ?? signal.kind}</span>
      <span className="signal-reward">{reward}</span>
      <span className="signal-source" title={signal.evidence.join('\n')}>
        {signal.source}
      </span>
      {hint ? (
        <span className="signal-hint" data-testid="signal-hint" data-status={hint.status} title={`hint (${hint.source}, ${hint.status})`}>
          hint: {hint.text}
          {hint.status === 'pending' ? ' · awaiting review' : hint.status === 'rejected' ? ' · rejected' : ''}
        </span>
      ) : null}
    </div>
  );
}
