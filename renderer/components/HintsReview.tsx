import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Persona } from '../../shared/domain';
import type { InvokeResponse } from '../../shared/ipc/contract';
import { useHints, type HintFilter } from '../data/queries';
import { queryKeys } from '../data/query-keys';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';

const FILTERS: HintFilter[] = ['pending', 'approved', 'rejected', 'auto', 'all'];

/** Hints the persona collected; in review mode they wait here until approved (optionally edited) or rejected. */
export function HintsReview({ persona }: { persona: Persona }) {
  const [filter, setFilter] = useState<HintFilter>('pending');
  const hints = useHints(persona.id, filter);
  return (
    <section className="hints-view" aria-label="Hints" data-testid="hints-view">
      <header className="view-header">
        <div>
          <h2>Hints</h2>
          <p className="muted small">
            {persona.hintMode === 'review'
              ? 'Review mode: a hint, and the words it was built from, leave this machine only after you approve it. A rejected one never does; its signal goes with only the reward.'
              : 'Automatic mode: hints go to the box as they are made. Switch the persona to review mode to approve them first.'}
          </p>
        </div>
        <div className="chips" role="tablist" aria-label="Hint status">
          {FILTERS.map((f) => (
            <button key={f} type="button" role="tab" aria-selected={filter === f} className={filter === f ? 'chip active' : 'chip'} onClick={() => setFilter(f)}>
              {f}
            </button>
          ))}
        </div>
      </header>
      {hints.error ? <p className="inline-error">{describeError(hints.error)}</p> : null}
      {hints.data?.length === 0 ? <p className="muted center">No {filter === 'all' ? '' : filter} hints.</p> : null}
      <ul className="hint-list">
        {hints.data?.map((hint) => <HintRow key={hint.id} hint={hint} />)}
      </ul>
    </section>
  );
}

type ListedHint = InvokeResponse<'hints:list'>[number];

function HintRow({ hint }: { hint: ListedHint }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [text, setText] = useState(hint.text);
  const review = useMutation({
    mutationFn: (action: 'approve' | 'reject') =>
      api.invoke('hints:review', { hintId: hint.id, action, ...(action === 'approve' && text.trim() !== hint.text ? { text: text.trim() } : {}) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.hintsAll(hint.personaId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.boxStatus });
    },
  });
  const editable = hint.status === 'pending';
  return (
    <li className="hint-row" data-testid="hint-row" data-status={hint.status}>
      <div className="hint-meta small muted">
        <span className={`pill ${hint.status}`}>{hint.status}</span> from {hint.source} · {new Date(hint.createdAt).toLocaleString()}
      </div>
      {hint.context ? <HintContext context={hint.context} /> : null}
      {editable ? (
        <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} aria-label="Hint text" maxLength={2000} />
      ) : (
        <p className="hint-text">{hint.text}</p>
      )}
      {editable ? (
        <div className="actions">
          <button type="button" onClick={() => review.mutate('reject')} disabled={review.isPending} data-testid="hint-reject">
            Reject
          </button>
          <button type="button" className="primary" onClick={() => review.mutate('approve')} disabled={review.isPending || !text.trim()} data-testid="hint-approve">
            {text.trim() !== hint.text ? 'Approve edited' : 'Approve'}
          </button>
        </div>
      ) : null}
      {review.error ? <p className="inline-error small">{describeError(review.error)}</p> : null}
    </li>
  );
}

/** What the hint is about: the exchange it was read from. */
function HintContext({ context }: { context: NonNullable<ListedHint['context']> }) {
  return (
    <dl className="hint-context small" data-testid="hint-context">
      {context.question ? (
        <>
          <dt>You asked</dt>
          <dd>{context.question}</dd>
        </>
      ) : null}
      <dt>It replied</dt>
      <dd>{context.reply}</dd>
      {context.followUp ? (
        <>
          <dt>You said next</dt>
          <dd>{context.followUp}</dd>
        </>
      ) : null}
    </dl>
  );
}
