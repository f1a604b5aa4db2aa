import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../../electron/signals';
import { quotedSpans } from '../../../electron/signals/analyse-message';
import type { FollowUpInput, Turn } from '../../../electron/signals/types';

const REQUEST = 'How do I sort a list of dicts by a key in Python?';
const REPLY = 'Use sorted(items, key=lambda d: d["name"]). It returns a new list.';

function turn(nextUser: string, request = REQUEST, assistant = REPLY, extra: Turn[] = []): FollowUpInput {
  return { context: [...extra, { role: 'user', content: request }], assistant, nextUser };
}
const evidenceOf = (text: string, request?: string, assistant?: string): string => classifyFollowUp(turn(text, request, assistant)).evidence.join(' | ');

describe('praise: a short message that only thanks or approves', () => {
  it.each(['thanks!', 'Thank you so much, that worked', 'perfect', 'that fixed it!!', 'thx, works now', '👍', 'lifesaver'])('%s → positive +1', (text) => {
    const v = classifyFollowUp(turn(text));
    expect(v).toMatchObject({ label: 'positive', reward: 1, hint: null });
    expect(v.evidence.some((e) => e.startsWith('praise:'))).toBe(true);
  });

  it('a new task after a thank-you is an ordinary next request: neutral', () => {
    for (const text of ['Perfect, now how do I deploy it?', 'thanks! add a test for it', 'great. also sort it descending', 'Thanks, but can you make it shorter?']) {
      expect(classifyFollowUp(turn(text)).reward, text).toBe(0);
    }
  });

  it('praise in a long message, under a negation, wished for, asked about, or about the user is not praise', () => {
    expect(classifyFollowUp(turn('thanks for this, I will read it carefully tonight and come back to you with the results tomorrow')).reward).toBe(0);
    expect(classifyFollowUp(turn('not great')).reward).not.toBe(1);
    expect(classifyFollowUp(turn('something shorter would be perfect')).reward).toBe(0);
    expect(classifyFollowUp(turn('Is this approach helpful for very large lists?')).reward).toBe(0);
    expect(classifyFollowUp(turn("I'm doing great", 'hi', 'Hi! How are you?')).reward).toBe(0);
    expect(classifyFollowUp(turn('no thanks', 'hi', 'Want me to add tests?')).reward).toBe(0);
  });
});

describe('directives that say the reply was wrong carry rule hints', () => {
  it('"no, I meant X"', () => {
    const v = classifyFollowUp(turn('no, I meant sorting in place'));
    expect(v).toMatchObject({ label: 'correction', reward: -1 });
    expect(v.hint).toContain('sorting in place');
    expect(v.evidence).toContain('directive:meant');
  });

  it('"that\'s wrong, it\'s …" keeps the correct fact in the user\'s casing', () => {
    const v = classifyFollowUp(turn("that's wrong, it's Canberra", 'What is the capital of Australia?', 'The capital of Australia is Sydney.'));
    expect(v.label).toBe('correction');
    expect(v.hint).toContain('Canberra');
  });

  it('"you forgot …", "I said …", "too long"', () => {
    expect(classifyFollowUp(turn('you forgot the reverse flag')).hint).toContain('the reverse flag');
    expect(classifyFollowUp(turn('I said by the "age" key')).label).toBe('correction');
    expect(classifyFollowUp(turn('way too long')).hint).toBe('Be much more concise.');
  });

  it('asked, not asserted: a directive inside a question is no verdict', () => {
    expect(classifyFollowUp(turn('when did I say that?')).reward).toBe(0);
    expect(classifyFollowUp(turn("don't I need to import it first?")).reward).toBe(0);
  });

  it('"I meant …" answering the reply\'s own question is an answer; a style complaint still judges', () => {
    const asking = 'Do you mean sorting by one key or by several?';
    expect(classifyFollowUp(turn('I meant several keys', REQUEST, asking)).reward).toBe(0);
    expect(classifyFollowUp(turn('too long', REQUEST, `${REPLY} Want more detail?`)).label).toBe('correction');
  });

  it('ordinary edit requests are not verdicts: change-to, instead, add, make it …', () => {
    for (const text of ['change the key to "age"', 'use itemgetter instead', 'add a second key', 'make it shorter', "don't print anything", 'it should also handle None']) {
      expect(classifyFollowUp(turn(text)).reward, text).toBe(0);
    }
  });
});

describe('re-asks, complaints, sarcasm, confusion', () => {
  it('a re-ask said in so many words', () => {
    for (const text of ['I asked how to sort in place', "that's not what I asked", 'you didn\'t answer my question', 'let me rephrase: in place, not a copy']) {
      expect(classifyFollowUp(turn(text)).label, text).toBe('requery');
    }
  });

  it('complaints about the reply; a negated one is good news', () => {
    for (const text of ['this is useless', 'still getting the same error', 'that was no help 👎', "that doesn't work", 'you told me that already']) {
      expect(classifyFollowUp(turn(text)).label, text).toBe('negative_other');
    }
    expect(classifyFollowUp(turn('no more errors, thanks!')).label).toBe('positive');
  });

  it('explicit sarcasm markers; praise used sarcastically without one is left to the judge', () => {
    expect(classifyFollowUp(turn('great, another wall of text')).label).toBe('negative_other');
    expect(classifyFollowUp(turn('oh wonderful, the same bio as everyone else 🙄')).label).toBe('negative_other');
    expect(classifyFollowUp(turn('km/s please')).reward).toBe(0);
    expect(classifyFollowUp(turn('love the part where it crashes /s')).label).toBe('negative_other');
  });

  it('confusion is weak −1: "what do you mean", a bare "what?"; "what city?" is a next question', () => {
    expect(classifyFollowUp(turn('what do you mean?')).label).toBe('negative_other');
    expect(classifyFollowUp(turn('what?')).label).toBe('negative_other');
    expect(classifyFollowUp(turn('what city?')).reward).toBe(0);
    expect(classifyFollowUp(turn('explain the key argument')).reward).toBe(0);
  });

  it('an error pasted again from an earlier turn re-asks; a new error does not', () => {
    const context: Turn[] = [
      { role: 'user', content: "my node app crashes on start with TypeError: Cannot read properties of undefined (reading 'port')" },
      { role: 'assistant', content: 'Import the config first.' },
      { role: 'user', content: 'I added the import' },
    ];
    const again = "TypeError: Cannot read properties of undefined (reading 'port')\n    at Object.<anonymous> (/app/src/server.js:12:24)";
    expect(classifyFollowUp({ context, assistant: 'Now restart the app.', nextUser: again }).label).toBe('requery');
    const other = 'ok that one is gone, now: ImportError: Missing optional dependency openpyxl.';
    expect(classifyFollowUp({ context, assistant: 'Now restart the app.', nextUser: other }).reward).toBe(0);
  });

  it('negative evidence beats praise in one message', () => {
    expect(classifyFollowUp(turn("thanks, but that's not what I asked")).label).toBe('requery');
  });
});

describe('quoted words are mentioned, not said', () => {
  it('finds quote spans but not apostrophes', () => {
    expect(quotedSpans(`how about 'thank you for the food'`)).toHaveLength(1);
    expect(quotedSpans("don't I need it")).toHaveLength(0);
  });

  it('a cue inside quotes neither praises nor complains', () => {
    expect(classifyFollowUp(turn('how do I say "thank you" in Welsh')).reward).toBe(0);
    expect(classifyFollowUp(turn('the title should be "Useless Facts"')).reward).toBe(0);
  });
});

describe('languages are data', () => {
  it('German cue set: thanks, correction with a German hint, re-query', () => {
    expect(classifyFollowUp(turn('Danke, hat geklappt!', 'Wie lange kocht man Spaghetti?')).label).toBe('positive');
    const c = classifyFollowUp(turn('Nein, ich meinte Vollkornspaghetti', 'Wie lange kocht man Spaghetti?'));
    expect(c.label).toBe('correction');
    expect(c.evidence).toContain('language:de');
    expect(c.hint).toMatch(/^Gemeint war .*Vollkornspaghetti/);
    expect(classifyFollowUp(turn('Das beantwortet meine Frage nicht', 'Wie lange kocht man Spaghetti?')).label).toBe('requery');
  });

  it('an unknown language falls back to neutral', () => {
    const v = classifyFollowUp(turn('これは私が欲しかったものではありません', '東京の天気は？', '晴れです。'));
    expect(v.label).toBe('neutral');
    expect(v.evidence).toContain('language:unknown');
  });

  it('thanks words and emoji work in any language', () => {
    expect(classifyFollowUp(turn('谢谢', '今天天气怎么样？', '晴天。')).label).toBe('positive');
    expect(classifyFollowUp(turn('merci beaucoup !')).label).toBe('positive');
    expect(classifyFollowUp(turn('👎')).label).toBe('negative_other');
  });
});

describe('verdict shape', () => {
  it('reward follows the label; confidence is the calibrated precision of the rule\'s bucket', () => {
    for (const text of ['thanks', 'no, I meant X', 'I asked how to sort', 'useless', 'what?', 'ok', '', 'Danke']) {
      const v = classifyFollowUp(turn(text));
      const expected = { positive: 1, correction: -1, requery: -1, negative_other: -1, neutral: 0 }[v.label];
      expect(v.reward).toBe(expected);
      expect(v.confidence).toBeGreaterThanOrEqual(0);
      expect(v.confidence).toBeLessThanOrEqual(1);
      expect(evidenceOf(text)).toMatch(/calibrated:\d\.\d\d \(bucket /);
    }
    // Rules in one bucket report one confidence: it belongs to the bucket, not the phrase.
    expect(classifyFollowUp(turn('useless')).confidence).toBe(classifyFollowUp(turn('I asked how to sort')).confidence);
  });

  it('is pure: the same input gives the same verdict', () => {
    const input = turn('no, I meant descending order');
    expect(classifyFollowUp(input)).toEqual(classifyFollowUp(input));
  });
});
