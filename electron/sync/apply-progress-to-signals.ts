import type { ProgressEvent } from '../../shared/protocol/box-stream';
import type { SignalRepository } from '../store/signal-repository';

/**
 * What the box's progress says about the app's signals (sample ids are signal ids): who decided each
 * reward and whether it trains (sample_ready / not_trained verdicts), which ones a step trained, and
 * whether a removal came after training (reverted). Runs in the sync worker's transaction with the
 * timeline write; a removal by the user always wins over a later box verdict.
 */
export function applyProgressToSignals(signals: SignalRepository, progress: ProgressEvent): void {
  if (progress.kind === 'training_step') {
    signals.markTrained(progress.sampleIds);
    return;
  }
  const verdict = progress.verdict;
  const sampleId = progress.sampleIds.length === 1 ? progress.sampleIds[0] : undefined;
  if (!verdict || sampleId === undefined) return;
  if (progress.kind === 'withdrawn') {
    if (verdict.fate === 'reverted') signals.markReverted(sampleId);
    return;
  }
  if (progress.kind === 'sample_ready' || progress.kind === 'not_trained') {
    signals.updateTrust(sampleId, { decidedBy: verdict.decidedBy, judgeTally: verdict.judgeTally, fate: verdict.fate });
  }
}
