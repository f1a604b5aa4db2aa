import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../../electron/signals';
import type { FollowUpInput } from '../../../electron/signals/types';

function turn(request: string, assistant: string, nextUser: string): FollowUpInput {
  return { context: [{ role: 'user', content: request }], assistant, nextUser };
}
const classify = (request: string, assistant: string, nextUser: string) => classifyFollowUp(turn(request, assistant, nextUser));

describe('a last clause opened by a question auxiliary asks', () => {
  const rebase = 'It opens an editor listing your last 3 commits; pick, squash or drop each, save, and git replays them.';
  it('"… though, is X going to …" is context for a new question, with or without "?"', () => {
    expect(classify('what does git rebase -i HEAD~3 do', rebase, "it's a shared branch though, is force pushing after that going to break things for my teammates").label).toBe('neutral');
    expect(classify('how do I undo the last commit', 'git reset --soft HEAD~1 keeps the changes staged.', 'I already pushed it though. is that a problem?').label).toBe('neutral');
  });
  it('the same "though" without a question still corrects', () => {
    expect(classify('how do I undo the last commit', 'git reset --soft HEAD~1 keeps the changes staged.', 'I already pushed it though').label).toBe('correction');
  });
  it('"can you …" after the aux is an instruction about the reply, not a question', () => {
    expect(classify('list the steps', '1. Preheat. 2. Mix. 3. Bake.', 'can you put it in a table').label).toBe('correction');
  });
});

describe('a question that reuses one request word but brings new ones is a new step', () => {
  const validation = 'Use a data validation rule: Data → Data validation → List of items, and type the options.';
  it('two new words: neutral; a bare pointer back at the missed word still re-asks', () => {
    expect(classify('how do I add a dropdown in google sheets', validation, 'how do i make the dropdown pull from another sheet').label).toBe('neutral');
    const hostels = 'Generator and St Christopher\'s are central and social; both have private rooms.';
    expect(classify('which hostel is cheaper, generator or st christophers', hostels, 'which one is cheaper though').label).toBe('requery');
  });
  it('a tag question brings no content ("isn\'t it?")', () => {
    expect(classify('Is a tomato a fruit or vegetable? One word.', 'Vegetable.', "botanically it's a fruit, isn't it?").reward).toBe(-1);
  });
});

describe('a bare fragment after any question in the reply answers it', () => {
  it('answers a quiz or a third-person question', () => {
    expect(classify('quiz me on capitals', 'Question 1: What is the capital of Canada?', 'ottawa').label).toBe('neutral');
    expect(classify('gift for my nephew', 'Happy to help! What is he into these days?', 'minecraft and dinosaurs').label).toBe('neutral');
  });
  it('without a question in the reply, a fragment still specifies', () => {
    expect(classify('how many grams is a cup of flour', 'A cup of flour is about 125 g (US cup).', 'UK cup').label).toBe('correction');
  });
});
