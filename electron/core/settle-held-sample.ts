import type { AppStore } from '../store/app-store';
import { withheldNextState } from './withheld-next-state';

/**
 * Ends the hold on a signal's outbox row once its hint is reviewed. Approved: the row goes out with
 * the hint and the real next state. Rejected: it goes out with neither, only the reward and a
 * placeholder next state. Runs inside the caller's transaction; a row that is not held is left alone.
 */
export function releaseHeldSample(store: AppStore, signalId: string, approvedHint: string | null): void {
  const row = store.outbox.getBySignal(signalId);
  if (!row || row.state !== 'held') return;
  const kept = store.heldNextStates.take(row.sampleId);
  // Rows held before next states were kept aside still carry the real one in their payload.
  const real = kept === undefined ? row.sample.nextState : kept;
  const nextState = approvedHint !== null || real === null ? real : withheldNextState(row.sample.signalKind, row.sample.reward);
  store.outbox.release(row.sampleId, { ...row.sample, nextState, hint: approvedHint });
}

/**
 * Settles a held row whose hint will never be reviewed (its signal was replaced, its persona
 * deleted): it never goes out and stays as 'rejected' with `why`, so the held count drains.
 */
export function dropHeldSample(store: AppStore, signalId: string, why: string): void {
  const row = store.outbox.getBySignal(signalId);
  if (!row || row.state !== 'held') return;
  store.heldNextStates.take(row.sampleId);
  // The outbox rejects only pending rows. Both steps share the caller's transaction, so the sync
  // worker (its own connection) never sees the row pending.
  const nextState = row.sample.nextState === null ? null : withheldNextState(row.sample.signalKind, row.sample.reward);
  store.outbox.release(row.sampleId, { ...row.sample, nextState, hint: null });
  if (!store.outbox.markRejected(row.sampleId, why)) throw new Error(`outbox row ${row.sampleId} could not be settled`);
}
