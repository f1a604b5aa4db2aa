import { fromMarkdown } from 'mdast-util-from-markdown';
import { describe, expect, it } from 'vitest';
import { readFence, splitMarkdownBlocks } from '../../../renderer/markdown/split-markdown-blocks';

const texts = (source: string, final = true) => splitMarkdownBlocks(source, { final }).blocks.map((b) => b.text);

/** The mdast node types at the top level, the way the whole text parses. */
const topLevel = (source: string) => fromMarkdown(source).children.map((n) => n.type);

describe('splitMarkdownBlocks', () => {
  it('cuts at blank lines before column-0 blocks and keeps every character of content', () => {
    const source = '# Title\n\nFirst paragraph\nstill first.\n\n> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nLast';
    const blocks = splitMarkdownBlocks(source, { final: true }).blocks;
    expect(blocks.map((b) => b.text.trim())).toEqual(['# Title', 'First paragraph\nstill first.', '> a quote', '| a | b |\n|---|---|\n| 1 | 2 |', 'Last']);
    expect(blocks.map((b) => b.text).join('')).toBe(source);
    for (const block of blocks) expect(source.slice(block.start, block.start + block.text.length)).toBe(block.text);
  });

  it('parses each block to the same top-level nodes as the whole text', () => {
    const source = [
      'Intro with **bold**.',
      '',
      '- one',
      '',
      '- two (loose list)',
      '',
      '  continued inside two',
      '',
      '1. first',
      '2. second',
      '',
      'Para',
      '```js',
      'const a = 1;',
      '',
      'const b = 2;',
      '```',
      'After the fence',
      '',
      '$$',
      'x^2',
      '',
      'y',
      '$$',
      '',
      '    indented code',
      '',
      '    more indented code',
      '',
      'End.',
    ].join('\n');
    const blocks = splitMarkdownBlocks(source, { final: true }).blocks;
    expect(blocks.flatMap((b) => topLevel(b.text))).toEqual(topLevel(source));
  });

  it('keeps a list together across blank lines, and its indented continuation', () => {
    expect(texts('- a\n\n- b\n\n  more b\n\nafter').map((t) => t.trim())).toEqual(['- a\n\n- b\n\n  more b', 'after']);
  });

  it('makes a column-0 fence its own block, without cutting at blank lines inside it', () => {
    const blocks = splitMarkdownBlocks('Text\n```py\nx = 1\n\n\ny = 2\n```\nMore', { final: true }).blocks;
    expect(blocks.map((b) => b.text)).toEqual(['Text\n', '```py\nx = 1\n\n\ny = 2\n```\n', 'More']);
    expect(blocks[1]!.fence).toEqual({ language: 'py', code: 'x = 1\n\n\ny = 2', closed: true });
    expect(blocks[0]!.fence).toBeNull();
  });

  it('does not cut inside a $$ math block', () => {
    expect(texts('$$\na\n\nb\n$$\n\nafter').map((t) => t.trim())).toEqual(['$$\na\n\nb\n$$', 'after']);
  });

  it('lets the unfinished last line decide nothing until the text is final', () => {
    expect(texts('para\n\nnext', false)).toEqual(['para\n\nnext']);
    expect(texts('para\n\nnext', true)).toEqual(['para\n\n', 'next']);
    expect(texts('para\n\nnext\n', false)).toEqual(['para\n\n', 'next\n']);
    // '1' may yet become '1. item' of the list above, which must not be cut off.
    expect(texts('- a\n\n1', false)).toEqual(['- a\n\n1']);
  });

  it('reuses the settled blocks when the text grows, and splits the same as from scratch', () => {
    const full = '# A\n\nOne two.\n\n```ts\nlet x = 1;\n\nx += 1;\n```\n\n- a\n\n- b\n\nThe end.\n';
    let split = splitMarkdownBlocks('');
    const seen = new Map<number, object>();
    for (let i = 1; i <= full.length; i += 3) {
      const next = splitMarkdownBlocks(full.slice(0, i), { previous: split });
      expect(next.blocks).toEqual(splitMarkdownBlocks(full.slice(0, i)).blocks);
      // A settled block (all but the last) keeps its identity once it exists.
      for (const block of next.blocks.slice(0, -1)) {
        if (seen.has(block.start)) expect(block).toBe(seen.get(block.start));
        seen.set(block.start, block);
      }
      split = next;
    }
  });

  it('splits a megabyte of ordinary markdown into small blocks quickly', () => {
    const section = '## Heading\n\nSome **text** with `code`.\n\n- a\n- b\n\n```js\nx()\n```\n\n';
    const source = section.repeat(Math.ceil(1_000_000 / section.length));
    const started = performance.now();
    const blocks = splitMarkdownBlocks(source, { final: true }).blocks;
    const took = performance.now() - started;
    expect(Math.max(...blocks.map((b) => b.text.length))).toBeLessThan(40);
    expect(took).toBeLessThan(2_000);
  });
});

describe('readFence', () => {
  it('reads language and code of closed and unclosed fences', () => {
    expect(readFence('~~~~ rust extra\nfn main() {}\n~~~~\n')).toEqual({ language: 'rust', code: 'fn main() {}', closed: true });
    expect(readFence('```\nstill typing\n')).toEqual({ language: '', code: 'still typing', closed: false });
    expect(readFence('```js')).toEqual({ language: 'js', code: '', closed: false });
    // A shorter fence does not close a longer one.
    expect(readFence('````\n```\n````')).toEqual({ language: '', code: '```', closed: true });
  });
});
