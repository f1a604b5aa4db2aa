import { z } from 'zod';
import { isWellFormedText } from './well-formed-text';

/** Entities the app stores and shows. Timestamps are epoch milliseconds. */

/** Ids are idempotency keys: they must reach SQLite and the box byte for byte, so no lone surrogates. */
export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .refine(isWellFormedText, 'must be well-formed Unicode (it holds a lone UTF-16 surrogate half)');

export const RewardSchema = z.union([z.literal(-1), z.literal(0), z.literal(1)]);
export type Reward = z.infer<typeof RewardSchema>;

/** What the signal engine infers from the user's next message (also the eval labels). */
export const InferredLabelSchema = z.enum(['positive', 'correction', 'requery', 'neutral', 'negative_other']);
export type InferredLabel = z.infer<typeof InferredLabelSchema>;

/** What the user said explicitly; explicit signals beat inferred ones for the same turn. */
export const ExplicitKindSchema = z.enum(['thumb_up', 'thumb_down', 'inline_mark', 'edit', 'regenerate']);
export type ExplicitKind = z.infer<typeof ExplicitKindSchema>;

export const SignalKindSchema = z.union([InferredLabelSchema, ExplicitKindSchema]);
export type SignalKind = z.infer<typeof SignalKindSchema>;

export const SignalSourceSchema = z.enum(['heuristic', 'judge', 'explicit']);
export type SignalSource = z.infer<typeof SignalSourceSchema>;

export const HintModeSchema = z.enum(['auto', 'review']);

/** Who decided the reward a signal trains with: the user's own action, the PRM judge, or the on-device detector. */
export const DecidedBySchema = z.enum(['user', 'judge', 'detector']);
export type DecidedBy = z.infer<typeof DecidedBySchema>;

/** A judge's m votes, counted. `invalid`: a vote with no usable \boxed{} (failed, cut at its token budget, garbage). */
export const JudgeTallySchema = z.object({
  plus: z.number().int().min(0),
  minus: z.number().int().min(0),
  zero: z.number().int().min(0),
  invalid: z.number().int().min(0),
});
export type JudgeTally = z.infer<typeof JudgeTallySchema>;

/**
 * Whether a signal trains, and if not, why:
 *  - awaiting_judge: inferred; the judge (the box's, or the app's) will decide its reward;
 *  - will_train: decided, with a reward or a hint to learn from; it waits for a training step;
 *  - trained: a training step used it;
 *  - unsure: inferred, no judge, and the detector's confidence is not one that is trusted alone;
 *  - no_signal: decided 0 (neutral, a judge tie) with no hint: nothing to learn;
 *  - not_from_policy: the reply was not served by the box's policy, so its text never trains;
 *  - removed: the user removed it before it trained; reverted: removed after it trained (left out of later steps).
 */
export const TrainingFateSchema = z.enum([
  'awaiting_judge',
  'will_train',
  'trained',
  'unsure',
  'no_signal',
  'not_from_policy',
  'removed',
  'reverted',
]);
export type TrainingFate = z.infer<typeof TrainingFateSchema>;

/** Which model served a reply: the box's policy, or another OpenAI-compatible endpoint. */
export const ServedBySchema = z.enum(['box', 'other']);
export type ServedBy = z.infer<typeof ServedBySchema>;
export type HintMode = z.infer<typeof HintModeSchema>;

/**
 * A persona's own chat parameters; null (or absent) falls back to the policy settings. `learning`
 * false: signals are still read and shown, but nothing of this persona's chats goes to the box to
 * train (absent: on).
 */
export const PersonaParametersSchema = z.object({
  model: z.string().trim().max(500).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
  learning: z.boolean().optional(),
});
export type PersonaParameters = z.infer<typeof PersonaParametersSchema>;

export const PersonaSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(200),
  systemPrompt: z.string().max(100_000),
  hintMode: HintModeSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  ...PersonaParametersSchema.shape,
});
export type Persona = z.infer<typeof PersonaSchema>;

export const ConversationSchema = z.object({
  id: IdSchema,
  personaId: IdSchema,
  title: z.string().max(500),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

export const MessageRoleSchema = z.enum(['user', 'assistant']);
export type MessageRole = z.infer<typeof MessageRoleSchema>;

/** streaming → complete | stopped (user pressed stop) | error (stored with its message). */
export const MessageStatusSchema = z.enum(['streaming', 'complete', 'stopped', 'error']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/**
 * How a reply ended short of finishing. cut_off: the stream closed with no finish_reason and no
 * [DONE] (stored as an 'error' reply: kept and shown, never trained); token_limit: the server
 * stopped at max_tokens (finish_reason "length").
 */
export const MessageTruncationSchema = z.enum(['cut_off', 'token_limit']);
export type MessageTruncation = z.infer<typeof MessageTruncationSchema>;

export const MessageSchema = z.object({
  id: IdSchema,
  conversationId: IdSchema,
  seq: z.number().int(),
  role: MessageRoleSchema,
  content: z.string(),
  status: MessageStatusSchema,
  error: z.string().nullable(),
  model: z.string().nullable(),
  policyVersion: z.string().nullable(),
  /** Set on a regenerated (or retried) reply: the version it was made to replace. */
  replacesId: IdSchema.nullable(),
  /** When a newer version (a regeneration, a retry) replaced this reply; it stays stored as an earlier version. */
  supersededAt: z.number().nullable(),
  /** Assistant replies: whether the box's policy served it (only such replies train); null: unknown (older rows, user messages). */
  servedBy: ServedBySchema.nullable().optional(),
  /**
   * The message this one answers (a reply: its user message; a user message: the reply before it);
   * null for a first message. Messages with the same parent are versions of one turn.
   */
  parentId: IdSchema.nullable().optional(),
  /** The user's rewrite of this reply: what the thread shows and later turns see (`content` stays what the model said). */
  editedContent: z.string().nullable().optional(),
  /**
   * What a reasoning model thought before answering, when its server sent it apart from the answer
   * (reasoning_content). Shown apart; never sent back as context, never trained on.
   */
  reasoning: z.string().nullable().optional(),
  /** In thread listings: every version of this turn, oldest first, this one included. */
  versionIds: z.array(IdSchema).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Set when the reply ended short (see MessageTruncationSchema); null or absent otherwise. */
  truncation: MessageTruncationSchema.nullable().optional(),
});
export type Message = z.infer<typeof MessageSchema>;

export const SignalSchema = z.object({
  id: IdSchema,
  personaId: IdSchema,
  conversationId: IdSchema,
  /** The assistant message this signal judges. */
  messageId: IdSchema,
  kind: SignalKindSchema,
  reward: RewardSchema,
  confidence: z.number().min(0).max(1),
  source: SignalSourceSchema,
  evidence: z.array(z.string()),
  /** The user message (if any) the signal was read from. */
  triggerMessageId: IdSchema.nullable(),
  /** A later signal for the same turn that replaces this one (explicit beats inferred). */
  supersededBy: IdSchema.nullable(),
  /** Who decided the reward it trains with (an inferred one: the judge once it has voted). */
  decidedBy: DecidedBySchema,
  /** The judge's votes when a judge decided it. */
  judgeTally: JudgeTallySchema.nullable(),
  fate: TrainingFateSchema,
  /** When the user removed it ("that wasn't a correction", a thumb toggled off). */
  removedAt: z.number().nullable(),
  createdAt: z.number(),
});
export type Signal = z.infer<typeof SignalSchema>;

export const HintStatusSchema = z.enum(['auto', 'pending', 'approved', 'rejected']);
export type HintStatus = z.infer<typeof HintStatusSchema>;

export const HintSourceSchema = z.enum(['rule', 'judge', 'user']);
export type HintSource = z.infer<typeof HintSourceSchema>;

export const HintSchema = z.object({
  id: IdSchema,
  signalId: IdSchema,
  personaId: IdSchema,
  messageId: IdSchema,
  text: z.string().min(1).max(2_000),
  source: HintSourceSchema,
  status: HintStatusSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Hint = z.infer<typeof HintSchema>;

export const TimelineKindSchema = z.enum([
  'signal',
  'hint',
  'hint_reviewed',
  'judge',
  /** The box refused a sample for good, or it was too big to send. (When samples are sent and stored, the outbox says.) */
  'rejected',
  'sample_ready',
  'training_step',
  'policy_version',
  'error',
  /** The box settled a signal without training it (judge 0, unsure, not from the box's model). */
  'not_trained',
  /** The user removed a signal. */
  'removed',
  /** The box withdrew a removed signal (before training, or from every later step). */
  'withdrawn',
]);
export type TimelineKind = z.infer<typeof TimelineKindSchema>;

export const TimelineEventSchema = z.object({
  seq: z.number().int(),
  /** Stable id; inserting the same id twice is a no-op (idempotent replays). */
  id: z.string().min(1).max(256),
  personaId: IdSchema,
  kind: TimelineKindSchema,
  sampleId: z.string().nullable(),
  messageId: z.string().nullable(),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export const BoxConnectionStateSchema = z.enum([
  'unconfigured',
  'connecting',
  'connected',
  'disconnected',
  'unauthorized',
  'incompatible',
]);
export type BoxConnectionState = z.infer<typeof BoxConnectionStateSchema>;

export const BoxStatusSchema = z.object({
  state: BoxConnectionStateSchema,
  url: z.string(),
  detail: z.string(),
  /** Outbox rows waiting to be acknowledged by the box. */
  pending: z.number().int(),
  /** Outbox rows held back because their hint awaits review. */
  held: z.number().int(),
  acked: z.number().int(),
  lastAckAt: z.number().nullable(),
  policyVersion: z.string().nullable(),
  /** When disconnected: milliseconds until the next reconnect attempt. */
  retryInMs: z.number().nullable(),
});
export type BoxStatus = z.infer<typeof BoxStatusSchema>;

export const JudgeModeSchema = z.enum(['off', 'uncertain', 'always']);
export type JudgeMode = z.infer<typeof JudgeModeSchema>;

export const SettingsSchema = z.object({
  box: z.object({
    /** Base URL of the box gateway, e.g. http://gpu-box:8787 */
    url: z.string().max(2_000),
    hasToken: z.boolean(),
  }),
  policy: z.object({
    /** OpenAI-compatible base URL ending in /v1; empty means `${box.url}/v1`. */
    endpoint: z.string().max(2_000),
    model: z.string().max(500),
    temperature: z.number().min(0).max(2),
    maxTokens: z.number().int().min(1).max(1_000_000),
  }),
  judge: z.object({
    /**
     * The app's own judge (with a box, the box's judge decides and this one runs only at an endpoint of
     * its own): always (default) judge every inferred turn; uncertain: only when the detector is unsure;
     * off: never (inferred rewards then train only in confidence buckets trusted without a judge).
     */
    mode: JudgeModeSchema,
    endpoint: z.string().max(2_000),
    model: z.string().max(500),
    votes: z.number().int().min(1).max(15),
    timeoutMs: z.number().int().min(1_000).max(600_000),
  }),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** How the box token is kept on this machine, as the settings tell the user (app:info). */
export const TokenProtectionSchema = z.object({
  /** false: the token is readable by anyone who can read the app data folder (basic_text, plain file). */
  protectedByKeychain: z.boolean(),
  detail: z.string().max(1_000),
});
export type TokenProtection = z.infer<typeof TokenProtectionSchema>;

export const SettingsPatchSchema = z.object({
  box: SettingsSchema.shape.box.omit({ hasToken: true }).partial().optional(),
  policy: SettingsSchema.shape.policy.partial().optional(),
  judge: SettingsSchema.shape.judge.partial().optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Reward polarity of each signal kind; the signal engine may still return 0 when it is unsure. */
export const REWARD_OF_KIND: Record<SignalKind, Reward> = {
  positive: 1,
  correction: -1,
  requery: -1,
  neutral: 0,
  negative_other: -1,
  thumb_up: 1,
  thumb_down: -1,
  inline_mark: -1,
  edit: -1,
  regenerate: -1,
};
