import { describe, expect, it } from 'vitest';
import { splitReasoning } from '../../shared/split-reasoning';

describe('splitReasoning', () => {
  it('separates <think>…</think> from the answer and says where the answer starts', () => {
    const content = '<think>\nThe user wants a city.\n</think>\n\nCanberra.';
    const split = splitReasoning(content);
    expect(split).toEqual({ reasoning: 'The user wants a city.', answer: 'Canberra.', answerStart: content.indexOf('Canberra'), thinking: false });
  });

  it('shows the thinking while the closing tag has not arrived', () => {
    expect(splitReasoning('  <think>Let me see')).toEqual({ reasoning: 'Let me see', answer: '', answerStart: 19, thinking: true });
  });

  it('takes the text before a closing tag on its own line as thinking (template opened the tag)', () => {
    expect(splitReasoning('Reasoning here.\n</think>\n\nAnswer.')).toMatchObject({ reasoning: 'Reasoning here.', answer: 'Answer.' });
  });

  it('drops an empty thinking block and leaves replies that only mention the tag alone', () => {
    expect(splitReasoning('<think>\n\n</think>\n\nHi.')).toMatchObject({ reasoning: null, answer: 'Hi.' });
    const mention = 'Use `</think>` to close the block.';
    expect(splitReasoning(mention)).toEqual({ reasoning: null, answer: mention, answerStart: 0, thinking: false });
    expect(splitReasoning('Plain answer.')).toEqual({ reasoning: null, answer: 'Plain answer.', answerStart: 0, thinking: false });
  });
});
