import type { InferredLabel, Reward } from '../../shared/domain';

/**
 * The signal engine's public shapes. Pure data: the engine needs neither Electron nor the DOM.
 * The core calls classifyFollowUp on every user message that follows an assistant reply.
 */

export interface Turn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface FollowUpInput {
  /** Turns before the assistant reply (system prompt and earlier user/assistant turns). */
  context: Turn[];
  /** The assistant reply being judged. */
  assistant: string;
  /** The user's next message. */
  nextUser: string;
}

export interface SignalVerdict {
  label: InferredLabel;
  reward: Reward;
  /** 0..1; how sure the engine is of `label`: the measured precision of its calibration bucket. */
  confidence: number;
  /** How many (weighted) labelled verdicts that precision rests on; absent when no calibrated rule fired. */
  evidenceCount?: number;
  /** Human-readable reasons, e.g. 'cue:"no, I meant"', 'similarity:0.82 to previous request'. */
  evidence: string[];
  /** An OPD hint (1–3 sentences) when the user said what should have been different. */
  hint: string | null;
}

export interface JudgeVerdict {
  /** Majority of valid votes; a tie or no valid vote gives 0. */
  score: Reward;
  votes: Array<Reward | null>;
  /** Longest valid hint (> 10 chars) among positive hint votes, if any. */
  hint: string | null;
  errors: string[];
}
