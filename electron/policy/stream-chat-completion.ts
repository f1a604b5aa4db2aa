import type { ChatMessage } from '../../shared/protocol/box-stream';
import {
  CHAT_ACCEPT_NOTICES_LEARNING,
  CHAT_HEADER_ACCEPT_NOTICES,
  CHAT_HEADER_CONVERSATION,
  CHAT_HEADER_PERSONA,
  CHAT_HEADER_POLICY_VERSION,
  CHAT_HEADER_TURN,
} from '../../shared/protocol/chat-headers';
import { ChatCompletionChunkSchema, ChatCompletionSchema } from '../../shared/protocol/chat-completion-stream';
import { describeFetchFailure, describeHttpError, PolicyError, summarizeHtml, type CredentialKind } from './policy-error';
import { readSseData } from './sse-events';

export interface ChatCompletionRequest {
  /** OpenAI-compatible base URL ending in /v1. */
  endpoint: string;
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  apiKey?: string | null;
  /** What `apiKey` is, so a 401 names the right thing to fix (default: an API key). */
  credential?: CredentialKind;
  /** Lets the box gateway keep the sampled tokens with the turn; other servers ignore them. */
  turn?: { personaId: string; conversationId: string; turnId: string };
  signal?: AbortSignal;
  /** No response headers within this long → timeout (default DEFAULT_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** No stream data for this long → timeout. */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * The box is training a step and holds this request in its queue; called with about how long until
   * replies resume (null: no estimate), again with each notice. Only box requests (`turn`) get these.
   */
  onLearning?: (resumeInMs: number | null) => void;
  /** Each piece of reasoning the server sends apart from the answer (reasoning_content), as it arrives. */
  onReasoning?: (delta: string) => void;
}

export interface ChatCompletionResult {
  content: string;
  /** What the model thought before answering, when the server sends it apart (reasoning_content). */
  reasoning: string;
  /** true when the caller's AbortSignal ended the stream; `content` holds what arrived before. */
  aborted: boolean;
  finishReason: string | null;
  /**
   * The stream closed without a finish_reason and without `[DONE]`: the server (or a proxy between)
   * went away mid-reply, so `content` is an unknown part of the reply. Never true for aborts.
   */
  cutOff: boolean;
  policyVersion: string | null;
  model: string | null;
}

/**
 * Headers must arrive within this long. Longer than the box gateway's wait during a weight update
 * (weightsWaitMs, 45 s, in box/gateway/gateway-config.ts), so the gateway's 503 explaining the wait
 * reaches the user instead of a bare timeout.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 90_000;

/**
 * Streams `POST {endpoint}/chat/completions` from any OpenAI-compatible server (SGLang, vLLM,
 * Ollama, llama.cpp) and hands each text delta to `onDelta`. Throws PolicyError for anything but
 * success or the caller's abort, with a message fit to show the user.
 */
export async function streamChatCompletion(
  request: ChatCompletionRequest,
  onDelta: (delta: string) => void,
): Promise<ChatCompletionResult> {
  const url = `${request.endpoint.replace(/\/+$/, '')}/chat/completions`;
  const doFetch = request.fetch ?? fetch;
  const timeout = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
  let timer: NodeJS.Timeout | undefined;
  let timeoutMessage = '';
  const arm = (ms: number, message: string) => {
    clearTimeout(timer);
    timeoutMessage = message;
    timer = setTimeout(() => timeout.abort(), ms);
  };
  const callerAborted = () => request.signal?.aborted === true;
  const result: ChatCompletionResult = {
    content: '',
    reasoning: '',
    aborted: false,
    finishReason: null,
    cutOff: false,
    policyVersion: null,
    model: null,
  };

  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (request.apiKey) headers.authorization = `Bearer ${request.apiKey}`;
  if (request.turn) {
    headers[CHAT_HEADER_PERSONA] = request.turn.personaId;
    headers[CHAT_HEADER_CONVERSATION] = request.turn.conversationId;
    headers[CHAT_HEADER_TURN] = request.turn.turnId;
    headers[CHAT_HEADER_ACCEPT_NOTICES] = CHAT_ACCEPT_NOTICES_LEARNING;
  }

  try {
    const connectTimeoutMs = request.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    arm(connectTimeoutMs, `${url} did not answer within ${Math.round(connectTimeoutMs / 1000)} s.`);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model: request.model,
          messages: request.messages,
          stream: true,
          temperature: request.temperature,
          max_tokens: request.maxTokens,
        }),
        signal,
      });
    } catch (error) {
      throw classifyAbort(error) ?? describeFetchFailure(error, url);
    }
    result.policyVersion = response.headers.get(CHAT_HEADER_POLICY_VERSION);
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw describeHttpError(response.status, response.statusText, body, url, request.credential ?? 'api_key', Boolean(request.apiKey));
    }
    if (!response.body) throw new PolicyError('bad_response', `${url} sent an empty response.`);

    const idleMs = request.idleTimeoutMs ?? 120_000;
    const idleMessage = `${url} stopped sending for ${Math.round(idleMs / 1000)} s.`;
    arm(idleMs, idleMessage);
    const contentType = response.headers.get('content-type') ?? '';
    try {
      if (contentType.includes('application/json')) {
        // A server that ignored `stream: true` sends the whole completion at once.
        readWholeCompletion(await response.text(), url, result, onDelta, request.onReasoning);
      } else if (contentType.includes('text/html')) {
        // A proxy or a web app answered in place of the model server (wrong URL, login page).
        throw new PolicyError('bad_response', `${url} answered with ${summarizeHtml(await response.text())} instead of a reply stream; is this the right URL?`);
      } else {
        let sawDone = false;
        for await (const data of readSseData(response.body)) {
          arm(idleMs, idleMessage);
          if (data.trim() === '[DONE]') {
            sawDone = true;
            break;
          }
          readChunk(data, url, result, onDelta, request);
        }
        if (result.finishReason === 'abort') {
          throw new PolicyError('upstream', `${url} stopped this reply midway (the model server aborted it, e.g. to load new weights); ask again.`);
        }
        // Either end marker says the server finished the reply; with neither, the stream was cut.
        result.cutOff = !sawDone && result.finishReason === null && !callerAborted();
      }
    } catch (error) {
      throw classifyAbort(error) ?? (error instanceof PolicyError ? error : describeFetchFailure(error, url));
    }
    return result;
  } catch (error) {
    if (error === ABORTED) return { ...result, aborted: true };
    throw error;
  } finally {
    clearTimeout(timer);
  }

  function classifyAbort(error: unknown): typeof ABORTED | PolicyError | null {
    if (callerAborted()) return ABORTED;
    if (timeout.signal.aborted) return new PolicyError('timeout', timeoutMessage);
    return error instanceof Error && error.name === 'AbortError' ? ABORTED : null;
  }
}

const ABORTED = Symbol('aborted');

function readChunk(
  data: string,
  url: string,
  result: ChatCompletionResult,
  onDelta: (delta: string) => void,
  { onLearning, onReasoning }: Pick<ChatCompletionRequest, 'onLearning' | 'onReasoning'>,
): void {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new PolicyError('bad_response', `${url} sent a stream chunk that is not JSON: ${data.slice(0, 200)}`);
  }
  const parsed = ChatCompletionChunkSchema.safeParse(json);
  if (!parsed.success) {
    throw new PolicyError('bad_response', `${url} sent a stream chunk of an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  const chunk = parsed.data;
  if (chunk.error !== undefined) {
    const message = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? JSON.stringify(chunk.error));
    throw new PolicyError('upstream', `${url} reported an error while streaming: ${message}`);
  }
  if (chunk.apprentice?.learning) onLearning?.(chunk.apprentice.learning.resumeInMs);
  if (chunk.apprentice?.policyVersion) result.policyVersion = chunk.apprentice.policyVersion;
  if (chunk.model) result.model = chunk.model;
  for (const choice of chunk.choices ?? []) {
    if ((choice.index ?? 0) !== 0) continue;
    const thought = choice.delta?.reasoning_content;
    if (thought) {
      result.reasoning += thought;
      onReasoning?.(thought);
    }
    const delta = choice.delta?.content;
    if (delta) {
      result.content += delta;
      onDelta(delta);
    }
    if (choice.finish_reason) result.finishReason = choice.finish_reason;
  }
}

function readWholeCompletion(
  text: string,
  url: string,
  result: ChatCompletionResult,
  onDelta: (delta: string) => void,
  onReasoning: ((delta: string) => void) | undefined,
): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PolicyError('bad_response', `${url} sent a reply that is not JSON.`);
  }
  const parsed = ChatCompletionSchema.safeParse(json);
  if (!parsed.success) throw new PolicyError('bad_response', `${url} sent a completion of an unexpected shape.`);
  const choice = parsed.data.choices[0];
  const content = choice?.message.content ?? '';
  result.model = parsed.data.model ?? null;
  result.finishReason = choice?.finish_reason ?? null;
  result.content = content;
  result.reasoning = choice?.message.reasoning_content ?? '';
  if (result.reasoning) onReasoning?.(result.reasoning);
  if (content) onDelta(content);
}
