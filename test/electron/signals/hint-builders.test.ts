import { describe, expect, it } from 'vitest';
import { HintSchema } from '../../../shared/domain';
import { buildEditHint, buildInlineMarkHint, buildThumbHint } from '../../../electron/signals';

/** Sentences as the teacher prompt sees them (quoted parts may hold their own full stops). */
function sentenceCount(hint: string): number {
  return hint.replace(/"[^"]*"/g, '""').split(/(?<=[.!?])\s+/).filter((s) => s.trim()).length;
}

function expectUsableHint(hint: string | null): asserts hint is string {
  expect(hint).not.toBeNull();
  expect(HintSchema.shape.text.safeParse(hint).success).toBe(true);
  expect(hint!.includes('\n')).toBe(false);
  expect(sentenceCount(hint!)).toBeGreaterThanOrEqual(1);
  expect(sentenceCount(hint!)).toBeLessThanOrEqual(3);
}

describe('buildInlineMarkHint', () => {
  const assistant = 'The Berlin Wall fell in 1991, two years after the protests began.';

  it('replacement text: where it said X it should have said Y', () => {
    const hint = buildInlineMarkHint({ assistant, quote: '1991', correction: '1989' });
    expectUsableHint(hint);
    expect(hint).toBe('Where the reply said "1991", it should have said "1989".');
  });

  it('a partial selection of rendered markdown is quoted without its ** / * / ` markers', () => {
    const hint = buildInlineMarkHint({
      assistant: '**The short answer**: it is *Canberra*, not Sydney.',
      quote: 'the short answer**: it is *Canberra',
      correction: 'Vienna, on the Danube',
    });
    expectUsableHint(hint);
    expect(hint).toBe('Where the reply said "the short answer: it is Canberra", it should have said "Vienna, on the Danube".');
  });

  it('markers that are content (snake_case, 2 * 3) survive; a quote that was only markers is dropped', () => {
    expect(buildInlineMarkHint({ assistant: 'x', quote: 'call `my_func(2 * 3)`', correction: 'call other_func' })).toContain('"call my_func(2 * 3)"');
    expect(buildInlineMarkHint({ assistant: 'x', quote: '***', correction: 'a summary first' })).toBe('The reply should have said "a summary first".');
  });

  it('a dunder identifier keeps its underscores in the quote, inside or outside a code span', () => {
    const assistant = 'Define `__init__` to set the fields; Python calls __init__ for you.';
    expect(buildInlineMarkHint({ assistant, quote: 'Define `__init__`', correction: 'Define __post_init__ on a dataclass' })).toBe(
      'Where the reply said "Define __init__", it should have said "Define __post_init__ on a dataclass".',
    );
    expect(buildInlineMarkHint({ assistant, quote: 'calls __init__ for', correction: 'calls __new__ first' })).toContain('"calls __init__ for"');
  });

  it('an instruction about the span stays an instruction', () => {
    const hint = buildInlineMarkHint({ assistant: 'Dear Sir or Madam, thank you for…', quote: 'Dear Sir or Madam', correction: "don't use a generic greeting, use her name" });
    expectUsableHint(hint);
    expect(hint).toMatch(/^About "Dear Sir or Madam" in the reply: Don't use a generic greeting/);
  });

  it('quotes inside the user text cannot break the hint\'s quoting', () => {
    const hint = buildInlineMarkHint({ assistant, quote: 'fell "in" 1991', correction: 'say "fell in 1989"' });
    expectUsableHint(hint);
    expect(hint.match(/"/g)!.length % 2).toBe(0);
  });

  it('uses the correction\'s language for the template', () => {
    const hint = buildInlineMarkHint({ assistant: 'Die Mauer fiel 1991.', quote: '1991', correction: 'das war 1989, nicht 1991' });
    expect(hint).toBe('Zu "1991" in der Antwort: Verwende 1989, nicht 1991.');
  });
});

describe('buildEditHint', () => {
  it('null when nothing, whitespace, case or punctuation changed', () => {
    const before = 'Boil the pasta for 9 minutes. Drain it well.';
    expect(buildEditHint({ before, after: before })).toBeNull();
    expect(buildEditHint({ before, after: `  ${before.replace(/ /g, '   ')}\n` })).toBeNull();
    expect(buildEditHint({ before, after: 'boil the pasta for 9 minutes, drain it well!' })).toBeNull();
  });

  it('a word replaced', () => {
    const hint = buildEditHint({ before: 'Boil the pasta for 12 minutes, then drain it.', after: 'Boil the pasta for 9 minutes, then drain it.' });
    expectUsableHint(hint);
    expect(hint).toBe('Write "9" instead of "12".');
  });

  it('a sentence removed and a phrase added', () => {
    const before = 'Hi Tom, I hope this message finds you well. The heating is broken. Could you fix it?';
    const after = 'Hi Tom, the heating is broken since Monday. Could you fix it this week?';
    const hint = buildEditHint({ before, after });
    expectUsableHint(hint);
    expect(hint).toContain('since Monday');
  });

  it('a much shorter rewrite says so', () => {
    const before = 'Thank you so much for reaching out to us about this matter. We truly appreciate your patience. Unfortunately, due to circumstances beyond our control, the delivery has been delayed by approximately two business days. We apologise sincerely for any inconvenience this may cause.';
    const after = 'Your delivery is two days late. Sorry!';
    const hint = buildEditHint({ before, after });
    expectUsableHint(hint);
    expect(hint).toMatch(/^Be more concise: the user cut the reply to about \d+% of its length\./);
  });

  it('a complete rewrite quotes the new version', () => {
    const hint = buildEditHint({ before: 'Roses are red, violets are blue.', after: 'Completely different words now appear here instead.' });
    expectUsableHint(hint);
    expect(hint).toContain('Completely different words now appear here instead');
  });
});

describe('buildThumbHint', () => {
  it('null without a usable reason', () => {
    for (const reason of [undefined, '', '   ', 'bad', 'meh', '👎', '!!!']) expect(buildThumbHint(reason)).toBeNull();
  });

  it('a reason that names a fix becomes the fix', () => {
    expect(buildThumbHint('too long')).toBe('Be much more concise.');
    const hint = buildThumbHint("don't use jargon");
    expectUsableHint(hint);
    expect(hint).toBe("Don't use jargon.");
  });

  it('any other reason is quoted as the user\'s feedback', () => {
    const hint = buildThumbHint('the numbers in the table do not add up');
    expectUsableHint(hint);
    expect(hint).toContain('the numbers in the table do not add up');
  });
});
