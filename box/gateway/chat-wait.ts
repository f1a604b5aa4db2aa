import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { CHAT_CHUNK_EXTENSION_KEY, type ChatLearningNotice } from '../../shared/protocol/chat-learning-notice';
import type { PolicyState } from './policy-state';

export interface LearningWaitOptions {
  /** Gives up after this long (the caller then ends the stream with an error). */
  waitMs: number;
  /** A notice goes out at least this often. */
  intervalMs: number;
  /** Echoed in the notices' `model`, as OpenAI chunks carry one. */
  model: string | null;
  /** Response headers to send with the stream's start. */
  headers: Record<string, string>;
}

/** One SSE event with no choices that carries Apprentice's notice (see chat-learning-notice.ts). */
export function noticeEvent(id: string, model: string | null, notice: ChatLearningNotice): string {
  const chunk = {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: model ?? '',
    choices: [],
    [CHAT_CHUNK_EXTENSION_KEY]: notice,
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/**
 * Starts the SSE response at once and keeps the request in the queue until the weight update is over,
 * telling the client every `intervalMs` that the box is learning and when replies should resume.
 * Resolves true when serving resumed, false when the wait ran out or the client left.
 */
export async function waitWithLearningNotices(
  res: ServerResponse,
  policy: PolicyState,
  options: LearningWaitOptions,
  signal: AbortSignal,
): Promise<boolean> {
  res.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const id = `chatcmpl-wait-${randomUUID().replaceAll('-', '')}`;
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    if (!policy.weightsUpdating) return true;
    if (signal.aborted) return false;
    res.write(noticeEvent(id, options.model, { learning: { resumeInMs: policy.expectedResumeInMs() } }));
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (await policy.waitUntilServing(Math.min(options.intervalMs, left), signal)) return !signal.aborted;
  }
}
