// @vitest-environment happy-dom
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MarkdownContent } from '../../../renderer/components/MarkdownContent';
import { MessageErrorBoundary } from '../../../renderer/components/MessageErrorBoundary';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

async function render(node: ReactNode): Promise<void> {
  await act(async () => root.render(node));
}

function Thrower(): ReactNode {
  throw new RangeError('Maximum call stack size exceeded');
}

describe('MessageErrorBoundary', () => {
  it('shows a message that fails to render as plain text with a note, and keeps its siblings', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await render(
      <>
        <MessageErrorBoundary text={'**bold** and <b>raw</b>'}>
          <Thrower />
        </MessageErrorBoundary>
        <p id="sibling">still here</p>
      </>,
    );
    logged.mockRestore();
    const fallback = container.querySelector('[data-testid="message-render-error"]')!;
    expect(fallback).not.toBeNull();
    expect(fallback.querySelector('.md-fallback-note')!.textContent).toContain('could not be formatted');
    // The text is shown as it is: markdown and HTML stay text.
    expect(fallback.querySelector('.md-plain-text')!.textContent).toBe('**bold** and <b>raw</b>');
    expect(fallback.querySelector('b, strong')).toBeNull();
    expect(container.querySelector('#sibling')!.textContent).toBe('still here');
  });
});

describe('MarkdownContent', () => {
  it('formats ordinary markdown without raw HTML', async () => {
    await render(<MarkdownContent text={'# Title\n\nSome **bold** text <img src=x onerror="alert(1)">.\n\n- [x] done\n- [ ] todo\n'} />);
    expect(container.querySelector('h1')!.textContent).toBe('Title');
    expect(container.querySelector('strong')!.textContent).toBe('bold');
    expect(container.querySelector('img')).toBeNull();
    const boxes = [...container.querySelectorAll('input[type="checkbox"]')];
    expect(boxes.map((b) => b.getAttribute('aria-label'))).toEqual(['Done', 'Not done']);
  });

  it('shows 3,000 ">" as plain text with a note instead of overflowing the stack', async () => {
    await render(<MarkdownContent text={'>'.repeat(3000) + ' deep'} />);
    const fallback = container.querySelector('[data-testid="markdown-fallback"]')!;
    expect(fallback.getAttribute('data-reason')).toBe('too-deep');
    expect(fallback.textContent).toContain('deep');
    expect(container.querySelector('blockquote')).toBeNull();
  });

  it('puts fenced code in a code block with a copy button, and highlights it once the highlighter loads', async () => {
    await render(<MarkdownContent text={'Intro\n\n```ts\nconst answer: number = 42;\n```\n'} />);
    const block = container.querySelector('[data-testid="code-block"]')!;
    expect(block.getAttribute('data-language')).toBe('ts');
    expect(block.querySelector('code')!.textContent).toBe('const answer: number = 42;');
    expect(block.querySelector('[data-testid="copy-code"]')!.getAttribute('aria-label')).toBe('Copy code');
    await vi.waitFor(() => expect(block.querySelector('code[data-highlighted] .hljs-keyword')).not.toBeNull(), { timeout: 10_000 });
    expect(block.querySelector('code')!.textContent).toBe('const answer: number = 42;');
  });

  it('renders $…$ and $$…$$ with KaTeX once it loads, keeping \\, as a thin space and \\href inert', async () => {
    await render(<MarkdownContent text={'Inline $a\\,b$ here.\n\n$$\n\\int_0^1 x\\,dx\n$$\n\nAnd $\\href{javascript:alert(1)}{click}$.\n'} />);
    await vi.waitFor(() => expect(container.querySelectorAll('.katex').length).toBe(3), { timeout: 10_000 });
    expect(container.querySelector('.katex-display')).not.toBeNull();
    const annotations = [...container.querySelectorAll('annotation')].map((a) => a.textContent);
    expect(annotations).toContain('a\\,b');
    // trust: false keeps \href from making a link.
    expect(container.querySelector('a')).toBeNull();
  });
});
