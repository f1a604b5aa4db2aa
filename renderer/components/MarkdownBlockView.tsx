import { memo } from 'react';
import Markdown, { type Components, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { assessMarkdownBlock, MAX_MARKDOWN_BLOCK_CHARS, STREAMING_TAIL_CHARS } from '../markdown/assess-markdown-block';
import { lazyModule, useLazyModule } from '../markdown/lazy-module';
import { remarkNestingGuard } from '../markdown/remark-nesting-guard';
import type { MarkdownBlock } from '../markdown/split-markdown-blocks';
import { CodeBlock } from './CodeBlock';
import { PlainTextBlock } from './PlainTextBlock';

const math = lazyModule('math rendering', () => import('../markdown/math-plugins'));

/**
 * One block of a reply. A fenced code block goes straight to CodeBlock (no markdown parse); other
 * blocks are checked for size and nesting first and shown as plain text when they fail. The block
 * still streaming (`tail`) is formatted only while small, since it is parsed again on every update.
 */
export const MarkdownBlockView = memo(
  function MarkdownBlockView({ block, tail }: { block: MarkdownBlock; tail: boolean }) {
    if (block.fence) return <CodeBlock code={block.fence.code} language={block.fence.language} />;
    const verdict = assessMarkdownBlock(block.text, tail ? STREAMING_TAIL_CHARS : MAX_MARKDOWN_BLOCK_CHARS);
    if (!verdict.format) {
      // A long tail is only waiting to settle; it needs no note.
      return <PlainTextBlock text={block.text} reason={tail && verdict.reason === 'too-long' ? null : verdict.reason} />;
    }
    return <FormattedBlock text={block.text} />;
  },
  (a, b) => a.block.text === b.block.text && a.tail === b.tail,
);

const remarkPlugins: Options['remarkPlugins'] = [remarkNestingGuard, remarkGfm, remarkMath];
const noPlugins: Options['rehypePlugins'] = [];

function FormattedBlock({ text }: { text: string }) {
  const hasMath = text.includes('$');
  const mathModule = useLazyModule(math, hasMath);
  return (
    <Markdown remarkPlugins={remarkPlugins} rehypePlugins={hasMath && mathModule ? mathModule.mathRehypePlugins : noPlugins} skipHtml components={components}>
      {text}
    </Markdown>
  );
}

// Model output is untrusted: raw HTML is dropped (skipHtml, no rehype-raw), react-markdown's default
// urlTransform strips javascript:/data: links, and links open outside the app (the shell or the
// browser decides; the window itself never navigates).
const components: Components = {
  a: ({ node: _node, href, children, ...rest }) => (
    <a {...rest} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
  img: ({ node: _node, alt }) => <span className="md-image-placeholder">[image{alt ? `: ${alt}` : ''}]</span>,
  table: ({ node: _node, children, ...rest }) => (
    <div className="md-table-wrap">
      <table {...rest}>{children}</table>
    </div>
  ),
  pre: ({ node, children, ...rest }) => {
    const code = node?.children[0];
    if (code?.type !== 'element' || code.tagName !== 'code') return <pre {...rest}>{children}</pre>;
    const language = languageOf(code.properties.className);
    // Display math before KaTeX has loaded: the TeX source, set apart.
    if (language === 'math') return <pre className="math-source">{children}</pre>;
    const source = code.children.map((child) => (child.type === 'text' ? child.value : '')).join('');
    return <CodeBlock code={source.endsWith('\n') ? source.slice(0, -1) : source} language={language} />;
  },
  // Task list items: a read-only checkbox that says what it shows.
  input: ({ node: _node, type, checked }) =>
    type === 'checkbox' ? <input type="checkbox" checked={checked === true} disabled aria-label={checked ? 'Done' : 'Not done'} /> : null,
};

function languageOf(className: unknown): string {
  const classes = Array.isArray(className) ? className : typeof className === 'string' ? className.split(' ') : [];
  const found = classes.find((c): c is string => typeof c === 'string' && c.startsWith('language-'));
  return found ? found.slice('language-'.length) : '';
}
