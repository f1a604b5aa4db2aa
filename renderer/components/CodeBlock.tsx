import { memo, useMemo } from 'react';
import { lazyModule, useLazyModule } from '../markdown/lazy-module';
import { CopyButton } from './CopyButton';

/** Longer code is shown without colours: highlighting it would hold the window too long. */
const MAX_HIGHLIGHT_CHARS = 20_000;

const highlighter = lazyModule('the syntax highlighter', () => import('../markdown/highlight-code'));

/**
 * A fenced code block: highlighted once the highlighter has loaded (plain until then), with its
 * language shown (through CSS, so it is not part of the reply's text) and a copy button.
 */
export const CodeBlock = memo(function CodeBlock({ code, language }: { code: string; language: string }) {
  const wanted = language !== '' && code.length <= MAX_HIGHLIGHT_CHARS;
  const module = useLazyModule(highlighter, wanted);
  const highlighted = useMemo(() => (module && wanted ? module.highlightCode(code, language) : null), [module, wanted, code, language]);
  return (
    <div className="code-block" data-testid="code-block" data-language={language || undefined}>
      <CopyButton text={code} label="Copy code" testId="copy-code" className="code-copy" />
      <pre>
        <code className={highlighted ? `hljs language-${language}` : language ? `language-${language}` : undefined} data-highlighted={highlighted ? 'true' : undefined}>
          {highlighted ?? code}
        </code>
      </pre>
    </div>
  );
});
