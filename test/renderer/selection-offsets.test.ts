import { describe, expect, it } from 'vitest';
import { foldMarkdown, selectionToOffsets } from '../../renderer/selection/selection-offsets';

function quoteOf(content: string, result: ReturnType<typeof selectionToOffsets>): string {
  if (!result.ok) throw new Error(result.message);
  return content.slice(result.start, result.end);
}

describe('selectionToOffsets', () => {
  it('finds plain selected text exactly', () => {
    const content = 'Paris is the capital of France. It is on the Seine.';
    const result = selectionToOffsets(content, 'capital of France');
    expect(result).toEqual({ ok: true, start: 13, end: 30, quote: 'capital of France' });
  });

  it('trims whitespace the browser adds around a selection', () => {
    const content = 'Use a map here.';
    expect(quoteOf(content, selectionToOffsets(content, '  a map\n'))).toBe('a map');
  });

  it('maps text selected across rendered markup back to the raw markdown span', () => {
    const content = 'The answer is **forty two**, use `npm test` to check.';
    const result = selectionToOffsets(content, 'forty two, use npm test');
    expect(quoteOf(content, result)).toBe('forty two**, use `npm test');
  });

  it('maps a selection spanning list items (markers are rendered by CSS, not text)', () => {
    const content = 'Steps:\n\n- install node\n- run the build\n\n1. then test';
    const result = selectionToOffsets(content, 'install node\nrun the build\nthen test');
    expect(quoteOf(content, result)).toBe('install node\n- run the build\n\n1. then test');
  });

  it('maps a selection across paragraphs and a heading', () => {
    const content = '## Setup\n\nFirst paragraph ends.\n\nSecond *one* starts.';
    expect(quoteOf(content, selectionToOffsets(content, 'Setup\nFirst paragraph ends.\n\nSecond one'))).toBe(
      'Setup\n\nFirst paragraph ends.\n\nSecond *one',
    );
  });

  it('uses the position in the rendered text to pick among repeated occurrences', () => {
    const content = 'Yes. I said yes and yes again.';
    const rendered = content;
    const second = rendered.indexOf('yes', rendered.indexOf('yes') + 1);
    const result = selectionToOffsets(content, 'yes', { renderedText: rendered, renderedStart: second });
    expect(result).toMatchObject({ ok: true, start: second, end: second + 3 });
  });

  it('uses the rendered position for repeated text behind markup too', () => {
    const content = '**cat** sat; the cat ran';
    const rendered = 'cat sat; the cat ran';
    const result = selectionToOffsets(content, 'cat', { renderedText: rendered, renderedStart: rendered.lastIndexOf('cat') });
    expect(result).toMatchObject({ ok: true, start: content.lastIndexOf('cat') });
  });

  it('says the selection is ambiguous when the rendered position cannot decide', () => {
    const content = 'go go go';
    expect(selectionToOffsets(content, 'go')).toMatchObject({ ok: false, reason: 'ambiguous' });
  });

  it('reports selections that are empty or not part of the reply', () => {
    expect(selectionToOffsets('hello', '   ')).toMatchObject({ ok: false, reason: 'empty' });
    expect(selectionToOffsets('hello world', 'goodbye')).toMatchObject({ ok: false, reason: 'not_found' });
  });

  it('keeps offsets in UTF-16 units as String.prototype.slice expects (emoji, CJK)', () => {
    const content = '答案是 🎉 **四十二** 好';
    const result = selectionToOffsets(content, '🎉 四十二');
    expect(quoteOf(content, result)).toBe('🎉 **四十二');
  });
});

describe('foldMarkdown', () => {
  it('drops markup, collapses whitespace and remembers origins', () => {
    const folded = foldMarkdown('# Title\n\n**a**  b');
    expect(folded.text).toBe('Title a b');
    expect(folded.origin[0]).toBe(2);
    expect(folded.origin[folded.text.length - 1]).toBe(16);
  });
});
