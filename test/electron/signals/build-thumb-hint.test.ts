import { describe, expect, it } from 'vitest';
import { HintSchema } from '../../../shared/domain';
import { buildThumbHint } from '../../../electron/signals';

/** A hint the teacher prompt can use: one line, 1–3 sentences, never an instruction made of a verdict. */
function expectInstruction(hint: string | null): string {
  expect(hint).not.toBeNull();
  expect(HintSchema.shape.text.safeParse(hint).success).toBe(true);
  expect(hint).not.toMatch(/\n/);
  expect(hint).not.toMatch(/^Use (?:Wrong|Incorrect|No)\b/i);
  expect(hint).toMatch(/[.!?…]$/);
  return hint!;
}

describe('buildThumbHint: thumbs-down reasons become instructions', () => {
  it('turns "Wrong: <fact>" into the fact, not "Use Wrong: …"', () => {
    expect(expectInstruction(buildThumbHint('Wrong: Canberra is the capital, not Sydney.'))).toBe('Canberra is the capital, not Sydney.');
    expect(buildThumbHint('Factually wrong: the Eiffel tower is in Paris, not Lyon')).toBe('The Eiffel tower is in Paris, not Lyon.');
    expect(buildThumbHint('Incorrect. Water boils at 100 °C at sea level.')).toBe('Water boils at 100 °C at sea level.');
    expect(buildThumbHint("That's incorrect, the deadline is Friday")).toBe('The deadline is Friday.');
    expect(buildThumbHint('No, the meeting was on Tuesday')).toBe('The meeting was on Tuesday.');
    expect(buildThumbHint('The answer is wrong, 7*8 is 56')).toBe('7*8 is 56.');
    expect(buildThumbHint('Falsch: Die Hauptstadt ist Canberra, nicht Sydney.')).toBe('Die Hauptstadt ist Canberra, nicht Sydney.');
  });

  it('keeps fixes and instructions as instructions', () => {
    expect(buildThumbHint('too long')).toBe('Be much more concise.');
    expect(buildThumbHint('Too long, just name the city and nothing else.')).toBe('Be much more concise.');
    expect(buildThumbHint("don't use jargon")).toBe("Don't use jargon.");
    expect(buildThumbHint('Say that it reads mRNA')).toBe('Say that it reads mRNA.');
    expect(buildThumbHint('Use metric units')).toBe('Use metric units.');
    expect(buildThumbHint('wrong, it should be Canberra')).toBe('It should be Canberra.');
    expect(buildThumbHint('you forgot the rent')).toBe('Do not forget the rent.');
  });

  it('quotes what it cannot turn into a clean instruction in a neutral wrapper instead of mangling it', () => {
    expect(buildThumbHint('not helpful, it ignored my question about rent')).toBe('The user said the reply was not helpful: it ignored my question about rent.');
    expect(buildThumbHint('I asked for a list')).toBe('The user gave the reply a thumbs down: I asked for a list.');
    const numbers = expectInstruction(buildThumbHint('the numbers in the table do not add up'));
    expect(numbers).toContain('the numbers in the table do not add up');
  });

  it('gives no hint for a bare verdict', () => {
    for (const reason of [undefined, '', 'bad', 'Wrong.', 'Incorrect!', 'nope', 'meh', '👎', "That's wrong."]) expect(buildThumbHint(reason)).toBeNull();
  });
});
