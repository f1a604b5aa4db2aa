import { toJsxRuntime } from 'hast-util-to-jsx-runtime';
import { common, createLowlight } from 'lowlight';
import type { ReactNode } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';

/**
 * Syntax highlighting (highlight.js grammars through lowlight), loaded lazily by CodeBlock. It
 * returns React elements built from lowlight's tree, never an HTML string, so code from the model
 * stays text; colours come from `hljs-*` classes in app.css.
 */
const lowlight = createLowlight(common);

/** Highlighted code, or null when the language is not one we know (no guessing: it is slow). */
export function highlightCode(code: string, language: string): ReactNode | null {
  if (!language || !lowlight.registered(language)) return null;
  return toJsxRuntime(lowlight.highlight(language, code), { Fragment, jsx, jsxs });
}
