import type { CueHit, MessageAnalysis } from './analyse-message';
import type { Detection } from './detection';
import { clipWords } from './normalize-text';
import { cleanCapture, fillTemplate, finishHint, HINT_QUOTE_CHARS, toImperative } from './phrase-hint';

interface DirectiveMatch {
  name: string;
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

/** Tries the language's structured corrections in order; the first strong one wins, else the first weak one. */
export function findDirective(analysis: MessageAnalysis): DirectiveMatch | null {
  const cues = analysis.cues;
  if (!cues) return null;
  const { matchable, text } = analysis;
  let weakMatch: DirectiveMatch | null = null;
  for (const directive of cues.directives) {
    if (weakMatch && directive.weak) continue;
    if (directive.requires.length > 0 && !directive.requires.some((r) => matchable.includes(r))) continue;
    const m = directive.regex.exec(matchable);
    if (!m) continue;
    if (!directive.statement && asksAboutOwnStep(analysis, m.index)) continue;
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
        weakMatch ??= { name: directive.name, index: m.index, weak: true, statement: false, matched: groups.style, hint: finishHint(hint) };
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
    const match: DirectiveMatch = { name: directive.name, index: m.index, weak: directive.weak, statement: directive.statement, matched, hint: finishHint(hint) };
    if (!directive.weak) return match;
    weakMatch ??= match;
  }
  return weakMatch;
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

function genericHint(analysis: MessageAnalysis, part: string): string {
  const template = analysis.cues?.source.templates.genericCorrection ?? '{message}';
  return finishHint(fillTemplate(template, { message: clipWords(cleanCapture(part, analysis.cues).replace(/"/g, "'"), HINT_QUOTE_CHARS) }));
}

/** The first contrast word ("but") that follows an approval phrase, or null. */
export function contrastAfterPraise(analysis: MessageAnalysis): CueHit | null {
  const praise = analysis.hits.positive[0] ?? analysis.positiveOpener;
  if (!praise) return null;
  const contrast = analysis.hits.contrast.find((c) => c.index >= praise.end);
  // "Perfect. Now my boss wants the same but by month": a "but" after "now …" belongs to the new request.
  if (contrast && analysis.hits.followUp.some((f) => f.index >= praise.end && f.end <= contrast.index)) return null;
  return contrast ?? null;
}

/**
 * A correction: the user says what the reply should have been. Structured patterns give a rule hint;
 * a correction cue with enough of the user's own words gives a quoted hint; so does "thanks, but …".
 */
export function detectCorrection(analysis: MessageAnalysis): Detection | null {
  if (!analysis.cues) return null;
  const directive = findDirective(analysis);
  if (directive) {
    return {
      label: 'correction',
      confidence: directive.weak ? 0.6 : 0.8,
      evidence: [`directive:${directive.name}`, `matched:"${clipWords(directive.matched, 80)}"`],
      hint: directive.hint,
      weak: directive.weak,
      statement: directive.statement,
      at: directive.index,
    };
  }
  const opener = analysis.correctionOpener;
  // "no sirves para nada", "no help at all": an opener inside a complaint phrase opens the complaint.
  const openerInComplaint = opener !== null && analysis.hits.negative.some((n) => n.index <= opener.index && n.end > opener.index);
  if (opener && !openerInComplaint && contentWordCount(analysis, opener.end) >= 1) {
    return {
      label: 'correction',
      confidence: 0.6,
      evidence: [`opener:"${opener.phrase}"`, 'says what should differ'],
      hint: genericHint(analysis, analysis.text),
      weak: true,
    };
  }
  // Cue words inside a fresh question ("how do I show percentages instead of sums?") are not a correction.
  const cue = analysis.questionOpener ? undefined : analysis.hits.correction[0];
  const enough = cue && (contentWordCount(analysis, 0, [cue]) >= 2 || (cue.words >= 2 && analysis.words.length <= 8));
  if (cue && enough) {
    return {
      label: 'correction',
      confidence: 0.6,
      evidence: [`cue:"${cue.phrase}"`, 'says what should differ'],
      hint: genericHint(analysis, analysis.text),
      weak: true,
    };
  }
  const contrast = contrastAfterPraise(analysis);
  if (contrast) {
    const followsUp = analysis.hits.followUp.some((f) => f.index >= contrast.end);
    if (!followsUp && contentWordCount(analysis, contrast.end) >= 2) {
      return {
        label: 'correction',
        confidence: 0.55,
        evidence: [`praise then contrast:"${contrast.phrase}"`],
        hint: genericHint(analysis, analysis.text.slice(contrast.end)),
        weak: true,
      };
    }
  }
  return null;
}
