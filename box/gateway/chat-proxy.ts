import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ModelListSchema } from '../../shared/protocol/chat-completion-stream';
import {
  CHAT_ACCEPT_NOTICES_LEARNING,
  CHAT_HEADER_ACCEPT_NOTICES,
  CHAT_HEADER_POLICY_VERSION,
  CHAT_HEADER_TURN,
} from '../../shared/protocol/chat-headers';
import { SglangUnreachableError, upstreamErrorMessage, type SglangClient } from '../sglang/sglang-client';
import { ChatCompletionChunkSchema, ChatCompletionSchema, type TokenLogprob } from '../sglang/sglang-schemas';
import { sseDataEvents } from '../sglang/sse-data-events';
import { ChatRequestSchema, readTurnHeaders, TurnHeaderError, turnMessages, type ChatRequest, type TurnHeaders } from './chat-request';
import type { GatewayHooks } from './gateway-hooks';
import { noticeEvent, waitWithLearningNotices } from './chat-wait';
import { BodyError, readJsonBody, sendJson } from './json-body';
import { openAIError, sendOpenAIError, type GatewayErrorType } from './openai-error';
import type { PolicyState } from './policy-state';
import type { TurnLog, TurnRecord, TurnToken } from './turn-log';

export interface ChatProxyOptions {
  sglang: SglangClient;
  turnLog: TurnLog;
  policy: PolicyState;
  hooks: GatewayHooks;
  maxBodyBytes: number;
  /** How long a chat request waits for a weight update to finish before it gets a 503. */
  weightsWaitMs: number;
  /** Retry-After (seconds) on that 503. */
  weightsRetryAfterSeconds: number;
  /** How long a streamed request that accepts learning notices waits (it hears notices meanwhile). */
  weightsNoticeWaitMs: number;
  weightsNoticeIntervalMs: number;
  /** Requests that may wait for one update at once; more get a 503 at once. */
  maxWaitingChats: number;
  /** Added as chat_template_kwargs when the client sent none, so served and trained templates agree. */
  defaultChatTemplateKwargs: Record<string, unknown>;
  /** Asks SGLang for its weight version when the gateway does not know it yet. */
  refreshPolicyVersion: () => Promise<void>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Header values must be visible ASCII; a weight version is upstream data, so make sure. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

function toTurnTokens(entries: readonly TokenLogprob[] | null | undefined): TurnToken[] {
  return (entries ?? []).map((e) => ({ token: e.token, bytes: e.bytes ?? null, logprob: e.logprob }));
}

/** An error as an HTTP answer, or as the stream's last event when the stream already started. */
function failReply(res: ServerResponse, status: number, type: GatewayErrorType, message: string): void {
  if (res.headersSent) {
    res.end(`data: ${JSON.stringify(openAIError(status, type, message))}\n\n`);
    return;
  }
  sendOpenAIError(res, status, type, message);
}

/** Writes, and when the socket's buffer is full waits for it to drain (or for the client to leave). */
async function writeStreaming(res: ServerResponse, text: string, signal: AbortSignal): Promise<void> {
  if (res.write(text) || signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * POST /v1/chat/completions → SGLang, streamed through chunk by chunk. SGLang is always asked for
 * log-probs (the trainer needs the rollout log-probs of the served tokens); the client sees them
 * only when it asked. Each turn is written to the turn log, and `turnFinished` fires.
 * GET /v1/models is passed through as well.
 */
export class ChatProxy {
  private readonly running = new Map<AbortController, Promise<void>>();

  constructor(private readonly options: ChatProxyOptions) {}

  readonly handleChatCompletions = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const controller = new AbortController();
    const work = this.serveChat(req, res, controller).finally(() => this.running.delete(controller));
    this.running.set(controller, work);
    return work;
  };

  readonly handleModels = async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { sglang } = this.options;
    let upstream: Response;
    try {
      upstream = await sglang.request('/v1/models', { method: 'GET', signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      return sendOpenAIError(res, 502, 'upstream_unavailable', this.unreachableMessage(error));
    }
    const text = await upstream.text();
    if (!upstream.ok) return this.sendUpstreamError(res, upstream.status, text);
    let parsed: ReturnType<typeof ModelListSchema.safeParse>;
    try {
      parsed = ModelListSchema.safeParse(JSON.parse(text));
    } catch {
      return sendOpenAIError(res, 502, 'upstream_error', 'SGLang /v1/models answered with a body that is not JSON');
    }
    if (!parsed.success) {
      return sendOpenAIError(res, 502, 'upstream_error', `SGLang /v1/models answer has an unexpected shape: ${z.prettifyError(parsed.error)}`);
    }
    sendJson(res, 200, parsed.data, this.policyHeaders());
  };

  /** Aborts every proxied request and waits until their turns are recorded. */
  async close(): Promise<void> {
    for (const controller of this.running.keys()) controller.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  private policyHeaders(): Record<string, string> {
    const version = this.options.policy.version;
    return version === null ? {} : { [CHAT_HEADER_POLICY_VERSION]: headerSafe(version) };
  }

  private unreachableMessage(error: unknown): string {
    const detail = error instanceof SglangUnreachableError ? error.message : `SGLang request failed: ${(error as Error).message}`;
    return `${detail}. The policy server is down or still starting; check SGLang on the box.`;
  }

  private sendUpstreamError(res: ServerResponse, status: number, bodyText: string): void {
    const message = upstreamErrorMessage(bodyText);
    // SGLang refusing the gateway's own key is a box misconfiguration, not the app's token being wrong.
    if (status === 401 || status === 403) {
      return failReply(res, 502, 'upstream_error', `SGLang refused the gateway (${status}: ${message}); check --sglang-api-key`);
    }
    failReply(res, status >= 400 && status <= 599 ? status : 502, 'upstream_error', `SGLang answered ${status}: ${message}`);
  }

  /**
   * Waits out a weight update. Clients that accept notices (the app) get the stream's headers at once
   * and "learning… resume in ~N s" notices; others wait `weightsWaitMs` and then get a 503.
   * Resolves false when the request got its answer (an error) or the client left.
   */
  private async waitForWeights(
    req: IncomingMessage,
    res: ServerResponse,
    request: ChatRequest,
    turnId: string | null,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { policy } = this.options;
    if (!policy.weightsUpdating) return true;
    const seconds = this.options.weightsRetryAfterSeconds;
    const retry = { 'retry-after': String(seconds) };
    if (policy.waitingRequests >= this.options.maxWaitingChats) {
      sendOpenAIError(
        res,
        503,
        'weights_updating',
        `The box is learning from your feedback and ${policy.waitingRequests} chats already wait for it; retry in about ${seconds} s.`,
        retry,
      );
      return false;
    }
    const wantsNotices = request.stream === true && req.headers[CHAT_HEADER_ACCEPT_NOTICES] === CHAT_ACCEPT_NOTICES_LEARNING;
    if (wantsNotices) {
      const waitMs = this.options.weightsNoticeWaitMs;
      const serving = await waitWithLearningNotices(
        res,
        policy,
        { waitMs, intervalMs: this.options.weightsNoticeIntervalMs, model: request.model ?? null, headers: turnId ? { [CHAT_HEADER_TURN]: headerSafe(turnId) } : {} },
        signal,
      );
      if (serving || signal.aborted) return serving;
      failReply(res, 503, 'weights_updating', `The box is still learning after ${Math.round(waitMs / 1000)} s; try again in a minute.`);
      return false;
    }
    if (await policy.waitUntilServing(this.options.weightsWaitMs, signal)) return true;
    if (signal.aborted) return false;
    sendOpenAIError(res, 503, 'weights_updating', `The box is loading new policy weights after a training step; retry in about ${seconds} s.`, retry);
    return false;
  }

  private async serveChat(req: IncomingMessage, res: ServerResponse, controller: AbortController): Promise<void> {
    const { policy, sglang } = this.options;
    const startedAt = Date.now();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });

    let body: unknown;
    try {
      body = await readJsonBody(req, this.options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyError) return sendOpenAIError(res, error.status, 'invalid_request_error', error.message);
      throw error;
    }
    const parsed = ChatRequestSchema.safeParse(body);
    if (!parsed.success) {
      return sendOpenAIError(res, 400, 'invalid_request_error', `invalid chat completion request: ${z.prettifyError(parsed.error)}`);
    }
    let headers;
    try {
      headers = readTurnHeaders(req);
    } catch (error) {
      if (error instanceof TurnHeaderError) return sendOpenAIError(res, 400, 'invalid_request_error', error.message);
      throw error;
    }
    const request = parsed.data;

    if (!(await this.waitForWeights(req, res, request, headers.turnId, controller.signal))) return;
    // Counted from here (same tick as the wait's end): a weight push waits for this reply to finish.
    const endReply = policy.beginReply();
    try {
      await this.serveAdmitted(res, request, headers, startedAt, controller);
    } finally {
      endReply();
    }
  }

  private async serveAdmitted(
    res: ServerResponse,
    request: ChatRequest,
    headers: TurnHeaders,
    startedAt: number,
    controller: AbortController,
  ): Promise<void> {
    const { policy, sglang } = this.options;
    if (policy.version === null) {
      await this.options.refreshPolicyVersion().catch(() => undefined);
    }

    const clientWantsLogprobs = request.logprobs === true;
    const clientWantsUsage = request.stream_options?.include_usage === true;
    // The request (with its temperature) goes into the turn log: SGLang scales sampled log-probs by
    // 1/T unless it runs with SGLANG_RETURN_ORIGINAL_LOGPROB=1, and the sample builder re-scores
    // raw when --sglang-original-logprobs false says so (box/samples/raw-logprob-scale.ts).
    const upstreamBody: Record<string, unknown> = { ...request, logprobs: true };
    if (upstreamBody.chat_template_kwargs === undefined) {
      upstreamBody.chat_template_kwargs = { ...this.options.defaultChatTemplateKwargs };
    }
    if (!clientWantsLogprobs) delete upstreamBody.top_logprobs;
    // Ask for usage so the turn log has token counts; the extra chunk is hidden from clients that did not ask.
    if (request.stream) upstreamBody.stream_options = { ...(request.stream_options ?? {}), include_usage: true };

    const turn: TurnRecord = {
      turnId: headers.turnId ?? `turn-${randomUUID()}`,
      personaId: headers.personaId,
      conversationId: headers.conversationId,
      status: 'complete',
      request: upstreamBody,
      messages: turnMessages(request),
      responseText: '',
      reasoningText: '',
      tokens: [],
      finishReason: null,
      error: null,
      policyVersion: policy.version,
      model: request.model ?? null,
      promptTokens: null,
      completionTokens: null,
      startedAt,
      finishedAt: startedAt,
    };

    try {
      let upstream: Response;
      try {
        upstream = await sglang.openChatCompletion(upstreamBody, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) {
          turn.status = 'aborted';
          return;
        }
        turn.status = 'error';
        turn.error = this.unreachableMessage(error);
        return failReply(res, 502, 'upstream_unavailable', turn.error);
      }
      if (!upstream.ok) {
        const text = await upstream.text().catch(() => '');
        turn.status = 'error';
        turn.error = `SGLang answered ${upstream.status}: ${upstreamErrorMessage(text)}`;
        return this.sendUpstreamError(res, upstream.status, text);
      }
      const replyHeaders = { ...this.policyHeaders(), [CHAT_HEADER_TURN]: headerSafe(turn.turnId) };
      if (request.stream) {
        await this.relayStream(upstream, res, turn, controller.signal, { clientWantsLogprobs, clientWantsUsage, replyHeaders });
      } else {
        await this.relayCompletion(upstream, res, turn, controller.signal, { clientWantsLogprobs, replyHeaders });
      }
    } finally {
      turn.finishedAt = Date.now();
      this.finishTurn(turn);
    }
  }

  private finishTurn(turn: TurnRecord): void {
    try {
      this.options.turnLog.record(turn);
    } catch (error) {
      this.options.log('error', `could not record turn ${turn.turnId}: ${(error as Error).message}`);
      return;
    }
    this.options.hooks.emit('turnFinished', turn);
  }

  private async relayStream(
    upstream: Response,
    res: ServerResponse,
    turn: TurnRecord,
    signal: AbortSignal,
    flags: { clientWantsLogprobs: boolean; clientWantsUsage: boolean; replyHeaders: Record<string, string> },
  ): Promise<void> {
    if (res.headersSent) {
      // The stream started while the request waited out a weight update: name the version here.
      const version = this.options.policy.version;
      if (version !== null) res.write(noticeEvent(`chatcmpl-${turn.turnId}`, turn.model, { policyVersion: version }));
    } else {
      res.writeHead(200, {
        ...flags.replyHeaders,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
    }
    let sawDone = false;
    try {
      for await (const data of sseDataEvents(upstream.body as AsyncIterable<Uint8Array>)) {
        if (data === '[DONE]') {
          sawDone = true;
          await writeStreaming(res, 'data: [DONE]\n\n', signal);
          continue;
        }
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch {
          this.options.log('warn', `turn ${turn.turnId}: SGLang sent an SSE event that is not JSON; passed through`);
          await writeStreaming(res, `data: ${data}\n\n`, signal);
          continue;
        }
        const chunk = ChatCompletionChunkSchema.safeParse(json);
        if (!chunk.success) {
          // SGLang's in-stream error events ({error: {...}}) land here too: pass them on, remember them.
          turn.error = `SGLang sent an unexpected stream event: ${data.slice(0, 300)}`;
          await writeStreaming(res, `data: ${data}\n\n`, signal);
          continue;
        }
        const { choices, usage, model } = chunk.data;
        if (model && !turn.model) turn.model = model;
        if (usage) {
          turn.promptTokens = usage.prompt_tokens ?? turn.promptTokens;
          turn.completionTokens = usage.completion_tokens ?? turn.completionTokens;
        }
        const first = choices.find((c) => (c.index ?? 0) === 0);
        if (first) {
          turn.responseText += first.delta?.content ?? '';
          turn.reasoningText += first.delta?.reasoning_content ?? '';
          turn.tokens.push(...toTurnTokens(first.logprobs?.content));
          if (first.finish_reason) turn.finishReason = first.finish_reason;
        }
        if (choices.length === 0 && usage && !flags.clientWantsUsage) continue;
        const out = json as { choices: Record<string, unknown>[]; usage?: unknown };
        if (!flags.clientWantsLogprobs) for (const choice of out.choices) if ('logprobs' in choice) choice.logprobs = null;
        if (!flags.clientWantsUsage && 'usage' in out) out.usage = null;
        await writeStreaming(res, `data: ${JSON.stringify(out)}\n\n`, signal);
      }
    } catch (error) {
      if (signal.aborted) {
        turn.status = 'aborted';
        return;
      }
      turn.status = 'error';
      turn.error = `SGLang connection lost mid-reply: ${(error as Error).message}`;
      this.options.log('warn', `turn ${turn.turnId}: ${turn.error}`);
      res.end(`data: ${JSON.stringify(openAIError(502, 'upstream_error', turn.error))}\n\n`);
      return;
    }
    if (signal.aborted) {
      turn.status = 'aborted';
      return;
    }
    if (!sawDone) {
      turn.status = 'error';
      turn.error = 'SGLang ended the stream without [DONE]';
      res.end(`data: ${JSON.stringify(openAIError(502, 'upstream_error', turn.error))}\n\n`);
      return;
    }
    res.end();
  }

  private async relayCompletion(
    upstream: Response,
    res: ServerResponse,
    turn: TurnRecord,
    signal: AbortSignal,
    flags: { clientWantsLogprobs: boolean; replyHeaders: Record<string, string> },
  ): Promise<void> {
    let text: string;
    try {
      text = await upstream.text();
    } catch (error) {
      if (signal.aborted) {
        turn.status = 'aborted';
        return;
      }
      turn.status = 'error';
      turn.error = `SGLang connection lost mid-reply: ${(error as Error).message}`;
      return sendOpenAIError(res, 502, 'upstream_error', turn.error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      turn.status = 'error';
      turn.error = 'SGLang answered with a body that is not JSON';
      return sendOpenAIError(res, 502, 'upstream_error', turn.error);
    }
    const completion = ChatCompletionSchema.safeParse(json);
    if (!completion.success) {
      turn.status = 'error';
      turn.error = `SGLang's chat completion has an unexpected shape: ${z.prettifyError(completion.error)}`;
      return sendOpenAIError(res, 502, 'upstream_error', turn.error);
    }
    const first = completion.data.choices.find((c) => (c.index ?? 0) === 0);
    if (first) {
      turn.responseText = first.message.content ?? '';
      turn.reasoningText = first.message.reasoning_content ?? '';
      turn.tokens = toTurnTokens(first.logprobs?.content);
      turn.finishReason = first.finish_reason ?? null;
    }
    turn.model = completion.data.model ?? turn.model;
    turn.promptTokens = completion.data.usage?.prompt_tokens ?? null;
    turn.completionTokens = completion.data.usage?.completion_tokens ?? null;
    const out = json as { choices: Record<string, unknown>[] };
    if (!flags.clientWantsLogprobs) for (const choice of out.choices) choice.logprobs = null;
    sendJson(res, 200, out, flags.replyHeaders);
  }
}
