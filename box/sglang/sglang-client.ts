import { z } from 'zod';
import { ModelListSchema, type ModelList } from '../../shared/protocol/chat-completion-stream';
import {
  ControlAnswerSchema,
  GenerateResponseSchema,
  ModelInfoSchema,
  ServerInfoSchema,
  type ControlAnswer,
  type GenerateRequest,
  type GenerateResponse,
  type ModelInfo,
  type ServerInfo,
} from './sglang-schemas';

export interface SglangEndpointConfig {
  /** Base URL of the SGLang server, e.g. http://127.0.0.1:30000 */
  url: string;
  /** SGLang's --api-key, when it was started with one. */
  apiKey?: string | null;
  /** Limit for control calls (health, info, pause...). Generation calls take a signal instead. */
  controlTimeoutMs?: number;
}

/** SGLang could not be reached at all (connection refused, DNS, timeout). */
export class SglangUnreachableError extends Error {
  override name = 'SglangUnreachableError';
}

/** SGLang answered, but with an error status or a body of the wrong shape. */
export class SglangResponseError extends Error {
  override name = 'SglangResponseError';
  constructor(
    message: string,
    /** The upstream HTTP status (200 when the body had the wrong shape). */
    readonly status: number,
  ) {
    super(message);
  }
}

/** Pulls a readable message out of the error bodies SGLang versions send. */
export function upstreamErrorMessage(bodyText: string): string {
  try {
    const body = JSON.parse(bodyText) as Record<string, unknown>;
    const error = body.error;
    if (typeof body.message === 'string') return body.message;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    if (typeof error === 'string') return error;
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not JSON: fall through to the raw text
  }
  return bodyText.trim().slice(0, 500) || '(empty body)';
}

function describeFetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error.message;
}

/**
 * Typed client for the SGLang HTTP API the gateway uses. `openChatCompletion` returns the raw
 * fetch Response so the proxy can stream it through; everything else is parsed and validated.
 */
export class SglangClient {
  readonly url: string;
  private readonly apiKey: string | null;
  private readonly controlTimeoutMs: number;

  constructor(config: SglangEndpointConfig) {
    this.url = config.url.replace(/\/+$/, '');
    this.apiKey = config.apiKey ?? null;
    this.controlTimeoutMs = config.controlTimeoutMs ?? 10_000;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    return headers;
  }

  /** Sends a request; network failures become SglangUnreachableError, aborts stay AbortError. */
  async request(path: string, init: { method: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal }): Promise<Response> {
    // Serialised before the try: a body that cannot be written (too deep, a cycle) is our fault, not an outage.
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    try {
      return await fetch(`${this.url}${path}`, {
        method: init.method,
        headers: this.headers(),
        body,
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal?.aborted && (error as Error).name === 'AbortError') throw error;
      if ((error as Error).name === 'TimeoutError') {
        throw new SglangUnreachableError(`SGLang at ${this.url} did not answer ${path} in time`);
      }
      throw new SglangUnreachableError(`SGLang at ${this.url} is unreachable (${describeFetchFailure(error)})`);
    }
  }

  private async json<T>(path: string, schema: z.ZodType<T>, method: 'GET' | 'POST', body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.request(path, { method, body, signal: signal ?? AbortSignal.timeout(this.controlTimeoutMs) });
    const text = await res.text();
    if (!res.ok) throw new SglangResponseError(`SGLang ${path} answered ${res.status}: ${upstreamErrorMessage(text)}`, res.status);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SglangResponseError(`SGLang ${path} answered with a body that is not JSON`, res.status);
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      throw new SglangResponseError(`SGLang ${path} answer has an unexpected shape: ${z.prettifyError(result.error)}`, res.status);
    }
    return result.data;
  }

  /** true when SGLang is up and serving (it answers 503 while loading). */
  async health(): Promise<boolean> {
    try {
      const res = await this.request('/health', { method: 'GET', signal: AbortSignal.timeout(this.controlTimeoutMs) });
      await res.arrayBuffer();
      return res.ok;
    } catch (error) {
      if (error instanceof SglangUnreachableError) return false;
      throw error;
    }
  }

  getModelInfo(): Promise<ModelInfo> {
    return this.json('/get_model_info', ModelInfoSchema, 'GET');
  }

  getServerInfo(): Promise<ServerInfo> {
    return this.json('/get_server_info', ServerInfoSchema, 'GET');
  }

  listModels(): Promise<ModelList> {
    return this.json('/v1/models', ModelListSchema, 'GET');
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    if ((request.text === undefined) === (request.input_ids === undefined)) {
      throw new Error('SGLang /generate needs exactly one of text or input_ids');
    }
    return this.json('/generate', GenerateResponseSchema, 'POST', { ...request, stream: false }, signal ?? AbortSignal.timeout(600_000));
  }

  /** Starts an OpenAI-compatible chat completion; the caller reads (and streams) the body. */
  openChatCompletion(body: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
    return this.request('/v1/chat/completions', { method: 'POST', body, signal });
  }

  /** Loads new weights; SGLang waits for running requests and holds new ones meanwhile. */
  async updateWeightsFromDisk(params: { model_path: string; weight_version?: string; load_format?: string }): Promise<ControlAnswer> {
    const answer = await this.json('/update_weights_from_disk', ControlAnswerSchema, 'POST', params, AbortSignal.timeout(1_800_000));
    if (!answer.success) throw new SglangResponseError(`SGLang could not load weights from ${params.model_path}: ${answer.message ?? 'no message'}`, 200);
    return answer;
  }

  async pauseGeneration(mode: 'abort' | 'retract' | 'in_place' = 'abort'): Promise<void> {
    await this.control('/pause_generation', { mode });
  }

  async continueGeneration(): Promise<void> {
    await this.control('/continue_generation', {});
  }

  async flushCache(): Promise<void> {
    await this.control('/flush_cache', undefined);
  }

  /** Control routes answer differently across SGLang versions (JSON or plain text): the status decides. */
  private async control(path: string, body: unknown): Promise<void> {
    const res = await this.request(path, { method: 'POST', body, signal: AbortSignal.timeout(this.controlTimeoutMs) });
    const text = await res.text();
    if (!res.ok) throw new SglangResponseError(`SGLang ${path} answered ${res.status}: ${upstreamErrorMessage(text)}`, res.status);
  }
}
