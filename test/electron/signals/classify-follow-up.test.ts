import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../../electron/signals';
import type { FollowUpInput, Turn } from '../../../electron/signals/types';

const REQUEST = 'How do I sort a list of dicts by a key in Python?';
const REPLY = 'Use sorted(items, key=lambda d: d["name"]). It returns a new list.';

function turn(nextUser: string, request = REQUEST, assistant = REPLY, extra: Turn[] = []): FollowUpInput {
  return { context: [...extra, { role: 'user', content: request }], assistant, nextUser };
}

describe('classifyFollowUp: thanks and approval', () => {
  it.each(['thanks!', 'Thank you so much, that worked', 'perfect', 'that fixed it!!', 'makes sense, thx', '👍', 'lifesaver'])(
    '%s → positive +1',
    (text) => {
      const v = classifyFollowUp(turn(text));
      expect(v.label).toBe('positive');
      expect(v.reward).toBe(1);
      expect(v.hint).toBeNull();
      expect(v.evidence.some((e) => e.startsWith('cue:') || e.startsWith('opener:'))).toBe(true);
    },
  );

  it('thanks followed by a new request stays positive', () => {
    expect(classifyFollowUp(turn('Perfect, now how do I deploy it?')).label).toBe('positive');
  });

  it('praise words inside a new question are not praise', () => {
    expect(classifyFollowUp(turn('Is this approach helpful for very large lists?')).label).not.toBe('positive');
  });
});

describe('classifyFollowUp: corrections carry rule hints', () => {
  it('"no, I meant X"', () => {
    const v = classifyFollowUp(turn('no, I meant descending order'));
    expect(v).toMatchObject({ label: 'correction', reward: -1 });
    expect(v.hint).toContain('descending order');
    expect(v.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('"not X, Y" names the right and the wrong', () => {
    const v = classifyFollowUp(turn('Not ascending, descending.'));
    expect(v.label).toBe('correction');
    expect(v.hint).toBe('Use descending, not ascending.');
  });

  it('"change X to Y" becomes an imperative', () => {
    const v = classifyFollowUp(turn('can you change the key to age please?'));
    expect(v.label).toBe('correction');
    expect(v.hint).toBe('Change the key to age.');
  });

  it('"that\'s wrong, it\'s …" keeps the correct fact in the user\'s casing', () => {
    const v = classifyFollowUp(turn("That's wrong, it's sorted() not sort()"));
    expect(v.label).toBe('correction');
    expect(v.hint).toContain('sorted()');
  });

  it('"you forgot …"', () => {
    const v = classifyFollowUp(turn('you forgot the reverse flag'));
    expect(v.label).toBe('correction');
    expect(v.hint).toBe('Do not forget the reverse flag.');
  });

  it('"don\'t …" at a clause start', () => {
    const v = classifyFollowUp(turn("Don't use a lambda, use operator.itemgetter"));
    expect(v.label).toBe('correction');
    expect(v.hint).toMatch(/^Don't use a lambda/);
  });

  it('"don\'t" inside a question is not a directive', () => {
    expect(classifyFollowUp(turn("Why don't dicts support the + operator?")).label).not.toBe('correction');
  });

  it('style complaints map to a fix', () => {
    expect(classifyFollowUp(turn('way too long')).hint).toBe('Be much more concise.');
    expect(classifyFollowUp(turn('can you make it shorter')).hint).toBe('Be much more concise.');
  });

  it('polite correction: "thanks, but …" is a correction, not praise', () => {
    const v = classifyFollowUp(turn('Thanks, but can you use metric units?'));
    expect(v.label).toBe('correction');
    expect(v.hint).toContain('metric units');
  });

  it('statements that contradict the reply ("I\'m not using StrictMode though")', () => {
    expect(classifyFollowUp(turn("I'm not using StrictMode though")).label).toBe('correction');
  });
});

describe('classifyFollowUp: re-queries', () => {
  it('the same question in other words (similarity)', () => {
    const v = classifyFollowUp(turn('How do I sort a python list of dictionaries by key?'));
    expect(v.label).toBe('requery');
    expect(v.reward).toBe(-1);
    expect(v.evidence.join(' ')).toMatch(/similarity:0\.\d\d/);
  });

  it('a re-ask with no shared words, by its cue', () => {
    const v = classifyFollowUp(turn("you didn't answer my question", 'What year did the Berlin Wall fall?', 'Walls have been built for millennia.'));
    expect(v.label).toBe('requery');
  });

  it('"?" alone after an off-target reply', () => {
    expect(classifyFollowUp(turn('?')).label).toBe('requery');
  });

  it('a related follow-up that moves on is not a re-query', () => {
    expect(classifyFollowUp(turn('And what about sorting by two keys?')).label).toBe('neutral');
  });
});

describe('classifyFollowUp: negative without a directive, and sarcasm', () => {
  it.each(['this is useless', 'still getting the same error', 'that was no help 👎'])('%s → negative_other', (text) => {
    const v = classifyFollowUp(turn(text));
    expect(v.label).toBe('negative_other');
    expect(v.reward).toBe(-1);
    expect(v.hint).toBeNull();
  });

  it.each(['great, another wall of text', 'Great, it crashes now.', 'oh wonderful, the same bio as everyone else 🙄'])('sarcasm: %s', (text) => {
    const v = classifyFollowUp(turn(text));
    expect(v.label).toBe('negative_other');
  });

  it('a negated complaint is good news', () => {
    expect(classifyFollowUp(turn('works perfectly now, no more crashes')).label).toBe('positive');
  });
});

describe('classifyFollowUp: neutral', () => {
  it.each(['ok', 'hmm', 'k', 'alright'])('bare acknowledgement %s', (text) => {
    const v = classifyFollowUp(turn(text));
    expect(v).toMatchObject({ label: 'neutral', reward: 0 });
  });

  it('a new topic that looks like a question', () => {
    const v = classifyFollowUp(turn('What is the capital of Mongolia and its population?'));
    expect(v.label).toBe('neutral');
    expect(v.evidence.join(' ')).toContain('new topic');
  });
});

describe('classifyFollowUp: languages are data', () => {
  it('German cue set: thanks, correction with a German hint, re-query', () => {
    expect(classifyFollowUp(turn('Danke, hat super geklappt!', 'Wie lange kocht man Spaghetti?')).label).toBe('positive');
    const c = classifyFollowUp(turn('Nein, ich meinte Vollkornspaghetti', 'Wie lange kocht man Spaghetti?'));
    expect(c.label).toBe('correction');
    expect(c.evidence).toContain('language:de');
    expect(c.hint).toContain('Vollkornspaghetti');
    expect(c.hint).toMatch(/^Gemeint war/);
    expect(classifyFollowUp(turn('Das beantwortet meine Frage nicht', 'Wie lange kocht man Spaghetti?')).label).toBe('requery');
    expect(classifyFollowUp(turn('zu förmlich, bitte lockerer', 'Schreib eine Absage.')).hint).toBe('Schreib lockerer und natürlicher.');
  });

  it('an unknown language falls back to neutral with low confidence', () => {
    const v = classifyFollowUp(turn('これは私が欲しかったものではありません', '東京の天気は？', '晴れです。'));
    expect(v.label).toBe('neutral');
    expect(v.confidence).toBeLessThan(0.5);
    expect(v.evidence).toContain('language:unknown');
  });

  it('thanks words and emoji work in any language', () => {
    expect(classifyFollowUp(turn('谢谢', '今天天气怎么样？', '晴天。')).label).toBe('positive');
    expect(classifyFollowUp(turn('merci beaucoup !')).label).toBe('positive');
    expect(classifyFollowUp(turn('👎')).label).toBe('negative_other');
  });
});

describe('classifyFollowUp: verdict shape', () => {
  it('reward follows the label and confidence is within 0..1', () => {
    for (const text of ['thanks', 'no, I meant X', 'I asked how to sort', 'useless', 'ok', '', 'Danke']) {
      const v = classifyFollowUp(turn(text));
      const expected = { positive: 1, correction: -1, requery: -1, negative_other: -1, neutral: 0 }[v.label];
      expect(v.reward).toBe(expected);
      expect(v.confidence).toBeGreaterThanOrEqual(0);
      expect(v.confidence).toBeLessThanOrEqual(1);
      expect(Array.isArray(v.evidence)).toBe(true);
      if (v.label !== 'correction') expect(v.hint).toBeNull();
    }
  });

  it('is pure: the same input gives the same verdict', () => {
    const input = turn('Thanks, but can you use metric units?');
    expect(classifyFollowUp(input)).toEqual(classifyFollowUp(input));
  });
});

describe('classifyFollowUp: fragments, re-ask openers and bug reports', () => {
  const phone = turn('android', 'How do I sign a PDF on my phone?', 'On iPhone, open the PDF in Files and tap the markup icon.');

  it('a bare fragment with a new term specifies what the reply missed (weakly)', () => {
    const v = classifyFollowUp(turn('UK cups', 'How much flour for one cup of butter in a cake?', 'Use about 250 g of flour.'));
    expect(v.label).toBe('correction');
    expect(v.confidence).toBeLessThan(0.6);
    expect(v.hint).toContain('"UK cups"');
  });

  it('a fragment naming another platform than the reply\'s contradicts it', () => {
    const v = classifyFollowUp(phone);
    expect(v.label).toBe('correction');
    expect(v.evidence.join(' ')).toMatch(/states "android"; the reply said "iphone"/);
    expect(v.hint).toContain('"android"');
  });

  it('a bare fragment the turn already had is not a correction', () => {
    expect(classifyFollowUp(turn('iPhone', 'How do I sign a PDF on my phone?', 'On iPhone, open the PDF in Files.')).label).not.toBe('correction');
  });

  it('"but …?" opening a question is a weak re-ask', () => {
    const v = classifyFollowUp(turn('but can it go in the freezer?', 'Can I freeze cooked rice?', 'Rice is a staple food.'));
    expect(v.label).toBe('requery');
    expect(v.confidence).toBeLessThan(0.6);
  });

  it('a bug report with details is a correction; a bare failure report is a complaint', () => {
    const code = 'Write a regex for US phone numbers.';
    expect(classifyFollowUp(turn('it also matches 12345678901234', code, '\\d{3}-\\d{3}-\\d{4}')).label).toBe('correction');
    expect(classifyFollowUp(turn("it still doesn't work", code, '\\d{3}-\\d{3}-\\d{4}')).label).toBe('negative_other');
  });
});
