import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SignalLife } from '../../shared/learning';
import { signalWords, stageWords } from '../signals/signal-words';
import { useUi } from '../state/ui-store-context';

/**
 * One row per signal, newest first, with its life folded in and its details on demand. Virtualised;
 * reachable by keyboard (Tab into the list, ↑/↓/Home/End between rows, Enter opens a row). A badge's
 * link in the chat opens its row here.
 */
export function SignalLifeList({ rows }: { rows: SignalLife[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const revealSignal = useUi((s) => s.revealSignal);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 8,
    getItemKey: (index) => rows[index]!.signalId,
  });

  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(rows.length - 1, index));
    setActive(target);
    virtualizer.scrollToIndex(target, { align: 'auto' });
    // The row may only exist after the scroll renders it.
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLButtonElement>(`[data-row-index="${target}"] .row-summary`)?.focus());
  };

  const revealIndex = revealSignal ? rows.findIndex((r) => r.signalId === revealSignal.signalId) : -1;
  useEffect(() => {
    if (!revealSignal || revealIndex < 0) return;
    const id = revealSignal.signalId;
    setOpen((current) => new Set(current).add(id));
    setHighlighted(id);
    setActive(revealIndex);
    virtualizer.scrollToIndex(revealIndex, { align: 'center' });
    const timer = setTimeout(() => setHighlighted(null), 4_000);
    return () => clearTimeout(timer);
    // Only a new reveal scrolls; rows arriving later must not pull the list back.
  }, [revealSignal?.nonce, revealIndex >= 0]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, Home: 0, End: rows.length - 1 };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    focusRow(next);
  };

  if (rows.length === 0) {
    return (
      <p className="muted center" data-testid="signal-rows-empty">
        Nothing yet. Correct a reply, thank it, or use 👍/👎 — each becomes a row here.
      </p>
    );
  }
  return (
    <div className="signal-rows-scroller" ref={scroller} onKeyDown={onKeyDown} data-testid="signal-rows">
      <ul className="signal-rows" aria-label="Signals, newest first" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          return (
            <li
              key={item.key}
              data-index={item.index}
              data-row-index={item.index}
              ref={virtualizer.measureElement}
              className={row.signalId === highlighted ? 'signal-row highlighted' : 'signal-row'}
              style={{ transform: `translateY(${item.start}px)` }}
              data-testid="signal-row"
              data-signal-id={row.signalId}
              data-stage={row.stage}
              data-kind={row.kind}
            >
              <SignalRow
                row={row}
                tabbable={item.index === Math.min(active, rows.length - 1)}
                expanded={open.has(row.signalId)}
                onFocus={() => setActive(item.index)}
                onToggle={() =>
                  setOpen((current) => {
                    const next = new Set(current);
                    if (next.has(row.signalId)) next.delete(row.signalId);
                    else next.add(row.signalId);
                    return next;
                  })
                }
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function SignalRow({
  row,
  tabbable,
  expanded,
  onFocus,
  onToggle,
}: {
  row: SignalLife;
  tabbable: boolean;
  expanded: boolean;
  onFocus: () => void;
  onToggle: () => void;
}) {
  const revealMessage = useUi((s) => s.revealMessage);
  const words = signalWords(row);
  const detailsId = `signal-details-${row.signalId}`;
  return (
    <>
      <button
        type="button"
        className="row-summary"
        tabIndex={tabbable ? 0 : -1}
        aria-expanded={expanded}
        aria-controls={detailsId}
        onFocus={onFocus}
        onClick={onToggle}
      >
        <span className="row-label" data-tone={words.tone}>
          {words.label}
        </span>
        <span className="row-reply">“{row.reply || '…'}”</span>
        <LifeSteps row={row} />
        <time className="small muted" dateTime={new Date(row.createdAt).toISOString()}>
          {new Date(row.createdAt).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}
        </time>
      </button>
      {expanded ? (
        <div className="row-details small" id={detailsId} data-testid="signal-details">
          {row.question ? (
            <p>
              <span className="muted">You asked:</span> {row.question}
            </p>
          ) : null}
          <p>
            <span className="muted">It replied:</span> {row.reply}
          </p>
          {row.followUp ? (
            <p>
              <span className="muted">You said next:</span> {row.followUp}
            </p>
          ) : null}
          <p>
            <span className="muted">Decided by:</span> {words.decidedBy}
          </p>
          {row.hint ? (
            <p>
              <span className="muted">Hint{row.hint.status === 'pending' ? ' (waiting for your review)' : row.hint.status === 'rejected' ? ' (you rejected it)' : ''}:</span>{' '}
              {row.hint.text}
            </p>
          ) : null}
          <p>
            <span className="muted">Now:</span> {stageWords(row.stage, row.trained?.step ?? null, row.error, row.fate)}
            {row.trained?.policyVersion ? ` → ${row.trained.policyVersion}` : ''}
          </p>
          <button
            type="button"
            className="text-button"
            data-testid="row-show-message"
            onClick={() => revealMessage({ personaId: row.personaId, conversationId: row.conversationId, messageId: row.messageId })}
          >
            Show the reply in its conversation →
          </button>
        </div>
      ) : null}
    </>
  );
}

/** Sent → Stored → Trained in step N, each step marked when done (or what stopped it instead). */
function LifeSteps({ row }: { row: SignalLife }) {
  if (row.stage === 'not_sent' || row.stage === 'held' || row.stage === 'rejected' || row.stage === 'not_training') {
    return (
      <span className="life-steps small" data-testid="life-steps" data-stage={row.stage}>
        {stageWords(row.stage, null, row.error, row.fate)}
      </span>
    );
  }
  const sent = row.deliveredAt !== null || row.stage === 'trained';
  const stored = row.acknowledgedAt !== null || row.stage === 'trained';
  const trained = row.stage === 'trained';
  return (
    <span className="life-steps small" data-testid="life-steps" data-stage={row.stage}>
      <Step done={sent}>sent</Step> → <Step done={stored}>stored</Step> →{' '}
      <Step done={trained}>{trained && row.trained?.step !== null && row.trained ? `trained in step ${row.trained.step}` : 'trained'}</Step>
    </span>
  );
}

function Step({ done, children }: { done: boolean; children: string }) {
  return (
    <span className={done ? 'life-step done' : 'life-step'} aria-label={`${children}: ${done ? 'done' : 'not yet'}`}>
      {done ? '✓ ' : ''}
      {children}
    </span>
  );
}
