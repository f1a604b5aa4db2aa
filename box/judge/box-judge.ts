import type { JudgeTally, Reward } from '../../shared/domain';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import type { SglangClient } from '../sglang/sglang-client';
import { bestHint, lastBoxedScore, lastHint, majorityVote, tallyVotes } from '../../shared/judge-votes';
import { completeJudgeChat, type JudgeAnswer } from './judge-chat-client';
import { hindsightHintJudgeMessages, hintFollowJudgeMessages, nextStateJudgeMessages } from './judge-prompts';

export interface BoxJudgeConfig {
  engine: SglangClient;
  /** m parallel votes (OpenClaw-RL: m votes at temperature 0.6, majority wins). */
  votes: number;
  temperature: number;
  /** New tokens per vote: enough for a thinking model to reach its \boxed{} (see box/README.md). */
  maxTokens: number;
  timeoutMs: number;
}

export interface JudgeVerdict {
  reward: Reward;
  /** Each vote's parsed score; null when a vote failed, had no valid \boxed{} or ran out of budget. */
  votes: (Reward | null)[];
  tally: JudgeTally;
  /** Votes that ran out of their token budget (finish_reason 'length'): counted invalid. */
  cutAtBudget: number;
}

export interface TurnVerdict extends JudgeVerdict {
  /** The hindsight hint (OPD) the next state implies; null when not asked for or no vote gave one. */
  hint: string | null;
}

/**
 * The box-side judge (the paper's PRM) on the frozen teacher/judge engine. It decides the reward of
 * every inferred turn from its next state, suggests a hint from it when the user gave none, and can
 * judge on-policy regenerations against a hint. A vote whose request fails counts as invalid (the
 * others still decide; no valid vote means reward 0), but when every request fails the error surfaces
 * so the build retries.
 */
export class BoxJudge {
  constructor(readonly config: BoxJudgeConfig) {
    if (!Number.isInteger(config.votes) || config.votes < 1) throw new RangeError('judge votes must be a positive integer');
  }

  /** m score votes and, with `withHint`, m hint votes, all in parallel. */
  async judgeTurn(
    messages: readonly ChatMessage[],
    response: string,
    nextState: { role: string; content: string },
    withHint: boolean,
    signal?: AbortSignal,
  ): Promise<TurnVerdict> {
    const [score, hint] = await Promise.all([
      this.vote(nextStateJudgeMessages(messages, response, nextState), signal),
      withHint ? this.answers(hindsightHintJudgeMessages(messages, response, nextState), signal).catch(() => null) : Promise.resolve(null),
    ]);
    const hintVotes = (hint ?? []).map((a) => {
      if (a.status !== 'fulfilled' || a.value.finishReason === 'length') return { score: null, hint: null };
      return { score: lastBoxedScore(a.value.text), hint: lastHint(a.value.text) };
    });
    return { ...score, hint: bestHint(hintVotes) };
  }

  judgeHintFollowed(messages: readonly ChatMessage[], response: string, hint: string, signal?: AbortSignal): Promise<JudgeVerdict> {
    return this.vote(hintFollowJudgeMessages(messages, response, hint), signal);
  }

  private async answers(messages: ChatMessage[], signal?: AbortSignal): Promise<PromiseSettledResult<JudgeAnswer>[]> {
    const opts = { temperature: this.config.temperature, maxTokens: this.config.maxTokens, timeoutMs: this.config.timeoutMs };
    const answers = await Promise.allSettled(
      Array.from({ length: this.config.votes }, () => completeJudgeChat(this.config.engine, messages, opts, signal)),
    );
    const failures = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    // Every vote failing means the engine is unreachable, not that the reply is neutral: retry later.
    if (failures.length === answers.length) throw failures[0]!.reason;
    return answers;
  }

  private async vote(messages: ChatMessage[], signal?: AbortSignal): Promise<JudgeVerdict> {
    const answers = await this.answers(messages, signal);
    // A vote cut at its budget stopped mid-thought: a \boxed{} in it is a guess, not its verdict.
    const cut = answers.filter((a) => a.status === 'fulfilled' && a.value.finishReason === 'length').length;
    const votes = answers.map((a) => (a.status === 'fulfilled' && a.value.finishReason !== 'length' ? lastBoxedScore(a.value.text) : null));
    return { reward: majorityVote(votes), votes, tally: tallyVotes(votes), cutAtBudget: cut };
  }
}
