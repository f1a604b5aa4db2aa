import { describe, expect, it } from 'vitest';
import { stripMarkdownMarkers } from '../../../electron/signals/strip-markdown-markers';

describe('stripMarkdownMarkers', () => {
  it.each([
    ['the short answer**: it is *Canberra', 'the short answer: it is Canberra'],
    ['use `npm ci` and **never** _ever_ ~~npm i~~', 'use npm ci and never ever npm i'],
    ['see [the docs](https://example.org/a_b) first', 'see the docs first'],
    ['## Steps\n> note\n- first item', 'Steps\nnote\nfirst item'],
    ['```js\nconst a = 1;\n```', 'js\nconst a = 1;'],
  ])('%j → %j', (input, expected) => {
    expect(stripMarkdownMarkers(input)).toBe(expected);
  });

  it('keeps markers that are content: identifiers, arithmetic, globs inside words', () => {
    expect(stripMarkdownMarkers('snake_case_name')).toBe('snake_case_name');
    expect(stripMarkdownMarkers('2 * 3 = 6')).toBe('2 * 3 = 6');
    expect(stripMarkdownMarkers('a*b*c')).toBe('a*b*c');
  });

  it('is safe on any input', () => {
    expect(stripMarkdownMarkers('')).toBe('');
    expect(stripMarkdownMarkers('*'.repeat(10_000))).toBe('');
    expect(stripMarkdownMarkers('🙂 **ok** 🙂')).toBe('🙂 ok 🙂');
  });
});
