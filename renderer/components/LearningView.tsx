import { useMutation } from '@tanstack/react-query';
import type { Persona } from '../../shared/domain';
import type { LearningSummary } from '../../shared/learning';
import { useLearningSignals, useLearningSummary } from '../data/queries';
import { saveFile } from '../data/save-file';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { plural } from '../signals/signal-words';
import { AcceptanceChart } from './AcceptanceChart';
import { SignalLifeList } from './SignalLifeList';

const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

/**
 * Is this persona getting better? The share of replies the user accepted, as a rolling line with the
 * policy versions marked on it; tiles counted over the signals the list shows (every one); one row per
 * signal with its life (sent → stored → trained in step N) and a link to the reply it judged.
 */
export function LearningView({ persona }: { persona: Persona }) {
  const summary = useLearningSummary(persona.id);
  const signals = useLearningSignals(persona.id);
  return (
    <section className="learning-view" aria-labelledby="learning-title" data-testid="timeline-view">
      <header className="view-header">
        <div>
          <h2 id="learning-title" data-testid="timeline-title">
            Learning — {persona.name}
          </h2>
          <p className="muted small">
            {persona.learning === false
              ? 'Learning is off for this persona: your feedback is read and shown here, but nothing is sent to train.'
              : 'How often you accept its replies, what you taught it, and what training did with it.'}
          </p>
        </div>
        <TrainingExports personaId={persona.id} />
      </header>
      {summary.error ? <p className="inline-error">{describeError(summary.error)}</p> : null}
      {summary.data ? <Tiles summary={summary.data} /> : null}
      {summary.data ? <AcceptanceChart summary={summary.data} /> : null}
      {summary.data && summary.data.boxErrors.length > 0 ? (
        <details className="box-errors small">
          <summary>{plural(summary.data.boxErrors.length, 'recent message')} from the box</summary>
          <ul>
            {summary.data.boxErrors.map((e) => (
              <li key={`${e.at}-${e.text}`}>
                <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time> — {e.text}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <h3 className="learning-list-title">What you taught it</h3>
      {signals.error ? <p className="inline-error">{describeError(signals.error)}</p> : null}
      {signals.data ? <SignalLifeList rows={signals.data} /> : null}
    </section>
  );
}

function Tiles({ summary }: { summary: LearningSummary }) {
  const { tiles } = summary;
  const judged = Math.min(tiles.judgedReplies, summary.window);
  return (
    <dl className="stats learning-tiles" data-testid="learning-tiles">
      <Tile
        id="accepted"
        label="accepted"
        value={percent(tiles.acceptedRate)}
        note={tiles.judgedReplies === 0 ? 'no replies judged yet' : `of the last ${plural(judged, 'reply', 'replies')} you reacted to`}
      />
      <Tile id="reasked" label="asked again" value={percent(tiles.reaskRate)} note="re-asked or regenerated" />
      <Tile id="week" label="this week" value={String(tiles.signalsThisWeek)} note={`of ${plural(tiles.signals, 'signal')}`} />
      <Tile
        id="waiting"
        label="waiting to train"
        value={String(tiles.waitingToTrain)}
        note={tiles.heldForReview > 0 ? `+ ${tiles.heldForReview} held for your review` : 'sent or stored, not yet trained'}
      />
      <Tile id="trained" label="trained" value={String(tiles.trained)} note={tiles.rejected > 0 ? `${tiles.rejected} refused by the box` : 'used by a training step'} />
      {tiles.notTraining > 0 ? (
        <Tile id="not-training" label="not training" value={String(tiles.notTraining)} note="removed, unsure, or not from your box's model" />
      ) : null}
      {tiles.notSent > 0 ? <Tile id="not-sent" label="not sent" value={String(tiles.notSent)} note="learning was off" /> : null}
      <Tile id="policy" label="serving" value={tiles.policyVersion ?? '—'} note="policy version" />
    </dl>
  );
}

function Tile({ id, label, value, note }: { id: string; label: string; value: string; note: string }) {
  return (
    <div className="stat" data-testid={`tile-${id}`}>
      <dt>{label}</dt>
      <dd data-testid={`tile-${id}-value`}>{value}</dd>
      <dd className="tile-note small muted">{note}</dd>
    </div>
  );
}

/** Training data to take elsewhere: accepted replies for fine-tuning, corrections as preference pairs. */
function TrainingExports({ personaId }: { personaId: string }) {
  const api = useApi();
  const exportTraining = useMutation({
    mutationFn: (format: 'openai-jsonl' | 'dpo-jsonl') => api.invoke('export:training', { personaId, format }),
    onSuccess: (file) => saveFile(file),
  });
  return (
    <div className="training-exports">
      <span className="small muted">Export training data:</span>
      <button type="button" className="text-button" data-testid="export-sft" disabled={exportTraining.isPending} onClick={() => exportTraining.mutate('openai-jsonl')}>
        Accepted replies (JSONL)
      </button>
      <button type="button" className="text-button" data-testid="export-dpo" disabled={exportTraining.isPending} onClick={() => exportTraining.mutate('dpo-jsonl')}>
        Corrections as preference pairs (DPO)
      </button>
      {exportTraining.data ? (
        <span className="small muted" role="status" data-testid="training-export-count">
          {plural(exportTraining.data.count, 'example')} saved
        </span>
      ) : null}
      {exportTraining.error ? <span className="inline-error small">{describeError(exportTraining.error)}</span> : null}
    </div>
  );
}
