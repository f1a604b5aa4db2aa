import { REWARD_OF_KIND, type InferredLabel } from '../../shared/domain';
import { analyseMessage, type MessageAnalysis } from './analyse-message';
import { contrastAfterPraise, detectCorrection } from './detect-correction';
import { detectNegative, detectSarcasm, negativeHits } from './detect-negative';
import { detectContradiction, namesOf } from './detect-contradiction';
import { detectMissedRequest } from './detect-missed-request';
import { detectRepeatedError } from './detect-repeated-error';
import { detectRequery } from './detect-requery';
import { detectSpecification } from './detect-specification';
import { detectThanks, praiseHits } from './detect-thanks';
import { dropDescribingComplaints } from './describing-complaints';
import type { Detection } from './detection';
import { factsOf, type Fact } from './fact-tokens';
import { clipForAnalysis, normalizeText } from './normalize-text';
import { tokenize, PhraseIndex } from './phrase-index';
import { LANGUAGE_CUE_SETS } from './cues/index';
import { contentTerms, coverage, termOverlap } from './request-similarity';
import type { FollowUpInput, SignalVerdict, Turn } from './types';

function lastUserTurn(context: unknown): string | null {
  if (!Array.isArray(context)) return null;
  for (let i = context.length - 1; i >= 0; i -= 1) {
    const turn = context[i] as Partial<Turn> | undefined;
    if (turn?.role === 'user' && typeof turn.content === 'string' && turn.content.trim()) return turn.content;
  }
  return null;
}

/** The user's earlier turns, joined and clipped like any analysed text. */
function userTurnsText(context: unknown): string {
  if (!Array.isArray(context)) return '';
  const parts: string[] = [];
  for (const turn of context as Array<Partial<Turn> | undefined>) {
    if (turn?.role === 'user' && typeof turn.content === 'string') parts.push(clipForAnalysis(turn.content));
  }
  return normalizeText(parts.join('\n').slice(-20_000));
}

function toVerdict(detection: Detection, language: string | null): SignalVerdict {
  const label: InferredLabel = detection.label;
  return {
    label,
    reward: REWARD_OF_KIND[label],
    confidence: Math.round(detection.confidence * 100) / 100,
    evidence: [`language:${language ?? 'unknown'}`, ...detection.evidence],
    hint: label === 'correction' ? detection.hint : null,
  };
}

function onlyAcknowledgement(analysis: MessageAnalysis): boolean {
  if (analysis.hits.acknowledgement.length === 0) return false;
  let rest = analysis.matchable;
  for (const hit of analysis.hits.acknowledgement) rest = rest.slice(0, hit.index) + ' '.repeat(hit.end - hit.index) + rest.slice(hit.end);
  return !/[\p{L}\p{N}]/u.test(rest);
}

interface TurnContext {
  previousTerms: ReadonlySet<string> | null;
  assistantTerms: ReadonlySet<string>;
  assistant: string;
  userFacts: readonly Fact[];
  replyFacts: readonly Fact[];
  requestFacts: readonly Fact[];
  replyNames: ReadonlySet<string>;
  replyAsked: boolean;
  /** The reply's last question asks the user something, rather than proposing ("How about Luna?"). */
  /** Read only when a statement or fragment needs it (it tokenises the reply's last question). */
  replyAskedUser: () => boolean;
  requestAsksValue: boolean;
  /** Every earlier user turn, joined: an error pasted again is compared with it. */
  earlierUserText: () => string;
}

/** Value questions of every language: the request may be in another language than the follow-up. */
const VALUE_QUESTIONS = new PhraseIndex(LANGUAGE_CUE_SETS.flatMap((set) => set.valueQuestions ?? []));

/** The reply ends by asking the user something: its last sentence, or one of its last two, is a question. */
function endsWithQuestion(reply: string): boolean {
  // Closing marks after the last sentence ("… first.)", "…?**") do not end it.
  const tail = reply.slice(-200).replace(/[\s)\]"'*_]+$/u, '');
  if (/\?[\s\p{Extended_Pictographic}]*$/u.test(tail)) return true;
  // "What dates will you be away? I'll draft it then." — a question followed by one short sentence.
  return /\?\s+[(]?[^?.!\n]{1,60}[.!]?$/u.test(tail);
}

/** Proposal openers of every language: the reply may be in another language than the follow-up. */
const PROPOSAL_OPENERS = new PhraseIndex(LANGUAGE_CUE_SETS.flatMap((set) => set.proposalOpeners ?? []));

/** Second-person words of every language. */
const SECOND_PERSON: ReadonlySet<string> = new Set(
  LANGUAGE_CUE_SETS.flatMap((set) => (set.secondPerson ?? []).map((w) => w.toLowerCase().replace(/['’]/g, ''))),
);

/**
 * The reply's last question asks the user for something: it addresses them ("what's your budget?") and
 * does not propose ("How about Luna, Milo, or Oliver?"). A translated question ("¿Dónde está …?") asks nothing.
 */
function lastQuestionAsksUser(reply: string): boolean {
  const end = reply.lastIndexOf('?');
  if (end < 0) return false;
  const start = Math.max(...['.', '!', '?', '\n', ':'].map((c) => reply.lastIndexOf(c, end - 1))) + 1;
  const words = tokenize(reply.slice(start, end), 60).filter((t) => t.kind === 'word');
  return PROPOSAL_OPENERS.matchAt(words, 0) === null && words.some((w) => SECOND_PERSON.has(w.key));
}

/** "yes", "no", "sure" opening a reply to the assistant's own question answer it; they judge nothing. */
function answersReplyQuestion(analysis: MessageAnalysis, turn: TurnContext): boolean {
  return turn.replyAsked && analysis.cues !== null && analysis.cues.phrases.acknowledgement.matchAt(analysis.words, 0) !== null;
}

function neutral(analysis: MessageAnalysis, turn: TurnContext): Detection {
  if (analysis.language === null) return { label: 'neutral', confidence: 0.2, evidence: ['no known language or cue'], hint: null };
  if (onlyAcknowledgement(analysis)) return { label: 'neutral', confidence: 0.7, evidence: ['acknowledgement only'], hint: null };
  const followUp = analysis.hits.followUp[0];
  if (followUp) return { label: 'neutral', confidence: 0.65, evidence: [`moves on:"${followUp.phrase}"`], hint: null };
  if (turn.previousTerms) {
    const terms = analysis.terms;
    const requestTerms = turn.previousTerms;
    const similarity = termOverlap(terms, requestTerms);
    if (similarity < 0.15 && terms.size >= 3) {
      // A reply that barely touched the request makes a "new" question a likely re-ask in other words.
      const covered = coverage(requestTerms, turn.assistantTerms);
      return {
        label: 'neutral',
        confidence: covered < 0.34 && /\?\s*$/.test(analysis.text) ? 0.45 : 0.6,
        evidence: [`new topic: similarity ${similarity.toFixed(2)}`, `reply covered ${Math.round(covered * 100)}% of the request`],
        hint: null,
      };
    }
  }
  if (turn.replyAsked && analysis.words.length <= 25) {
    return { label: 'neutral', confidence: 0.5, evidence: ["answers the assistant's question"], hint: null };
  }
  return { label: 'neutral', confidence: 0.45, evidence: ['no clear signal'], hint: null };
}

/** Directives that say the reply left something out ("you forgot …", "du hast … vergessen"). */
const FORGOT_DIRECTIVES = ['forgot', 'vergessen'];

/** Content terms after `from` that the request had and the reply never used. */
function skippedRequestTerms(analysis: MessageAnalysis, turn: TurnContext, from: number): string[] {
  const request = turn.previousTerms;
  if (!request) return [];
  const after = contentTerms(analysis.text.slice(from));
  const skipped: string[] = [];
  for (const term of after) if (request.has(term) && !turn.assistantTerms.has(term)) skipped.push(term);
  return skipped;
}

/** Praise, then words naming another item, then the correction: it describes the new item. */
function shapesNewItem(analysis: MessageAnalysis, correction: Detection): boolean {
  const cues = analysis.cues;
  const praise = analysis.hits.positive[0] ?? analysis.positiveOpener;
  if (!cues || !praise || correction.at === undefined || correction.at < praise.end) return false;
  for (let i = 0; i < analysis.words.length; i += 1) {
    const word = analysis.words[i] as { index: number };
    if (word.index < praise.end) continue;
    if (word.index >= correction.at) break;
    if (cues.newItem.matchAt(analysis.words, i)) return true;
  }
  return false;
}

/** Weighs the detectors: an explicit correction beats a re-query, which beats complaint, which beats praise. */
function decide(analysis: MessageAnalysis, turn: TurnContext): Detection {
  const sarcasm = detectSarcasm(analysis);
  if (sarcasm) return sarcasm;
  const repeatedError = detectRepeatedError(analysis.text, turn.earlierUserText);
  if (repeatedError && praiseHits(analysis).length === 0) return repeatedError;
  const answer = answersReplyQuestion(analysis, turn);
  const rawCorrection = detectCorrection(analysis);
  // "no, keep them in English" after "Should I translate the titles?" answers; it does not correct.
  // "it's behind cloudflare too, does that cap anything": a weak finding before a new question is context.
  // A statement after the reply's own question ("we're fully remote" after "Where is the office?") answers it.
  const answered = answer || (rawCorrection?.statement === true && turn.replyAskedUser());
  const correction = (answered || analysis.asksAtEnd) && rawCorrection?.weak ? null : rawCorrection;
  const requery = detectRequery(analysis, turn);
  const thanks = detectThanks(analysis);
  const contradiction = detectContradiction(analysis, turn.userFacts, turn);
  if (correction && !correction.weak) {
    // "perfect, now one for my twitter, shorter": praise, then a style ask for a new item of the same kind.
    if (thanks && shapesNewItem(analysis, correction)) return { ...thanks, confidence: 0.6, evidence: [...thanks.evidence, 'then a new item'] };
    // "you skipped the rent part" when the request asked about rent: a part of the request left unanswered.
    const skipped = FORGOT_DIRECTIVES.some((d) => correction.evidence.includes(`directive:${d}`)) ? skippedRequestTerms(analysis, turn, correction.at ?? 0) : [];
    if (skipped.length > 0) return { label: 'requery', confidence: 0.65, evidence: [...correction.evidence, `points at unanswered request term(s): ${skipped.slice(0, 3).join(', ')}`], hint: null };
    return correction;
  }
  if (requery && !requery.weak) {
    // "8 liters?? isn't it more like 2": the question marks carry a contradiction, not a re-ask.
    const symbolCueOnly = analysis.hits.requery.length > 0 && analysis.hits.requery.every((h) => h.words === 0);
    if (contradiction && symbolCueOnly) return contradiction;
    // "Doch, in Bayern ist Fronleichnam ein Feiertag": the request's words restated after "no"/"doch" contradict the reply.
    const bySimilarityOnly = analysis.hits.requery.length === 0;
    if (bySimilarityOnly && correction && analysis.correctionOpener && !/\?\s*$/.test(analysis.text)) return correction;
    return requery;
  }
  if (contradiction) {
    const praiseFirst = analysis.positiveOpener !== null || (thanks !== null && (analysis.hits.positive[0]?.index ?? 99) <= 2);
    if (!praiseFirst) return contradiction;
  }
  const contrast = contrastAfterPraise(analysis);
  const negative = detectNegative(analysis);
  const missed = detectMissedRequest(analysis, turn);
  if (correction) {
    // A bare cue ("… though") pointing back at request words the reply never used re-asks; a directive still corrects.
    if (missed && !thanks && !correction.evidence.some((e) => e.startsWith('directive:'))) return missed;
    if (thanks && !contrast) return { ...thanks, confidence: 0.55, evidence: [...thanks.evidence, 'then a new request'] };
    if (negative && correction.statement) return { ...negative, evidence: [...negative.evidence, ...correction.evidence] };
    return correction;
  }
  if (negative) {
    if (!thanks) return negative;
    const complaintAfterBut = contrast && negativeHits(analysis).some((n) => n.index >= contrast.end);
    if (complaintAfterBut) return { ...negative, confidence: 0.6, evidence: [...negative.evidence, 'praise, then complaint'] };
    return { ...thanks, confidence: 0.5, evidence: [...thanks.evidence, ...negative.evidence] };
  }
  if (thanks) return thanks;
  if (requery) return requery;
  if (missed) return missed;
  // A fragment after a reply that ends in any question answers it ("ottawa" after a quiz question,
  // "minecraft and dinosaurs" after "What is he into?").
  const specification = turn.replyAsked ? null : detectSpecification(analysis, turn.previousTerms, turn.assistantTerms);
  return specification ?? neutral(analysis, turn);
}

/**
 * Reads the user's next message as feedback on the assistant reply before it. Pure and synchronous;
 * any input is safe (empty, huge, any script). Unsure → neutral with low confidence.
 */
export function classifyFollowUp(input: FollowUpInput): SignalVerdict {
  const raw = typeof input?.nextUser === 'string' ? input.nextUser : '';
  const text = normalizeText(clipForAnalysis(raw));
  if (!text) return { label: 'neutral', reward: 0, confidence: 0.3, evidence: ['empty message'], hint: null };
  const previousRequest = lastUserTurn(input?.context);
  const analysis = analyseMessage(text, previousRequest ?? '');
  const assistant = typeof input?.assistant === 'string' ? clipForAnalysis(input.assistant) : '';
  const replyText = normalizeText(assistant);
  const replyWords = tokenize(replyText, 600).filter((t) => t.kind === 'word');
  const requestText = previousRequest ? normalizeText(clipForAnalysis(previousRequest)) : '';
  const requestWords = requestText ? tokenize(requestText, 300).filter((t) => t.kind === 'word') : [];
  const replyAsked = endsWithQuestion(assistant);
  const turn: TurnContext = {
    previousTerms: previousRequest ? contentTerms(previousRequest) : null,
    assistantTerms: contentTerms(assistant),
    assistant,
    userFacts: factsOf(text, analysis.words),
    replyFacts: factsOf(replyText, replyWords),
    requestFacts: factsOf(requestText, requestWords),
    replyNames: namesOf(replyText, replyWords),
    replyAsked,
    replyAskedUser: () => replyAsked && lastQuestionAsksUser(replyText),
    requestAsksValue: VALUE_QUESTIONS.matchAll(requestWords, []).length > 0,
    earlierUserText: () => userTurnsText(input?.context),
  };
  // "boring stuff at my job" after "What kind of work do you do?" answers; it judges nothing.
  if (analysis.hits.negative.length > 0 && turn.replyAskedUser()) dropDescribingComplaints(analysis);
  const detection = decide(analysis, turn);
  return toVerdict(detection, analysis.language);
}
