import { ModelListSchema } from '../../shared/protocol/chat-completion-stream';
import { describeFetchFailure, describeHttpError, PolicyError, type CredentialKind } from './policy-error';

export interface ListModelsRequest {
  /** OpenAI-compatible base URL ending in /v1. */
  endpoint: string;
  apiKey: string | null;
  credential: CredentialKind;
  fetch?: typeof fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** `GET {endpoint}/models`: the ids the server serves. Throws PolicyError with a message for the user. */
export async function listModels(request: ListModelsRequest): Promise<string[]> {
  const url = `${request.endpoint.replace(/\/+$/, '')}/models`;
  const timeoutMs = request.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(url, {
      headers: request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {},
      signal,
    });
  } catch (error) {
    if (timeout.aborted) throw new PolicyError('timeout', `${url} timed out (no answer within ${Math.round(timeoutMs / 1000)} s).`);
    throw describeFetchFailure(error, url);
  }
  const body = await response.text().catch(() => '');
  if (!response.ok) throw describeHttpError(response.status, response.statusText, body, url, request.credential, request.apiKey !== null);
  try {
    return ModelListSchema.parse(JSON.parse(body)).data.map((m) => m.id);
  } catch {
    throw new PolicyError('bad_response', `${url} did not send an OpenAI model list; is this an OpenAI-compatible /v1 URL?`);
  }
}

/**
 * The model to ask for when Settings leave it empty: the first one the server lists (vLLM, Ollama
 * and LM Studio reject names they do not serve, so there is no safe fixed default).
 */
export async function firstServedModel(request: ListModelsRequest): Promise<string> {
  const models = await listModels(request);
  const first = models[0];
  if (!first) throw new PolicyError('config', `${request.endpoint} serves no models yet; load one there, or choose a model in Settings.`);
  return first;
}
