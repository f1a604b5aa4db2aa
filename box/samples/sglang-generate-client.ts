import { z } from 'zod';

/**
 * The slice of SGLang's native /generate API the sample builder uses (scoring with
 * max_new_tokens 0, and on-policy regeneration), validated at the boundary: engine output is
 * untrusted like any other input.
 */

const LogprobTripleSchema = z.tuple([z.number().nullable(), z.number().int().nonnegative(), z.string().nullable()]).rest(z.unknown());

export const GenerateResponseSchema = z
  .object({
    text: z.string(),
    meta_info: z
      .object({
        id: z.string().optional(),
        finish_reason: z.object({ type: z.string() }).passthrough().nullable().optional(),
        prompt_tokens: z.number().int().optional(),
        completion_tokens: z.number().int().optional(),
        weight_version: z.string().nullable().optional(),
        input_token_logprobs: z.array(LogprobTripleSchema).optional(),
        output_token_logprobs: z.array(LogprobTripleSchema).optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type GenerateResponse = z.infer<typeof GenerateResponseSchema>;

export interface GenerateRequest {
  input_ids: number[];
  sampling_params: {
    max_new_tokens: number;
    temperature: number;
    top_p?: number;
    top_k?: number;
    stop_token_ids?: number[];
    skip_special_tokens?: boolean;
  };
  return_logprob: boolean;
  logprob_start_len?: number;
}

export interface SglangEndpoint {
  /** Base URL, e.g. http://127.0.0.1:30000 */
  url: string;
  apiKey?: string | null;
}

export class SglangRequestError extends Error {
  override name = 'SglangRequestError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export class SglangGenerateClient {
  constructor(
    readonly endpoint: SglangEndpoint,
    private readonly timeoutMs = 300_000,
  ) {}

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const url = `${this.endpoint.url.replace(/\/+$/, '')}/generate`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.endpoint.apiKey) headers.authorization = `Bearer ${this.endpoint.apiKey}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(request),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new SglangRequestError(`SGLang at ${this.endpoint.url} unreachable: ${error instanceof Error ? error.message : String(error)}`, null);
    }
    const text = await res.text();
    if (!res.ok) throw new SglangRequestError(`SGLang /generate answered ${res.status}: ${text.slice(0, 500)}`, res.status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SglangRequestError('SGLang /generate answered with a body that is not JSON', res.status);
    }
    const parsed = GenerateResponseSchema.safeParse(json);
    if (!parsed.success) throw new SglangRequestError(`SGLang /generate answer has an unexpected shape: ${z.prettifyError(parsed.error)}`, res.status);
    return parsed.data;
  }
}
