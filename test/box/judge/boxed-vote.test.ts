import { describe, expect, it } from 'vitest';
import { majorityVote, parseBoxedVote } from '../../../box/judge/boxed-vote';
import { hintFollowJudgeMessages, nextStateJudgeMessages } from '../../../box/judge/judge-prompts';

describe('parseBoxedVote', () => {
  it('takes the last \\boxed{n} and accepts only 1, -1 and 0', () => {
    expect(parseBoxedVote('\\boxed{1}')).toBe(1);
    expect(parseBoxedVote('first \\boxed{1}, on reflection \\boxed{-1}')).toBe(-1);
    expect(parseBoxedVote('\\boxed{ 0 }')).toBe(0);
    expect(parseBoxedVote('\\boxed{+1}')).toBe(1);
    expect(parseBoxedVote('\\boxed{2}')).toBeNull();
    expect(parseBoxedVote('\\boxed{1} then \\boxed{5}')).toBeNull();
    expect(parseBoxedVote('I think it is 1')).toBeNull();
  });
});

describe('majorityVote', () => {
  it('lets the majority of valid votes win; ties and no valid vote give 0', () => {
    expect(majorityVote([1, 1, -1])).toBe(1);
    expect(majorityVote([-1, null, -1])).toBe(-1);
    expect(majorityVote([1, -1, null])).toBe(0);
    expect(majorityVote([1, -1, 0])).toBe(0);
    expect(majorityVote([0, 0, 1])).toBe(0);
    expect(majorityVote([null, null, 1])).toBe(1);
    expect(majorityVote([null, null])).toBe(0);
    expect(majorityVote([])).toBe(0);
  });
});

describe('judge prompts', () => {
  it('shows the judge the reply and the next state with its role', () => {
    const [system, user] = nextStateJudgeMessages('The answer is 5.', { role: 'feedback', content: 'thumbs down' });
    expect(system!.content).toMatch(/\\boxed\{1\}.*\n.*\\boxed\{-1\}/s);
    expect(user!.content).toContain('The answer is 5.');
    expect(user!.content).toContain('explicit feedback');
    expect(user!.content).toContain('thumbs down');
  });

  it('judges a regenerated reply against the hint and the question it answers', () => {
    const [, user] = hintFollowJudgeMessages(
      [
        { role: 'user', content: 'old question' },
        { role: 'assistant', content: 'old answer' },
        { role: 'user', content: 'Explain recursion' },
      ],
      'Recursion is when...',
      'Use an example.',
    );
    expect(user!.content).toContain('Explain recursion');
    expect(user!.content).not.toContain('old question');
    expect(user!.content).toContain('Use an example.');
  });
});
