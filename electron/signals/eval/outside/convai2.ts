import { z } from 'zod';
import type { Reward } from '../../../../shared/domain';
import type { Turn } from '../../types';
import { makeOutsideRecord, type OutsideRecord } from './outside-record';

/**
 * ConvAI2 "wild" evaluation (DeepPavlovAdmin/convai, data/data_volunteers.json and data/data_intermediate.json):
 * volunteers chatted with competition bots in Telegram/Messenger and could press 👍 / 👎 under any bot message
 * (`evaluation_score` 1 / 0 on the bot message; null when not pressed). The person who rated is the person who
 * wrote the follow-up, so the label is that user's own verdict on the reply.
 *
 * Two mappings (documented in electron/signals/README.md), both from dialogues where the volunteer rated at
 * least one bot message (they used the buttons):
 *   'all'   — 👍 (1) → +1, 👎 (0) → −1, an unrated bot message → 0 (no strong verdict). Has a neutral class, so
 *             abstaining is scored; but a +1 on an unrated, fine reply counts as wrong.
 *   'rated' — only rated messages, 👍 → +1, 👎 → −1: the user's own verdict is known for every record. The
 *             precision of the detector's rewards is measured here (and the calibration table is derived here).
 * Only bot messages followed directly by a human message become records (the follow-up the detector reads).
 */
const MessageSchema = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  text: z.string(),
  sender_class: z.enum(['Human', 'Bot']),
  evaluation_score: z.union([z.literal(0), z.literal(1), z.null()]).optional(),
});
const DialogueSchema = z.object({ dialog: z.array(MessageSchema) });
export const ConvAi2FileSchema = z.array(DialogueSchema);

export type ConvAi2Mapping = 'all' | 'rated';

/** `fileTag` names the file in record ids ("volunteers", "intermediate"); dialogues are numbered by position. */
export function convertConvAi2(data: unknown, fileTag: string, mapping: ConvAi2Mapping): OutsideRecord[] {
  const dialogues = ConvAi2FileSchema.parse(data);
  const out: OutsideRecord[] = [];
  dialogues.forEach((dialogue, index) => {
    const messages = dialogue.dialog;
    if (!messages.some((m) => m.sender_class === 'Bot' && typeof m.evaluation_score === 'number')) return;
    const dialogueId = `${fileTag}-${index}`;
    const context: Turn[] = [];
    messages.forEach((message, i) => {
      const next = messages[i + 1];
      const score = message.evaluation_score ?? null;
      const wanted = mapping === 'all' || score !== null;
      if (message.sender_class === 'Bot' && wanted && next?.sender_class === 'Human' && message.text.trim() && next.text.trim()) {
        const polarity: Reward = score === 1 ? 1 : score === 0 ? -1 : 0;
        out.push(makeOutsideRecord('convai2', dialogueId, i, [...context], message.text, next.text, polarity));
      }
      context.push({ role: message.sender_class === 'Bot' ? 'assistant' : 'user', content: message.text });
    });
  });
  return out;
}
