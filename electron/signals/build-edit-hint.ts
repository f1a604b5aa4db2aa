import { analyseUserWords } from './hint-language';
import { clipWords } from './normalize-text';
import { fillTemplate, finishHint } from './phrase-hint';
import { diffWords, type WordChange } from './word-diff';

export interface ReplyEdit {
  before: string;
  after: string;
}

/** Only letters and digits, lower-cased: an edit that leaves this unchanged is trivial. */
function skeleton(words: readonly string[]): string {
  return words.join(' ').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

const SPAN_CHARS = 160;
const REWRITE_CHARS = 600;
/** Up to this many separate changes are spelled out one by one; more reads as a rewrite. */
const LISTED_CHANGES = 3;

function quote(words: readonly string[]): string {
  return clipWords(words.join(' ').replace(/"/g, "'"), SPAN_CHARS);
}

/**
 * The user rewrote the reply → OPD hint describing what changed, or null when the edit is trivial
 * (whitespace, case or punctuation only).
 */
export function buildEditHint({ before, after }: ReplyEdit): string | null {
  const b = (typeof before === 'string' ? before : '').split(/\s+/).filter(Boolean);
  const a = (typeof after === 'string' ? after : '').split(/\s+/).filter(Boolean);
  if (a.length === 0) return null;
  const changes = diffWords(b, a).filter((c) => skeleton(c.removed) !== skeleton(c.added));
  if (changes.length === 0) return null;
  const { templates } = analyseUserWords(after);
  const beforeChars = b.join(' ').length;
  const afterChars = a.join(' ').length;
  const ratio = beforeChars === 0 ? Infinity : afterChars / beforeChars;
  const changedWords = changes.reduce((n, c) => n + Math.max(c.removed.length, c.added.length), 0);
  const changedShare = changedWords / Math.max(b.length, a.length);

  const sentences: string[] = [];
  if (ratio <= 0.6) sentences.push(fillTemplate(templates.editShorter, { percent: String(Math.round(ratio * 100)) }));
  else if (ratio >= 1.6 && Number.isFinite(ratio)) sentences.push(fillTemplate(templates.editLonger, { percent: String(Math.round(ratio * 100)) }));

  if (changes.length <= LISTED_CHANGES && changedShare <= 0.5) {
    for (const change of changes.slice(0, LISTED_CHANGES - sentences.length)) sentences.push(describe(change, templates));
  } else if (sentences.length === 0 || changedShare > 0.5) {
    sentences.push(fillTemplate(templates.editRewrite, { after: clipWords(a.join(' ').replace(/"/g, "'"), REWRITE_CHARS) }));
  }
  return finishHint(sentences.map((s) => finishHint(s)).join(' '));
}

function describe(change: WordChange, templates: ReturnType<typeof analyseUserWords>['templates']): string {
  if (change.removed.length === 0) return fillTemplate(templates.editAdd, { after: quote(change.added) });
  if (change.added.length === 0) return fillTemplate(templates.editRemove, { before: quote(change.removed) });
  return fillTemplate(templates.editReplace, { before: quote(change.removed), after: quote(change.added) });
}
