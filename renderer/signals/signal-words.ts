import type { DecidedBy, JudgeTally, Reward, SignalKind, SignalSource, TrainingFate } from '../../shared/domain';
import { rewardOfTally } from '../../shared/judge-votes';
import type { SignalStage } from '../../shared/learning';
import { FATE_WORDS } from '../../shared/trust-words';

/** A signal as the badge and the Learning tab say it: what the user did (or the judge decided), in plain words. */
export interface SignalWords {
  /** "You corrected this", "Judge: not helpful (3 of 3)", "You liked this". */
  label: string;
  tone: 'good' | 'bad' | 'neutral';
  /** Who decided, for the details: "You", "The judge (3 of 3 votes)", "Read from what you wrote next". */
  decidedBy: string;
}

const USER_WORDS: Record<SignalKind, string> = {
  thumb_up: 'You liked this',
  thumb_down: 'You didn’t like this',
  edit: 'You rewrote this',
  inline_mark: 'You corrected part of this',
  regenerate: 'You asked for another version',
  correction: 'You corrected this',
  requery: 'You asked again',
  positive: 'You were happy with this',
  negative_other: 'You weren’t happy with this',
  neutral: 'You went on',
};

interface Judged {
  kind: SignalKind;
  reward: Reward;
  source: SignalSource;
  evidence: readonly string[];
  /** Who decided the reward it trains with; a judge's votes when one did (the box's or the app's). */
  decidedBy?: DecidedBy;
  judgeTally?: JudgeTally | null;
}

/** The judge's votes as the core records them in the evidence ("judge votes: 1 -1 ∅"). */
export function judgeVotes(evidence: readonly string[]): Array<Reward | null> | null {
  const line = evidence.find((e) => e.startsWith('judge votes:'));
  if (!line) return null;
  return line
    .slice('judge votes:'.length)
    .trim()
    .split(/\s+/)
    .filter((v) => v !== '')
    .map((v) => (v === '1' ? 1 : v === '-1' ? -1 : v === '0' ? 0 : null));
}

export function signalWords(signal: Judged): SignalWords {
  const tally = signal.decidedBy === 'judge' ? (signal.judgeTally ?? null) : null;
  if (tally || signal.source === 'judge') {
    // The judge decided: its majority is the verdict, with how many of its valid votes agree.
    const reward = tally ? rewardOfTally(tally) : signal.reward;
    const votes: Array<Reward | null> = tally
      ? [...Array<Reward>(tally.plus).fill(1), ...Array<Reward>(tally.minus).fill(-1), ...Array<Reward>(tally.zero).fill(0)]
      : (judgeVotes(signal.evidence) ?? []);
    const valid = votes.filter((v) => v !== null);
    const agreeing = valid.filter((v) => v === reward).length;
    const verdict = reward > 0 ? 'helpful' : reward < 0 ? 'not helpful' : 'unsure';
    const count = valid.length > 0 ? ` (${agreeing} of ${valid.length})` : '';
    const tone = reward > 0 ? 'good' : reward < 0 ? 'bad' : 'neutral';
    return { label: `Judge: ${verdict}${count}`, tone, decidedBy: `The judge${valid.length > 0 ? `, ${agreeing} of ${valid.length} votes` : ''}` };
  }
  const tone = signal.reward > 0 ? 'good' : signal.reward < 0 ? 'bad' : 'neutral';
  return {
    label: USER_WORDS[signal.kind],
    tone,
    decidedBy: signal.source === 'explicit' ? 'You' : 'Read from what you wrote next',
  };
}

/** Whether a reply's signal earns a badge: neutral turns without a hint say nothing worth showing. */
export function deservesBadge(signal: Pick<Judged, 'reward'>, hasHint: boolean): boolean {
  return signal.reward !== 0 || hasHint;
}

/** Where a signal is, in words. */
export function stageWords(stage: SignalStage, trainedStep: number | null, error: string | null, fate: TrainingFate = 'will_train'): string {
  switch (stage) {
    case 'not_training':
      return FATE_WORDS[fate];
    case 'not_sent':
      return 'Not sent: learning is off for this persona';
    case 'held':
      return 'Held until you review its hint';
    case 'queued':
      return 'Waiting to be sent to the box';
    case 'delivered':
      return 'Sent to the box';
    case 'acknowledged':
      return 'Stored by the box, waiting for a training step';
    case 'trained':
      return trainedStep === null ? 'Trained' : `Trained in step ${trainedStep}`;
    case 'rejected':
      return `Refused by the box${error ? `: ${error}` : ''}`;
  }
}

/** "1 signal", "3 signals". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
