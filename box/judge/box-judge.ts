import type { Reward } from '../../shared/domain';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import type { SglangClient } from '../sglang/sglang-client';
import { lastBoxedScore, majorityVote } from '../../shared/judge-votes';
import { completeJudgeChat } from './judge-chat-client';
import { hintFollowJudgeMessages, nextStateJudgeMessages } from './judge-prompts';

export interface BoxJudgeConfig {
  engine: SglangClient;
  /** m parallel votes (OpenClaw-RL: m votes at temperature 0.6, majority wins). */
  votes: number;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
}

export interface JudgeVerdict {
  reward: Reward;
  /** Each vote's parsed score; null when a vote failed or had no valid \boxed{}. */
  votes: (Reward | null)[];
}

/**
 * Box-side judge for samples the app could not score (rewardSource 'none'), and optionally for
 * on-policy regenerations. A vote whose request fails counts as invalid (the others still decide;
 * no valid vote means reward 0), but when every request fails the error surfaces so the build retries.
 */
export class BoxJudge {
  constructor(readonly config: BoxJudgeConfig) {
    if (!Number.isInteger(config.votes) || config.votes < 1) throw new RangeError('judge votes must be a positive integer');
  }

  judgeNextState(response: string, nextState: { role: string; content: string }, signal?: AbortSignal): Promise<JudgeVerdict> {
    return this.vote(nextStateJudgeMessages(response, nextState), signal);
  }

  judgeHintFollowed(messages: readonly ChatMessage[], response: string, hint: string, signal?: AbortSignal): Promise<JudgeVerdict> {
    return this.vote(hintFollowJudgeMessages(messages, response, hint), signal);
  }

  private async vote(messages: ChatMessage[], signal?: AbortSignal): Promise<JudgeVerdict> {
    const opts = { temperature: this.config.temperature, maxTokens: this.config.maxTokens, timeoutMs: this.config.timeoutMs };
    const answers = await Promise.allSettled(
      Array.from({ length: this.config.votes }, () => completeJudgeChat(this.config.engine, messages, opts, signal)),
    );
    const failures = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    // Every vote failing means the engine is unreachable, not that the reply is neutral: retry later.
    if (failures.length === answers.length) throw failures[0]!.reason;
    const votes = answers.map((a) => (a.status === 'fulfilled' ? lastBoxedScore(a.value) : null));
    return { reward: majorityVote(votes), votes };
  }
}
