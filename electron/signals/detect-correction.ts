import type { CueHit, MessageAnalysis } from './analyse-message';
import { cleanCapture, fillTemplate, finishHint, HINT_QUOTE_CHARS, toImperative } from './phrase-hint';

interface DirectiveMatch {
  name: string;
  /** A style directive ("too long"): it judges the reply's form, whatever the reply asked. */
  style: boolean;
  index: number;
  weak: boolean;
  statement: boolean;
  matched: string;
  hint: string;
}

/**
 * "can I then remove them but keep one of each", "so if I make 60k and put in 6%, they add 1800?": in a question
 * whose nearest subject before the verb is the user, the verb is the user's own next step, not an instruction.
 */
function asksAboutOwnStep(analysis: MessageAnalysis, at: number): boolean {
  const cues = analysis.cues;
  if (!cues) return false;
  const { text } = analysis;
  const start = Math.max(text.lastIndexOf('.', at - 1), text.lastIndexOf('!', at - 1), text.lastIndexOf('?', at - 1), text.lastIndexOf('\n', at - 1)) + 1;
  const endMatch = /[.!?\n]/u.exec(text.slice(at));
  const isQuestion = endMatch?.[0] === '?' || (endMatch === null && /\?\s*$/u.test(text));
  const first = analysis.words.findIndex((w) => w.index >= start);
  if (first < 0) return false;
  if (!isQuestion && cues.questionOpener.matchAt(analysis.words, first) === null) return false;
  let subject: 'user' | 'assistant' | null = null;
  for (let i = first; i < analysis.words.length && (analysis.words[i] as { index: number }).index < at; i += 1) {
    const key = (analysis.words[i] as { key: string }).key;
    if (cues.firstPerson.has(key)) subject = 'user';
    else if (SECOND_PERSON_KEYS.has(key)) subject = 'assistant';
  }
  return subject === 'user';
}

const SECOND_PERSON_KEYS: ReadonlySet<string> = new Set(['you', 'u', 'youre', 'du', 'tu', 'usted', 'vous', 'jij', 'je', 'voce', 'você', 'lei']);

/**
 * Tries the language's structured corrections in order; the first strong one wins, else the first weak one.
 * `verdictOnly`: only directives that say the reply was wrong (evidence for an inferred reward).
 */
export function findDirective(analysis: MessageAnalysis, verdictOnly = false): DirectiveMatch | null {
  const cues = analysis.cues;
  if (!cues) return null;
  const { matchable, text } = analysis;
  let weakMatch: DirectiveMatch | null = null;
  for (const directive of cues.directives) {
    if (verdictOnly && (!directive.verdict || directive.weak)) continue;
    if (weakMatch && directive.weak) continue;
    if (directive.requires.length > 0 && !directive.requires.some((r) => matchable.includes(r))) continue;
    const m = directive.regex.exec(matchable);
    if (!m) continue;
    if (!directive.statement && asksAboutOwnStep(analysis, m.index)) continue;
    // "when did I say that?", "where did you forget your hat?": asked, not asserted.
    if (verdictOnly && inQuestion(text, m.index)) continue;
    // Groups were matched on lower-cased text; quote them from the original (same offsets).
    const spans = m.indices?.groups ?? {};
    const groups: Record<string, string | undefined> = {};
    for (const [name, span] of Object.entries(spans)) groups[name] = span ? text.slice(span[0], span[1]) : undefined;
    let hint: string;
    if (groups.style !== undefined) {
      // Known adjectives map to a fix ("too long" → be concise); others still say what was wrong, weakly.
      const fix = cues.source.styleFixes[groups.style.toLowerCase().replace(/\s+/g, ' ')];
      if (!fix && (directive.name.startsWith('comparative') || analysis.words.length > 8)) continue;
      hint = fix ?? fillTemplate(cues.source.templates.tooGeneric, { style: groups.style });
      if (!fix) {
        weakMatch ??= { name: directive.name, style: true, index: m.index, weak: true, statement: false, matched: groups.style, hint: finishHint(hint) };
        continue;
      }
    } else {
      const values: Record<string, string> = {};
      for (const [name, value] of Object.entries(groups)) values[name] = cleanCapture(value, cues, true);
      values.clause = toImperative(groups.clause, cues);
      if (Object.entries(groups).some(([name, value]) => name !== 'clause' && value !== undefined && !values[name])) continue;
      hint = fillTemplate(directive.hint, values);
    }
    const whole = m.indices?.[0];
    const matched = whole ? text.slice(whole[0], whole[1]).trim() : m[0].trim();
    const match: DirectiveMatch = { name: directive.name, style: groups.style !== undefined, index: m.index, weak: directive.weak, statement: directive.statement, matched, hint: finishHint(hint) };
    if (!directive.weak) return match;
    weakMatch ??= match;
  }
  return verdictOnly ? null : weakMatch;
}

/** The sentence holding `at` ends in "?". */
function inQuestion(text: string, at: number): boolean {
  const end = /[.!?\n]/u.exec(text.slice(at));
  return end?.[0] === '?';
}

/** Words of the message after `from` that are neither function words nor inside `exclude`: what the user actually said. */
export function contentWordCount(analysis: MessageAnalysis, from = 0, exclude: readonly CueHit[] = []): number {
  const stop = analysis.cues?.stopwords;
  let count = 0;
  for (const w of analysis.words) {
    if (w.index < from || stop?.has(w.key)) continue;
    if (exclude.some((e) => w.index >= e.index && w.end <= e.end)) continue;
    count += 1;
  }
  return count;
}
