import type { Reward, SignalKind, SignalSource } from '../../shared/domain';
import type { SignalStage } from '../../shared/learning';

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
  const tone = signal.reward > 0 ? 'good' : signal.reward < 0 ? 'bad' : 'neutral';
  if (signal.source === 'judge') {
    const verdict = signal.reward > 0 ? 'helpful' : signal.reward < 0 ? 'not helpful' : 'unsure';
    const votes = judgeVotes(signal.evidence);
    const valid = votes?.filter((v) => v !== null) ?? [];
    const agreeing = valid.filter((v) => v === signal.reward).length;
    const count = valid.length > 0 ? ` (${agreeing} of ${valid.length})` : '';
    return { label: `Judge: ${verdict}${count}`, tone, decidedBy: `The judge${valid.length > 0 ? `, ${agreeing} of ${valid.length} votes` : ''}` };
  }
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
export function stageWords(stage: SignalStage, trainedStep: number | null, error: string | null): string {
  switch (stage) {
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
