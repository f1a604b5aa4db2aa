import { z } from 'zod';

/** Everything `startGateway` needs; `main.ts` builds it from the command line. */
export const GatewayConfigSchema = z.object({
  /** SGLang serving the policy, e.g. http://127.0.0.1:30000 */
  sglangUrl: z.url({ protocol: /^https?$/ }),
  sglangApiKey: z.string().min(1).nullable().default(null),
  /** A separate frozen teacher/judge SGLang; null = score with the policy server. */
  teacherSglangUrl: z.url({ protocol: /^https?$/ }).nullable().default(null),
  teacherSglangApiKey: z.string().min(1).nullable().default(null),
  /** 127.0.0.1 unless the box should be reachable from other machines. */
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 = any free port (tests). */
  port: z.number().int().min(0).max(65_535).default(8787),
  /** Bearer token every route but GET /health requires. */
  token: z.string().min(16),
  /** Holds box.sqlite (samples, progress, turns). */
  dataDir: z.string().min(1),
  maxFrameBytes: z.number().int().positive().default(16 * 1024 * 1024),
  maxChatBodyBytes: z.number().int().positive().default(32 * 1024 * 1024),
  heartbeatMs: z.number().int().positive().default(30_000),
  /**
   * How long a chat request waits out a weight update before it gets a 503 ("loading new policy
   * weights"). Must stay well below the app's connect timeout (DEFAULT_CONNECT_TIMEOUT_MS, 90 s, in
   * electron/policy/stream-chat-completion.ts), or the app gives up first and the user never sees why.
   */
  weightsWaitMs: z.number().int().nonnegative().default(45_000),
  weightsRetryAfterSeconds: z.number().int().positive().default(10),
  /**
   * How long a streamed chat request from the app (x-apprentice-accept-notices: learning) waits in the
   * queue for a training step / weight push to end; it hears "learning… resume in ~N s" meanwhile, so it
   * may wait far longer than weightsWaitMs. After it, the stream ends with a weights_updating error.
   */
  weightsNoticeWaitMs: z.number().int().nonnegative().default(10 * 60_000),
  /** How often a waiting stream gets a notice (also keeps the app's idle timer from firing). */
  weightsNoticeIntervalMs: z.number().int().positive().default(5_000),
  /** Chat requests that may wait for one update at once; more get a 503 at once. */
  maxWaitingChats: z.number().int().positive().default(64),
  /**
   * chat_template_kwargs for chat requests that bring none. Thinking is off by default: the app shows
   * no reasoning, and the training side renders unserved turns the same way (APPRENTICE_ENABLE_THINKING).
   */
  defaultChatTemplateKwargs: z.record(z.string(), z.unknown()).default({ enable_thinking: false }),
  /**
   * Whether the policy SGLang returns raw (T = 1) log-probs for sampled tokens, i.e. runs with
   * SGLANG_RETURN_ORIGINAL_LOGPROB=1 as the box README launches it. When false, SGLang's sampled
   * log-probs are log softmax(logits/T), so the sample builder re-scores served and regenerated
   * replies raw (prefill) on the policy: trainer, teacher and rollout log-probs must share T = 1.
   */
  sglangOriginalLogprobs: z.boolean().default(true),
});
export type GatewayConfig = z.input<typeof GatewayConfigSchema>;
export type ResolvedGatewayConfig = z.output<typeof GatewayConfigSchema>;

export const BOX_DATABASE_FILE = 'box.sqlite';
export const BOX_GATEWAY_VERSION = 'apprentice-box/0.1.0';
