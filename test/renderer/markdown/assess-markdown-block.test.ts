import { describe, expect, it } from 'vitest';
import {
  assessMarkdownBlock,
  containerDepth,
  inlineDepth,
  MAX_CONTAINER_DEPTH,
  MAX_INLINE_DEPTH,
  MAX_MARKDOWN_BLOCK_CHARS,
} from '../../../renderer/markdown/assess-markdown-block';

describe('assessMarkdownBlock', () => {
  it('formats ordinary markdown', () => {
    const ordinary = '> quoted **bold** and *em* [link](https://x.y)\n\n- a\n  - b\n    - c\n\n```\n' + ' '.repeat(200) + 'deeply indented code\n```';
    expect(assessMarkdownBlock(ordinary)).toEqual({ format: true });
  });

  it('refuses the nesting that overflowed the stack: 3,000 ">" and a 1,000-level list', () => {
    expect(assessMarkdownBlock('>'.repeat(3000) + ' x')).toEqual({ format: false, reason: 'too-deep' });
    const list = Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n');
    expect(assessMarkdownBlock(list, Infinity)).toEqual({ format: false, reason: 'too-deep' });
  });

  it('refuses deeply nested emphasis and brackets', () => {
    expect(assessMarkdownBlock('*a '.repeat(500) + 'x' + ' a*'.repeat(500))).toEqual({ format: false, reason: 'too-deep' });
    expect(assessMarkdownBlock('['.repeat(500) + 'x' + ']'.repeat(500))).toEqual({ format: false, reason: 'too-deep' });
  });

  it('refuses blocks over the size limit', () => {
    expect(assessMarkdownBlock('a'.repeat(MAX_MARKDOWN_BLOCK_CHARS + 1))).toEqual({ format: false, reason: 'too-long' });
    expect(assessMarkdownBlock('a'.repeat(100), 50)).toEqual({ format: false, reason: 'too-long' });
  });
});

describe('containerDepth', () => {
  it('counts quote markers and list levels, not fenced code', () => {
    expect(containerDepth('> > > x')).toBe(3);
    expect(containerDepth('- a\n  - b\n    - c')).toBe(3);
    expect(containerDepth('```\n' + '>'.repeat(100) + '\n```')).toBe(0);
    expect(containerDepth('>'.repeat(MAX_CONTAINER_DEPTH + 1))).toBeGreaterThan(MAX_CONTAINER_DEPTH);
  });
});

describe('inlineDepth', () => {
  it('balances openers and closers per paragraph and skips code spans', () => {
    expect(inlineDepth('**bold** and *em* and _u_ ~~s~~ [l](x)')).toBe(1);
    expect(inlineDepth('`' + ' *a'.repeat(200) + '`')).toBe(0);
    // A blank line ends the paragraph: openers do not pile up across paragraphs.
    expect(inlineDepth(Array.from({ length: 100 }, () => '*note').join('\n\n'))).toBe(1);
    expect(inlineDepth('*a '.repeat(MAX_INLINE_DEPTH + 1))).toBeGreaterThan(MAX_INLINE_DEPTH);
  });
});
