import { ChatCompletionSchema } from '../../../shared/protocol/chat-completion-stream';
import type { Reward } from '../../../shared/domain';
import { clipWords } from '../normalize-text';
import { finishHint } from '../phrase-hint';
import type { FollowUpInput, JudgeVerdict } from '../types';
import { buildHintPrompt, buildScorePrompt, type JudgeMessage } from './judge-prompts';
import { bestHint, lastBoxedScore, lastHint, majorityVote } from '../../../shared/judge-votes';

export interface JudgeOptions {
  /** OpenAI-compatible base URL (".../v1") or the full ".../v1/chat/completions" URL. */
  endpoint: string;
  model: string;
  /** m: votes per prompt, sent in parallel. */
  votes: number;
  /** For the whole judge call (all votes). */
  timeoutMs: number;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Sampling temperature of each vote; OpenClaw-RL uses 0.6. */
  temperature?: number;
  maxTokens?: number;
  /** Also ask the hint prompt (OPD); on by default. */
  hints?: boolean;
}

export interface Judge {
  judge(input: FollowUpInput, signal?: AbortSignal): Promise<JudgeVerdict>;
}

/** Resolves where to POST: keeps a full URL, appends /chat/completions to /v1, else /v1/chat/completions. */
export function chatCompletionsUrl(endpoint: string): string {
  const url = new URL(endpoint.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`judge endpoint must be http(s): ${endpoint}`);
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) url.pathname = path;
  else if (/\/v\d+$/.test(path)) url.pathname = `${path}/chat/completions`;
  else url.pathname = `${path}/v1/chat/completions`;
  return url.toString();
}

interface VoteText {
  text: string | null;
  error: string | null;
}

/**
 * The optional LLM judge (the paper's PRM): m score votes and m hint votes in parallel through any
 * OpenAI-compatible endpoint. Never throws: every failure ends up in JudgeVerdict.errors.
 */
export function createJudge(options: JudgeOptions): Judge {
  const votes = Math.max(1, Math.min(15, Math.floor(Number.isFinite(options.votes) ? options.votes : 1)));
  const timeoutMs = Math.max(1, Number.isFinite(options.timeoutMs) ? options.timeoutMs : 60_000);
  const doFetch = options.fetch ?? globalThis.fetch;
  let url: string | null = null;
  let configError: string | null = null;
  try {
    url = chatCompletionsUrl(options.endpoint);
  } catch (error) {
    configError = `invalid judge endpoint "${clipWords(String(options.endpoint), 200)}": ${error instanceof Error ? error.message : String(error)}`;
  }

  async function ask(messages: JudgeMessage[], signal: AbortSignal): Promise<VoteText> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    const body = JSON.stringify({
      model: options.model,
      messages,
      temperature: options.temperature ?? 0.6,
      max_tokens: options.maxTokens ?? 1_024,
      stream: false,
    });
    try {
      const res = await doFetch(url as string, { method: 'POST', headers, body, signal });
      const text = await res.text();
      if (!res.ok) return { text: null, error: `HTTP ${res.status}: ${clipWords(text, 200) || res.statusText}` };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { text: null, error: `reply is not JSON: ${clipWords(text, 120)}` };
      }
      const parsed = ChatCompletionSchema.safeParse(json);
      if (!parsed.success) return { text: null, error: `reply has an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
      const content = parsed.data.choices[0]?.message.content ?? '';
      // Thinking models served with a reasoning parser may leave the verdict in reasoning_content.
      const rawMessage = (json as { choices?: Array<{ message?: { reasoning_content?: unknown } }> }).choices?.[0]?.message;
      const reasoning = typeof rawMessage?.reasoning_content === 'string' ? rawMessage.reasoning_content : '';
      return { text: `${reasoning}\n${content}`, error: null };
    } catch (error) {
      if (signal.aborted) {
        const reason: unknown = signal.reason;
        const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
        return { text: null, error: timedOut ? `timed out after ${timeoutMs} ms` : 'aborted' };
      }
      return { text: null, error: `request failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  return {
    async judge(input: FollowUpInput, callerSignal?: AbortSignal): Promise<JudgeVerdict> {
      if (configError || !url) return { score: 0, votes: Array(votes).fill(null), hint: null, errors: [configError ?? 'no endpoint'] };
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
      const scorePrompt = buildScorePrompt(input);
      const hintPrompt = buildHintPrompt(input);
      const scoreCalls = Array.from({ length: votes }, () => ask(scorePrompt, signal));
      const hintCalls = options.hints === false ? [] : Array.from({ length: votes }, () => ask(hintPrompt, signal));
      const [scoreTexts, hintTexts] = await Promise.all([Promise.all(scoreCalls), Promise.all(hintCalls)]);
      const errors: string[] = [];
      const scoreVotes: Array<Reward | null> = scoreTexts.map((t, i) => {
        if (t.error) {
          errors.push(`score vote ${i + 1}: ${t.error}`);
          return null;
        }
        const score = lastBoxedScore(t.text ?? '');
        if (score === null) errors.push(`score vote ${i + 1}: no \\boxed{1|0|-1} in the reply`);
        return score;
      });
      const hintVotes = hintTexts.map((t, i) => {
        if (t.error) {
          errors.push(`hint vote ${i + 1}: ${t.error}`);
          return { score: null, hint: null };
        }
        const score = lastBoxedScore(t.text ?? '');
        if (score === null) errors.push(`hint vote ${i + 1}: no \\boxed{1|-1} in the reply`);
        return { score: score === 0 ? null : score, hint: lastHint(t.text ?? '') };
      });
      const hint = bestHint(hintVotes);
      return { score: majorityVote(scoreVotes), votes: scoreVotes, hint: hint ? finishHint(hint) : null, errors };
    },
  };
}
