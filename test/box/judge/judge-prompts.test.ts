import { describe, expect, it } from 'vitest';
import { hindsightHintJudgeMessages, hintFollowJudgeMessages, nextStateJudgeMessages, PART_HEAD_CHARS, PART_TAIL_CHARS } from '../../../box/judge/judge-prompts';

describe('judge prompts', () => {
  it('shows the judge the request, the reply and the next state with its role', () => {
    const [system, user] = nextStateJudgeMessages([{ role: 'user', content: 'What is 2+3?' }], 'The answer is 5.', { role: 'feedback', content: 'thumbs down' });
    expect(system!.content).toMatch(/\\boxed\{1\}.*\n.*\\boxed\{-1\}/s);
    expect(user!.content).toContain('What is 2+3?');
    expect(user!.content).toContain('The answer is 5.');
    expect(user!.content).toContain('explicit feedback');
    expect(user!.content).toContain('thumbs down');
  });

  it('asks the hindsight-hint judge for \\boxed{1} and a hint between the markers', () => {
    const [system, user] = hindsightHintJudgeMessages([{ role: 'user', content: 'Capital of Australia?' }], 'Sydney.', { role: 'user', content: 'No, Canberra.' });
    expect(system!.content).toContain('[HINT_START]');
    expect(system!.content).toContain('\\boxed{-1}');
    expect(user!.content).toContain('No, Canberra.');
  });

  it('shows long parts as head and tail', () => {
    const reply = `${'a'.repeat(PART_HEAD_CHARS)}MIDDLE${'z'.repeat(PART_TAIL_CHARS + 10)}`;
    const [, user] = nextStateJudgeMessages([], reply, { role: 'user', content: 'ok' });
    expect(user!.content).not.toContain('MIDDLE');
    expect(user!.content).toMatch(/characters left out/);
    expect(user!.content).toContain('z'.repeat(PART_TAIL_CHARS));
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
