import { z } from 'zod';
import {
  DecidedBySchema,
  HintStatusSchema,
  IdSchema,
  JudgeTallySchema,
  RewardSchema,
  SignalKindSchema,
  SignalSourceSchema,
  TrainingFateSchema,
} from './domain';

/**
 * What the Learning tab shows of a persona, computed by the core from the store (one source for the
 * curve, the tiles and the rows).
 */

/** Where a signal is on its way to training. */
export const SignalStageSchema = z.enum([
  /** The persona's learning is off: it stays on this machine. */
  'not_sent',
  /** Its hint waits for the user's review before anything leaves. */
  'held',
  /** Waiting to be delivered to the box. */
  'queued',
  /** Sent; the box has not confirmed it stored it yet. */
  'delivered',
  /** The box stored it; it waits for a training step. */
  'acknowledged',
  /** A training step used it. */
  'trained',
  /** The box refused it for good. */
  'rejected',
  /** It will not train: removed by the user, unsure, nothing to learn, or not from the box's model (see `fate`). */
  'not_training',
]);
export type SignalStage = z.infer<typeof SignalStageSchema>;

/** One signal with its whole life folded into one row. */
export const SignalLifeSchema = z.object({
  signalId: IdSchema,
  personaId: IdSchema,
  conversationId: IdSchema,
  /** The reply it judges. */
  messageId: IdSchema,
  kind: SignalKindSchema,
  reward: RewardSchema,
  source: SignalSourceSchema,
  evidence: z.array(z.string()),
  decidedBy: DecidedBySchema,
  judgeTally: JudgeTallySchema.nullable(),
  fate: TrainingFateSchema,
  removedAt: z.number().nullable(),
  hint: z.object({ text: z.string(), status: HintStatusSchema }).nullable(),
  createdAt: z.number(),
  /** The start of the reply it judges, as the thread shows it. */
  reply: z.string(),
  /** The start of the user's message the reply answered. */
  question: z.string().nullable(),
  /** The start of the user's message the signal was read from (a follow-up), if any. */
  followUp: z.string().nullable(),
  stage: SignalStageSchema,
  deliveredAt: z.number().nullable(),
  acknowledgedAt: z.number().nullable(),
  trained: z.object({ step: z.number().int().nullable(), at: z.number(), policyVersion: z.string().nullable() }).nullable(),
  /** Why the box refused it, when it did. */
  error: z.string().nullable(),
});
export type SignalLife = z.infer<typeof SignalLifeSchema>;

/** One point of the acceptance curve: the share of the last `replies` judged replies the user accepted. */
export const AcceptancePointSchema = z.object({
  at: z.number(),
  rate: z.number().min(0).max(1),
  replies: z.number().int(),
  policyVersion: z.string().nullable(),
});
export type AcceptancePoint = z.infer<typeof AcceptancePointSchema>;

export const LearningSummarySchema = z.object({
  /** Rolling share of judged replies accepted without a correction, re-ask or other complaint. */
  curve: z.array(AcceptancePointSchema),
  /** How many judged replies each point looks back over (at most). */
  window: z.number().int(),
  /** When each policy version started serving (the box's announcements), oldest first. */
  versions: z.array(z.object({ at: z.number(), version: z.string() })),
  tiles: z.object({
    /** The latest point of the curve; null before any reply was judged. */
    acceptedRate: z.number().nullable(),
    /** Share of the same replies the user asked again (re-asked or regenerated). */
    reaskRate: z.number().nullable(),
    judgedReplies: z.number().int(),
    /** The counts below are over the signals the list shows (live signals with something to learn), all of them: the list carries the newest 5,000. */
    signals: z.number().int(),
    signalsThisWeek: z.number().int(),
    /** Queued, delivered or acknowledged: on the way to a training step. */
    waitingToTrain: z.number().int(),
    heldForReview: z.number().int(),
    trained: z.number().int(),
    rejected: z.number().int(),
    /** Removed by you, unsure, nothing to learn, or not from the box's model. */
    notTraining: z.number().int(),
    notSent: z.number().int(),
    policyVersion: z.string().nullable(),
  }),
  /** The box's latest error reports, newest first. */
  boxErrors: z.array(z.object({ at: z.number(), text: z.string() })),
});
export type LearningSummary = z.infer<typeof LearningSummarySchema>;
