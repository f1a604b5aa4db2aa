import { memo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

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
};

const plugins = [remarkGfm];

export const MarkdownContent = memo(function MarkdownContent({ text }: { text: string }) {
  return (
    <Markdown remarkPlugins={plugins} skipHtml components={components}>
      {text}
    </Markdown>
  );
});
