import { REWARD_OF_KIND } from '../../shared/domain';
import { analyseMessage } from './analyse-message';
import { calibrate } from './calibration';
import { clipForAnalysis, normalizeText } from './normalize-text';
import { readFollowUp, type RuleDetection } from './read-follow-up';
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

/** The reply ends by asking the user something: its last sentence, or one before a short closing line, is a question. */
function endsWithQuestion(reply: string): boolean {
  // Closing marks after the last sentence ("… first.)", "…?**") do not end it.
  const tail = reply.slice(-200).replace(/[\s)\]"'*_]+$/u, '');
  if (/\?[\s\p{Extended_Pictographic}]*$/u.test(tail)) return true;
  // "What dates will you be away? I'll draft it then." — a question followed by one short sentence.
  return /\?\s+[(]?[^?.!\n]{1,60}[.!]?$/u.test(tail);
}

export interface RawFollowUp extends RuleDetection {
  language: string | null;
}

/**
 * The detector before calibration: which rule fired (if any) and its raw strength. Used by classifyFollowUp
 * and by the calibration script (electron/signals/eval/calibrate.ts), which measures each rule's precision.
 */
export function detectFollowUp(input: FollowUpInput): RawFollowUp {
  const raw = typeof input?.nextUser === 'string' ? input.nextUser : '';
  const text = normalizeText(clipForAnalysis(raw));
  if (!text) return { label: 'neutral', confidence: 0.5, evidence: ['empty message'], hint: null, rule: null, language: null };
  // The previous request's language is the fallback for a message without stopwords ("android?").
  const analysis = analyseMessage(text, lastUserTurn(input?.context) ?? '');
  const reply = typeof input?.assistant === 'string' ? input.assistant : '';
  return { ...readFollowUp(analysis, () => userTurnsText(input?.context), endsWithQuestion(reply)), language: analysis.language };
}

/**
 * Reads the user's next message as feedback on the assistant reply before it. Pure and synchronous;
 * any input is safe (empty, huge, any script). `confidence` is the precision the firing rule measured on
 * outside, human-labelled data (calibration.ts); no rule → neutral, the detector abstains.
 */
export function classifyFollowUp(input: FollowUpInput): SignalVerdict {
  const detection = detectFollowUp(input);
  const reward = REWARD_OF_KIND[detection.label];
  const measured = calibrate(reward, detection.confidence);
  return {
    label: detection.label,
    reward,
    confidence: measured.confidence,
    evidenceCount: measured.count,
    evidence: [
      `language:${detection.language ?? 'unknown'}`,
      ...detection.evidence,
      `calibrated:${measured.confidence.toFixed(2)} (bucket ${measured.bucket ?? 'none'}: ${measured.correct} of ${measured.count} right)`,
    ],
    hint: detection.label === 'correction' ? detection.hint : null,
  };
}
