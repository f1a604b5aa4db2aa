import { z } from 'zod';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import { SglangResponseError, upstreamErrorMessage, type SglangClient } from '../sglang/sglang-client';
import { ChatCompletionSchema } from '../sglang/sglang-schemas';

export interface JudgeCompletionOptions {
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
}

export interface JudgeAnswer {
  /** Reasoning and content together (a thinking judge may leave its verdict in the reasoning). */
  text: string;
  /** 'length': the vote ran out of its token budget (usually before its \boxed{}). */
  finishReason: string | null;
}

/** One non-streamed /v1/chat/completions call to the judge engine; returns the answer text. */
export async function completeJudgeChat(
  engine: SglangClient,
  messages: readonly ChatMessage[],
  opts: JudgeCompletionOptions,
  signal?: AbortSignal,
): Promise<JudgeAnswer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const res = await engine.openChatCompletion(
    { messages, temperature: opts.temperature, max_tokens: opts.maxTokens, stream: false },
    signal ? AbortSignal.any([signal, timeout]) : timeout,
  );
  const text = await res.text();
  if (!res.ok) throw new SglangResponseError(`judge engine answered ${res.status}: ${upstreamErrorMessage(text)}`, res.status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SglangResponseError('judge engine answered with a body that is not JSON', res.status);
  }
  const parsed = ChatCompletionSchema.safeParse(json);
  if (!parsed.success) throw new SglangResponseError(`judge answer has an unexpected shape: ${z.prettifyError(parsed.error)}`, res.status);
  const choice = parsed.data.choices[0];
  if (!choice) throw new SglangResponseError('judge answer has no choices', res.status);
  // A thinking judge may leave its verdict in the reasoning when the content is cut short.
  return { text: [choice.message.reasoning_content ?? '', choice.message.content ?? ''].join('\n'), finishReason: choice.finish_reason ?? null };
}
