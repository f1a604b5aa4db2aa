import { contentWordCount, findDirective } from './detect-correction';
import { analyseUserWords } from './hint-language';
import { clipWords, normalizeText } from './normalize-text';
import { fillTemplate, finishHint } from './phrase-hint';

const REASON_CHARS = 400;

/**
 * A verdict the reason opens with ("Wrong:", "That's incorrect,", "Not helpful —"): it says the reply
 * was bad, which the thumb already says; what follows is what to learn. A few other languages' words
 * for "wrong" too, so "Falsch: …" is not read as part of the fact.
 */
const OPENING_VERDICT =
  /^(?:(?:that|this|it|the (?:answer|reply|response))(?:'s|’s| is| was)\s+)?(?:(?:factually|completely|totally|simply|just|plain|so|very)\s+)?(wrong|incorrect|false|inaccurate|untrue|not (?:true|right|correct|accurate|helpful|useful)|unhelpful|useless|nonsense|nope|no|falsch|faux|incorrecto|incorrecta|falso|falsa|errado|errada|fout|sbagliato)(?=\s*(?:[:,.;!—–-]|$))[\s:,.;!—–-]*/iu;

/** A clause that only repeats the verdict ("the answer is wrong"): dropped, the rest is the lesson. */
const VERDICT_CLAUSE = /^(?:the |your |this |that |it )?(?:answer|reply|response|this|that|it)?\s*(?:'s|’s|is|was)\s+(?:wrong|incorrect|false|not (?:right|correct|true))$/iu;

/** A statement about the world: a subject that is not the reply or the people talking, and a copula or auxiliary. */
const FACT_VERB =
  /(?:^|\s)(?:is|are|was|were|has|have|had|means|equals|=|boils|takes|needs|requires|returns|became|can|cannot|can't|doesn't|does not|isn't|aren't|wasn't|ist|sind|war|est|sont|es|son|está|è|sono|é|são|zijn)(?=\s|$)/iu;
const NOT_A_WORLD_SUBJECT =
  /^(?:it|it's|its|this|that|these|those|there|you|your|you're|i|i'm|i've|my|me|we|our|he|she|they|the (?:answer|reply|response)|es|das|dies|du|ich|il|ce|c'est|tu|je|eso|esto|yo|tú)(?![\p{L}\p{N}])/iu;

/** Reasons that already are instructions ("Say that …", "Use metric units", "Don't …"). */
const IMPERATIVE =
  /^(?:please\s+)?(?:say|use|answer|give|add|include|mention|explain|write|keep|make|be|avoid|stop|don't|do not|never|always|remove|list|show|cite|check|ask|put|start|end|focus|name|reply|respond|translate)(?![\p{L}\p{N}])/iu;

function sentence(text: string): string {
  const trimmed = text.trim().replace(/^["'“”‘’]+|["'“”‘’]+$/gu, '').trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return finishHint(clipWords(capitalised, REASON_CHARS));
}

/** The reason without its opening verdict and without clauses that only repeat it. */
function lesson(text: string): { verdict: string | null; rest: string } {
  const opening = OPENING_VERDICT.exec(text);
  const verdict = opening ? opening[1]!.toLowerCase() : null;
  const after = opening ? text.slice(opening[0].length) : text;
  // Clauses with the separators that followed them, so what is kept reads as written.
  const parts = after.split(/((?<=[.;!?])\s+|,\s+)/u);
  let kept = '';
  for (let i = 0; i < parts.length; i += 2) {
    const clause = parts[i] ?? '';
    if (VERDICT_CLAUSE.test(clause.replace(/[\s.,;:!]+$/u, '').trim())) continue;
    kept += clause + (parts[i + 1] ?? '');
  }
  return { verdict, rest: kept.replace(/^[\s,;:—–-]+/u, '').replace(/[\s,;]+$/u, '').trim() };
}

/** "Use Canberra is the capital, not Sydney." is a fact forced into a directive: not a clean instruction. */
function mangles(hint: string): boolean {
  const use = /^(?:Use|Verwende|Utilise|Usa|Use|Gebruik)\s+(.*?),\s/u.exec(hint);
  return use !== null && FACT_VERB.test(` ${use[1]!} `);
}

/**
 * A thumbs-down reason → OPD hint that reads as an instruction, or null when the reason says nothing
 * actionable ("bad", "meh", "Wrong.", "👎"):
 *  - a reason that states a fix becomes that fix ("too long" → "Be much more concise.");
 *  - an instruction stays one ("Say that it reads mRNA.");
 *  - a statement of fact, after its verdict ("Wrong: Canberra is the capital, not Sydney."), becomes
 *    the fact ("Canberra is the capital, not Sydney.");
 *  - anything else is quoted in a neutral wrapper ("The user said the reply was wrong: …") rather
 *    than bent into a mangled instruction.
 */
export function buildThumbHint(reason: string | undefined): string | null {
  if (typeof reason !== 'string') return null;
  const text = normalizeText(reason).replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  const { verdict, rest } = lesson(text);
  if (!/[\p{L}\p{N}]/u.test(rest)) return null;
  const { analysis, templates } = analyseUserWords(rest);
  const english = analysis.language === null || analysis.language === 'en';

  const fact = !rest.includes('?') && !NOT_A_WORLD_SUBJECT.test(rest) && FACT_VERB.test(` ${rest} `);
  if (fact && rest.split(/\s+/).length >= 3) return sentence(rest);
  const directive = findDirective(analysis);
  if (directive && !mangles(directive.hint)) return directive.hint;
  if (IMPERATIVE.test(rest)) return sentence(rest);
  if (contentWordCount(analysis) < 2 && !/\d/.test(rest)) return null;
  const quoted = clipWords(rest.replace(/"/g, "'").replace(/[\s.]+$/u, ''), REASON_CHARS);
  if (!english) return finishHint(fillTemplate(templates.thumbReason, { reason: quoted }));
  return finishHint(verdict ? `The user said the reply was ${verdict}: ${quoted}` : `The user gave the reply a thumbs down: ${quoted}`);
}
