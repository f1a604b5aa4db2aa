import { describe, expect, it } from 'vitest';
import { deservesBadge, judgeVotes, plural, signalWords, stageWords } from '../../renderer/signals/signal-words';

describe('signals in plain words', () => {
  it('says what the user did, with no internals', () => {
    const said = (kind: Parameters<typeof signalWords>[0]['kind'], reward: -1 | 0 | 1, source: 'heuristic' | 'explicit' = 'explicit') =>
      signalWords({ kind, reward, source, evidence: [] });
    expect(said('correction', -1, 'heuristic')).toEqual({ label: 'You corrected this', tone: 'bad', decidedBy: 'Read from what you wrote next' });
    expect(said('thumb_up', 1)).toEqual({ label: 'You liked this', tone: 'good', decidedBy: 'You' });
    expect(said('requery', -1, 'heuristic').label).toBe('You asked again');
    expect(said('edit', -1).label).toBe('You rewrote this');
    for (const kind of ['correction', 'requery', 'positive', 'neutral', 'negative_other', 'thumb_up', 'thumb_down', 'inline_mark', 'edit', 'regenerate'] as const) {
      const words = JSON.stringify(signalWords({ kind, reward: 0, source: 'heuristic', evidence: [] }));
      expect(words).not.toMatch(/heuristic|explicit|directive|_/);
    }
  });

  it('counts the judge’s votes for its verdict', () => {
    expect(judgeVotes(['cue', 'judge votes: -1 -1 ∅'])).toEqual([-1, -1, null]);
    expect(signalWords({ kind: 'correction', reward: -1, source: 'judge', evidence: ['judge votes: -1 -1 -1'] }).label).toBe('Judge: not helpful (3 of 3)');
    expect(signalWords({ kind: 'positive', reward: 1, source: 'judge', evidence: ['judge votes: 1 0 1'] })).toMatchObject({
      label: 'Judge: helpful (2 of 3)',
      decidedBy: 'The judge, 2 of 3 votes',
    });
    expect(signalWords({ kind: 'neutral', reward: 0, source: 'judge', evidence: [] }).label).toBe('Judge: unsure');
    // The box's judge decides an inferred signal: its tally is the verdict, whatever the detector read.
    const boxJudged = signalWords({
      kind: 'correction',
      reward: -1,
      source: 'heuristic',
      evidence: [],
      decidedBy: 'judge',
      judgeTally: { plus: 2, minus: 1, zero: 0, invalid: 0 },
    });
    expect(boxJudged).toMatchObject({ label: 'Judge: helpful (2 of 3)', tone: 'good' });
  });

  it('shows no badge for a neutral turn without a hint, and counts in words', () => {
    expect(deservesBadge({ reward: 0 }, false)).toBe(false);
    expect(deservesBadge({ reward: 0 }, true)).toBe(true);
    expect(deservesBadge({ reward: -1 }, false)).toBe(true);
    expect(plural(1, 'signal')).toBe('1 signal');
    expect(plural(3, 'signal')).toBe('3 signals');
    expect(stageWords('trained', 4, null)).toBe('Trained in step 4');
    expect(stageWords('rejected', null, 'bad sample')).toBe('Refused by the box: bad sample');
  });
});
