import { z } from 'zod';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import { SglangRequestError, type SglangEndpoint } from '../samples/sglang-generate-client';

const ChatAnswerSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            message: z
              .object({ content: z.string().nullable().optional(), reasoning_content: z.string().nullable().optional() })
              .passthrough(),
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();

export interface JudgeCompletionOptions {
  temperature: number;
  maxTokens: number;
}

/** One non-streamed /v1/chat/completions call to the judge engine; returns the answer text. */
export async function completeJudgeChat(
  endpoint: SglangEndpoint,
  messages: readonly ChatMessage[],
  opts: JudgeCompletionOptions,
  signal?: AbortSignal,
): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  let res: Response;
  try {
    res = await fetch(`${endpoint.url.replace(/\/+$/, '')}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ messages, temperature: opts.temperature, max_tokens: opts.maxTokens, stream: false }),
      signal: signal ?? null,
    });
  } catch (error) {
    throw new SglangRequestError(`judge engine at ${endpoint.url} unreachable: ${error instanceof Error ? error.message : String(error)}`, null);
  }
  const text = await res.text();
  if (!res.ok) throw new SglangRequestError(`judge engine answered ${res.status}: ${text.slice(0, 500)}`, res.status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SglangRequestError('judge engine answered with a body that is not JSON', res.status);
  }
  const parsed = ChatAnswerSchema.safeParse(json);
  if (!parsed.success) throw new SglangRequestError(`judge answer has an unexpected shape: ${z.prettifyError(parsed.error)}`, res.status);
  const message = parsed.data.choices[0]!.message;
  // A thinking judge may leave its verdict in the reasoning when the content is cut short.
  return [message.reasoning_content ?? '', message.content ?? ''].join('\n');
}
