import { describe, expect, it } from 'vitest';
import { hintFollowJudgeMessages, nextStateJudgeMessages } from '../../../box/judge/judge-prompts';

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
