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

  it('keeps code as code: spans, fences and dunder identifiers keep their underscores and stars', () => {
    expect(stripMarkdownMarkers('define `__init__` on the class')).toBe('define __init__ on the class');
    expect(stripMarkdownMarkers('the **`__init__`** method')).toBe('the __init__ method');
    expect(stripMarkdownMarkers('call __init__ first, then check __name__')).toBe('call __init__ first, then check __name__');
    expect(stripMarkdownMarkers('`**kwargs` and **bold**')).toBe('**kwargs and bold');
    expect(stripMarkdownMarkers('``a ` b``')).toBe('a ` b');
    expect(stripMarkdownMarkers('```py\ndef __init__(self):\n    pass\n```')).toBe('py\ndef __init__(self):\n    pass');
  });

  it('a selection cut inside a code span keeps the code side as it is', () => {
    expect(stripMarkdownMarkers('init__` method')).toBe('init__ method');
    expect(stripMarkdownMarkers('see `__ini')).toBe('see __ini');
    expect(stripMarkdownMarkers('_ever_ and `x')).toBe('ever and x');
  });

  it('is safe on any input', () => {
    expect(stripMarkdownMarkers('\uE0000\uE001 `a`')).toBe('0 a');
    expect(stripMarkdownMarkers('')).toBe('');
    expect(stripMarkdownMarkers('*'.repeat(10_000))).toBe('');
    expect(stripMarkdownMarkers('🙂 **ok** 🙂')).toBe('🙂 ok 🙂');
  });
});
