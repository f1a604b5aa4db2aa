import 'katex/dist/katex.min.css';
import rehypeKatex from 'rehype-katex';
import type { Options } from 'react-markdown';

/**
 * KaTeX for `$…$` and `$$…$$` (parsed by remark-math), loaded lazily by MarkdownContent when a
 * block has math. rehype-katex turns KaTeX's output into a syntax tree that React renders, so its
 * inline styles are set through the CSSOM (allowed by our CSP) and no HTML string reaches the DOM.
 * `trust: false` keeps \href, \url, \includegraphics and \html* inert; `maxExpand` and `maxSize`
 * bound what a hostile formula can cost.
 */
export const mathRehypePlugins: NonNullable<Options['rehypePlugins']> = [
  // Errors take the theme's error colour (KaTeX's default red is too faint on the dark theme).
  [rehypeKatex, { trust: false, strict: 'ignore', throwOnError: false, errorColor: 'var(--bad)', maxExpand: 1000, maxSize: 50, output: 'htmlAndMathml' }],
];
