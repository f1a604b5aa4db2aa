import { z } from 'zod';
import { DecidedBySchema, IdSchema, JudgeTallySchema, RewardSchema, SignalKindSchema, TrainingFateSchema } from '../domain';

/**
 * App ⇄ box wire protocol over ws `/v1/stream` (bearer token in the Authorization header).
 * Versioned: the client says `hello` with its protocol number; a box that cannot speak it
 * answers `incompatible` and closes. Both ends parse every frame with these schemas.
 */

export const BOX_PROTOCOL_VERSION = 1;
export const BOX_STREAM_PATH = '/v1/stream';
/** Close code the box uses for a missing or wrong token (HTTP 401 on the upgrade itself). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_INCOMPATIBLE = 4426;
export const CLOSE_BAD_FRAME = 4400;

export const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(1_000_000),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** One judged assistant turn, as the app delivers it. `sampleId` is the idempotency key. */
export const SignalSampleSchema = z.object({
  sampleId: IdSchema,
  personaId: IdSchema,
  conversationId: IdSchema,
  /** The assistant message id; also sent as the x-apprentice-turn header when it was generated. */
  turnId: IdSchema,
  /** Everything before the reply, system prompt first. */
  messages: z.array(ChatMessageSchema).min(1).max(10_000),
  response: z.string().max(1_000_000),
  /** The next state of the turn (OpenClaw-RL): the user's next message or the explicit feedback. */
  nextState: z
    .object({ role: z.enum(['user', 'feedback']), content: z.string().max(1_000_000) })
    .nullable(),
  reward: RewardSchema,
  /** 'none': the app had no confident reward; a box-side judge may score it. */
  rewardSource: z.enum(['heuristic', 'judge', 'explicit', 'none']),
  signalKind: SignalKindSchema,
  confidence: z.number().min(0).max(1),
  /** The OPD hint (approved or automatic); never a rejected one. */
  hint: z.string().min(1).max(2_000).nullable(),
  /** An earlier sample for the same turn that this one replaces (explicit beats inferred). */
  supersedes: IdSchema.nullable(),
  /** Weight version that produced the response, when the policy reported one. */
  policyVersion: z.string().max(200).nullable(),
  createdAt: z.number(),
  /**
   * Inferred signals: the on-device detector's verdict falls in a confidence bucket whose measured
   * precision is high enough to train without a judge. A box without a judge engine trains an inferred
   * reward only when this is true; a box with one lets its judge decide. Absent: false.
   */
  trainableWithoutJudge: z.boolean().optional(),
  /** false: the persona reviews its hints, so the box's judge must not add a hint of its own. Absent: true. */
  judgeHintAllowed: z.boolean().optional(),
});
export type SignalSample = z.infer<typeof SignalSampleSchema>;

/** Most samples one `samples` frame may carry. */
export const MAX_SAMPLES_PER_FRAME = 256;

/**
 * A batch of samples in one frame, for boxes whose welcome sets `maxSamplesPerFrame`. Each sample is
 * still its own unit: its id stays the idempotency key, and the box answers each one (acks together
 * in one `acks` frame once they are all durably written; a `reject` or `retry` for each that failed).
 */
export const SampleBatchFrameSchema = z
  .object({ type: z.literal('samples'), samples: z.array(SignalSampleSchema).min(1).max(MAX_SAMPLES_PER_FRAME) })
  .strict();
/** The same frame with its samples unchecked, so a box can accept the valid ones and reject the rest by id. */
export const SampleBatchEnvelopeSchema = z
  .object({ type: z.literal('samples'), samples: z.array(z.unknown()).min(1).max(MAX_SAMPLES_PER_FRAME) })
  .strict();

export const ClientFrameSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hello'),
      protocol: z.number().int(),
      clientId: IdSchema,
      /** Replay progress events with seq greater than this (0 = everything the box still has). */
      progressAfter: z.number().int().nonnegative(),
    })
    .strict(),
  z.object({ type: z.literal('sample'), sample: SignalSampleSchema }).strict(),
  SampleBatchFrameSchema,
  /**
   * The user removed the signal this sample carries: the box must not train it (or, if it already
   * did, leave it out of every later step). The box answers `withdrawn` once it has recorded this
   * durably; the sample itself may arrive before or after (or never).
   */
  z.object({ type: z.literal('withdraw'), sampleId: IdSchema, personaId: IdSchema, at: z.number() }).strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export const ProgressKindSchema = z.enum(['sample_ready', 'training_step', 'policy_version', 'error', 'not_trained', 'withdrawn']);
export type ProgressKind = z.infer<typeof ProgressKindSchema>;

/**
 * The box's decision about one delivered signal (on sample_ready, not_trained and withdrawn events):
 * who decided the reward it trains with, the judge's votes when a judge did, and whether it trains.
 */
export const SampleVerdictSchema = z.object({
  decidedBy: DecidedBySchema,
  reward: RewardSchema,
  judgeTally: JudgeTallySchema.nullable(),
  fate: TrainingFateSchema,
});
export type SampleVerdict = z.infer<typeof SampleVerdictSchema>;

/** Something the box wants every app to show on the persona's timeline. */
export const ProgressEventSchema = z.object({
  /** Monotonic per box; clients keep the highest seen and ask for replays after it. */
  seq: z.number().int().positive(),
  kind: ProgressKindSchema,
  personaId: IdSchema,
  sampleIds: z.array(IdSchema),
  step: z.number().int().nullable(),
  policyVersion: z.string().nullable(),
  metrics: z.record(z.string(), z.number()),
  message: z.string(),
  at: z.number(),
  /** For the single signal in `sampleIds`: what the box decided about it. */
  verdict: SampleVerdictSchema.optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

/**
 * A box's own identity, random and kept in its database: a new box, or a box whose data was reset,
 * has a new one. Progress seqs count per box, so the app keeps its replay cursor per box id.
 */
export const BoxIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a box id is 1-64 letters, digits, _ or -');

export const ServerFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    protocol: z.number().int(),
    boxVersion: z.string(),
    policyVersion: z.string().nullable(),
    /** Absent from boxes older than box ids; the app then keeps one cursor for "the box". */
    boxId: BoxIdSchema.optional(),
    /** Set by boxes that take `samples` frames of up to this many samples (older ones take `sample` only). */
    maxSamplesPerFrame: z.number().int().min(1).max(MAX_SAMPLES_PER_FRAME).optional(),
    /** The largest frame the box accepts, in bytes; a bigger one closes the stream (1009). */
    maxFrameBytes: z.number().int().positive().optional(),
  }),
  /** Sent only after the sample is durably written; `duplicate` when the id was already stored. */
  z.object({ type: z.literal('ack'), sampleId: IdSchema, duplicate: z.boolean() }),
  /** The acks of a `samples` frame, sent together once every one of them is durably written. */
  z.object({
    type: z.literal('acks'),
    acks: z.array(z.object({ sampleId: IdSchema, duplicate: z.boolean() })).min(1).max(MAX_SAMPLES_PER_FRAME),
  }),
  /** The sample is invalid and will never be accepted; the app must not resend it. */
  z.object({ type: z.literal('reject'), sampleId: IdSchema, error: z.string() }),
  /**
   * The box could not store a valid sample just now (its own write failed): nothing was kept, so the
   * app sends it again after a short pause. Order does not matter for a resend; the box dedupes by id.
   */
  z.object({ type: z.literal('retry'), sampleId: IdSchema, error: z.string() }),
  /** A `withdraw` is durably recorded; the app stops sending it. */
  z.object({ type: z.literal('withdrawn'), sampleId: IdSchema }),
  z.object({ type: z.literal('progress'), event: ProgressEventSchema }),
  z.object({ type: z.literal('incompatible'), supported: z.array(z.number().int()), message: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
