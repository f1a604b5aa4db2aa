import { describe, expect, it } from 'vitest';
import { HintSchema } from '../../../shared/domain';
import { buildEditHint, buildInlineMarkHint, buildThumbHint, classifyFollowUp } from '../../../electron/signals';
import type { FollowUpInput, SignalVerdict } from '../../../electron/signals/types';

const LABELS = ['positive', 'correction', 'requery', 'neutral', 'negative_other'];

function expectValid(v: SignalVerdict): void {
  expect(LABELS).toContain(v.label);
  expect([-1, 0, 1]).toContain(v.reward);
  expect(v.confidence).toBeGreaterThanOrEqual(0);
  expect(v.confidence).toBeLessThanOrEqual(1);
  expect(v.evidence.every((e) => typeof e === 'string')).toBe(true);
  if (v.hint !== null) expect(HintSchema.shape.text.safeParse(v.hint).success).toBe(true);
}

function input(nextUser: string, assistant = 'Here is the answer.', request = 'Help me please.'): FollowUpInput {
  return { context: [{ role: 'user', content: request }], assistant, nextUser };
}

describe('any input is safe', () => {
  it('empty and whitespace-only messages are neutral with low confidence', () => {
    for (const text of ['', '   ', '\n\t\n', '\u200B\u200B']) {
      const v = classifyFollowUp(input(text));
      expectValid(v);
      expect(v.label).toBe('neutral');
      expect(v.confidence).toBeLessThan(0.5);
    }
  });

  it('100k-character messages, replies and contexts are classified (head and tail are read)', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(4_000);
    const longComplaint = `${filler}\n\nAnyway, that doesn't work.`;
    expect(longComplaint.length).toBeGreaterThan(100_000);
    const v = classifyFollowUp({ context: [{ role: 'user', content: filler }], assistant: filler, nextUser: longComplaint });
    expectValid(v);
    expect(v.label).toBe('negative_other');
    const correction = classifyFollowUp(input(`No, I meant the other file. ${filler}`));
    expectValid(correction);
    expect(correction.label).toBe('correction');
    expect(correction.hint!.length).toBeLessThan(2_000);
  });

  it('one 100k-character word, or 100k emoji, does not break tokenising', () => {
    expectValid(classifyFollowUp(input('a'.repeat(100_000))));
    expectValid(classifyFollowUp(input('😀'.repeat(50_000))));
    expectValid(classifyFollowUp(input('?'.repeat(100_000))));
  });

  it('emoji, ZWJ sequences and skin tones', () => {
    expect(classifyFollowUp(input('👍🏽')).label).toBe('positive');
    expect(classifyFollowUp(input('🙏🙏🙏')).label).toBe('positive');
    expectValid(classifyFollowUp(input('👨‍👩‍👧‍👦🏳️‍🌈')));
  });

  it('right-to-left and mixed scripts', () => {
    expect(classifyFollowUp(input('شكرا جزيلا')).label).toBe('positive');
    expect(classifyFollowUp(input('תודה רבה!')).label).toBe('positive');
    const rtl = classifyFollowUp(input('\u202Eهذا ليس ما طلبته\u202C'));
    expectValid(rtl);
    expect(rtl.label).toBe('neutral');
    const mixed = classifyFollowUp(input('Danke! But it is way too long. 谢谢'));
    expectValid(mixed);
    expect(mixed.label).toBe('correction');
    expect(mixed.hint).toBe('Be much more concise.');
  });

  it('lone surrogates, control characters and odd quotes', () => {
    expectValid(classifyFollowUp(input('\uD800 no, I meant \u0000 the \u201Cother\u201D one \uDFFF')));
    expectValid(classifyFollowUp(input('\u0007\u0008\u001B[31m')));
  });

  it('malformed input from untyped callers gives a neutral verdict instead of throwing', () => {
    const bad = [null, undefined, 42, { nextUser: 7 }, { context: 'nope', assistant: null, nextUser: 'thanks' }] as unknown as FollowUpInput[];
    for (const b of bad) expectValid(classifyFollowUp(b));
    expect(classifyFollowUp(bad[4] as FollowUpInput).label).toBe('positive');
  });

  it('hint builders accept the same hostile inputs', () => {
    const huge = 'x '.repeat(60_000);
    expect(buildInlineMarkHint({ assistant: huge, quote: huge, correction: huge }).length).toBeLessThan(2_000);
    expect(buildThumbHint(huge)!.length).toBeLessThan(2_000);
    const edited = buildEditHint({ before: huge, after: `${huge} plus an added ending` });
    expect(edited === null || edited.length < 2_000).toBe(true);
    expect(buildEditHint({ before: '', after: '' })).toBeNull();
    expect(buildInlineMarkHint({ assistant: '', quote: '', correction: '' }).length).toBeGreaterThan(0);
    expect(buildThumbHint('🙄🙄')).toBeNull();
  });
});
