import { z } from 'zod';
import { DecidedBySchema, JudgeTallySchema, TrainingFateSchema, type TimelineEvent, type TimelineKind } from '../../shared/domain';
import { decidedByWords, FATE_WORDS } from '../../shared/trust-words';

/** Who decided and whether it trains, as signal events (data) and box verdicts (data.verdict) carry it. */
const TrustFactsSchema = z.object({
  decidedBy: DecidedBySchema,
  judgeTally: JudgeTallySchema.nullable().optional(),
  fate: TrainingFateSchema,
});

export const TIMELINE_KIND_LABEL: Record<TimelineKind, string> = {
  signal: 'Signal',
  hint: 'Hint',
  hint_reviewed: 'Hint reviewed',
  judge: 'Judge',
  delivered: 'Delivered to box',
  acknowledged: 'Acknowledged',
  rejected: 'Rejected by box',
  sample_ready: 'Sample ready',
  training_step: 'Training step',
  policy_version: 'Policy version',
  error: 'Error',
  not_trained: 'Not trained',
  removed: 'Removed',
  withdrawn: 'Withdrawn',
};

function format(value: unknown): string | null {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 77)}…` : value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return null;
}

/** Small "key value" facts for a timeline row, read defensively from the event's free-form data. */
export function eventFacts(event: TimelineEvent): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  const add = (label: string, value: unknown) => {
    const text = format(value);
    if (text !== null && text !== '') facts.push([label, text]);
  };
  const data = event.data;
  if (event.kind === 'training_step') add('step', data['step']);
  const metrics = data['metrics'];
  if (metrics && typeof metrics === 'object' && !Array.isArray(metrics)) {
    for (const [key, value] of Object.entries(metrics as Record<string, unknown>).slice(0, 6)) add(key.replace(/_/g, ' '), value);
  }
  if (event.kind === 'signal' || event.kind === 'judge') {
    add('kind', data['kind'] ?? data['label']);
    add('reward', data['reward']);
    add('source', data['source']);
  }
  const trust = TrustFactsSchema.safeParse(data['verdict'] ?? data);
  if (trust.success && event.kind !== 'removed') {
    add('decided by', decidedByWords(trust.data.decidedBy, trust.data.judgeTally ?? null));
    add('trains', FATE_WORDS[trust.data.fate]);
  }
  add('policy', data['policyVersion']);
  if (event.sampleId) facts.push(['sample', event.sampleId.length > 12 ? `${event.sampleId.slice(0, 12)}…` : event.sampleId]);
  return facts;
}

/** Hint text, when the event carries one (hint events, and signals that came with a hint). */
export function eventHint(event: TimelineEvent): string | null {
  for (const key of ['hint', 'text', 'hintText']) {
    const value = event.data[key];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return null;
}
