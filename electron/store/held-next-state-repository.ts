import { SignalSampleSchema, type SignalSample } from '../../shared/protocol/box-stream';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

type NextState = SignalSample['nextState'];
const NextStateSchema = SignalSampleSchema.shape.nextState;

/**
 * The real next state of a held outbox row, kept off the payload until its hint is reviewed
 * (the held payload carries a placeholder). Callers run these inside the review's transaction.
 */
export class HeldNextStateRepository {
  constructor(private readonly db: Db) {}

  keep(sampleId: string, nextState: NextState): void {
    prepareOnce(this.db, `INSERT INTO held_next_states (sample_id, next_state) VALUES (?, ?)`)
      .run(sampleId, JSON.stringify(NextStateSchema.parse(nextState)));
  }

  /** Removes and returns the kept next state; undefined when none was kept for this sample. */
  take(sampleId: string): NextState | undefined {
    const row = prepareOnce(this.db, `DELETE FROM held_next_states WHERE sample_id = ? RETURNING next_state`).get(sampleId) as
      | { next_state: string }
      | undefined;
    return row ? NextStateSchema.parse(JSON.parse(row.next_state)) : undefined;
  }
}
