import { z } from 'zod';
import type { Reward } from '../../../../shared/domain';
import type { Turn } from '../../types';
import { makeOutsideRecord, type OutsideRecord } from './outside-record';

/**
 * DBDC3 English (dbd-challenge/dbdc3, docs/data/DBDC3.zip, folder dbdc3_revised/en; MIT licence): chats of
 * people with four chit-chat bots (CIC, IRIS, TickTock, YI); every bot utterance was labelled by about 30
 * crowd workers as O (not a breakdown), T (possible breakdown) or X (breakdown).
 *
 * Mapping (documented in electron/signals/README.md): the reply is −1 when at least half of its annotators
 * said X, +1 when at least half said O, else 0. The label is on the reply, not the follow-up: a follow-up that
 * says nothing about the reply is counted against every method alike (detector, keyword rule, always-neutral).
 */
const AnnotationSchema = z.object({ breakdown: z.enum(['O', 'T', 'X']) });
const TurnSchema = z.object({
  speaker: z.enum(['U', 'S']),
  utterance: z.string(),
  'turn-index': z.number().optional(),
  annotations: z.array(AnnotationSchema).optional(),
});
export const Dbdc3DialogueSchema = z.object({ 'dialogue-id': z.string(), turns: z.array(TurnSchema) });

export function polarityOfBreakdown(annotations: ReadonlyArray<{ breakdown: 'O' | 'T' | 'X' }>): Reward | null {
  if (annotations.length === 0) return null;
  const share = (label: 'O' | 'X'): number => annotations.filter((a) => a.breakdown === label).length / annotations.length;
  if (share('X') >= 0.5) return -1;
  if (share('O') >= 0.5) return 1;
  return 0;
}

export function convertDbdc3Dialogue(data: unknown): OutsideRecord[] {
  const dialogue = Dbdc3DialogueSchema.parse(data);
  const out: OutsideRecord[] = [];
  const context: Turn[] = [];
  dialogue.turns.forEach((turn, i) => {
    const next = dialogue.turns[i + 1];
    const polarity = turn.speaker === 'S' ? polarityOfBreakdown(turn.annotations ?? []) : null;
    if (polarity !== null && next?.speaker === 'U' && turn.utterance.trim() && next.utterance.trim()) {
      out.push(makeOutsideRecord('dbdc3', dialogue['dialogue-id'], turn['turn-index'] ?? i, [...context], turn.utterance, next.utterance, polarity));
    }
    context.push({ role: turn.speaker === 'S' ? 'assistant' : 'user', content: turn.utterance });
  });
  return out;
}
