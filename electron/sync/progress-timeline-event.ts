import type { ProgressEvent } from '../../shared/protocol/box-stream';
import type { NewTimelineEvent } from '../store/timeline-repository';

/**
 * A box progress event as a timeline entry. The id is derived from the box's id, its seq and the
 * persona, so a replayed event lands on the same row and adds nothing, while another box's (or a reset
 * box's) seq 1 is a new row. `boxId` null: a box too old to send its id (the ids used before box ids).
 */
export function progressTimelineEvent(event: ProgressEvent, boxId: string | null): NewTimelineEvent {
  return {
    id: boxId === null ? `progress:${event.seq}:${event.personaId}` : `progress:${boxId}:${event.seq}:${event.personaId}`,
    personaId: event.personaId,
    kind: event.kind,
    sampleId: event.sampleIds.length === 1 ? (event.sampleIds[0] ?? null) : null,
    messageId: null,
    summary: event.message.trim() || defaultSummary(event),
    data: {
      metrics: event.metrics,
      step: event.step,
      policyVersion: event.policyVersion,
      sampleIds: event.sampleIds,
      progressSeq: event.seq,
      boxId,
      ...(event.verdict ? { verdict: event.verdict } : {}),
    },
    createdAt: event.at,
  };
}

function defaultSummary(event: ProgressEvent): string {
  switch (event.kind) {
    case 'sample_ready':
      return `${event.sampleIds.length} training sample${event.sampleIds.length === 1 ? '' : 's'} ready`;
    case 'training_step':
      return event.step === null ? 'Training step finished' : `Training step ${event.step} finished`;
    case 'policy_version':
      return event.policyVersion ? `Now serving policy ${event.policyVersion}` : 'New policy weights loaded';
    case 'error':
      return 'The box reported an error';
    case 'not_trained':
      return 'Not trained';
    case 'withdrawn':
      return 'Removed: it will not train';
  }
}
