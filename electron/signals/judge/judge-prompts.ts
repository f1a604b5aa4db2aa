import { clipForAnalysis } from '../normalize-text';
import type { FollowUpInput, Turn } from '../types';

/** One chat message sent to the judge. */
export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

/** Judge prompts see long texts as head and tail, so a 100k message costs a bounded prompt. */
const PART_HEAD = 4_000;
const PART_TAIL = 1_000;

function clipPart(text: string): string {
  if (text.length <= PART_HEAD + PART_TAIL) return text;
  return `${text.slice(0, PART_HEAD)}\n[… ${text.length - PART_HEAD - PART_TAIL} characters left out …]\n${text.slice(-PART_TAIL)}`;
}

function previousRequest(context: readonly Turn[]): string {
  for (let i = context.length - 1; i >= 0; i -= 1) {
    const turn = context[i];
    if (turn?.role === 'user') return clipForAnalysis(turn.content);
  }
  return '(none)';
}

function turnSections(input: FollowUpInput): string {
  return [
    `## The user's request\n${clipPart(previousRequest(Array.isArray(input.context) ? input.context : []))}`,
    `## The assistant's reply\n${clipPart(input.assistant)}`,
    `## The user's next message\n${clipPart(input.nextUser)}`,
  ].join('\n\n');
}

/** The reward vote (the paper's PRM prompt, in our words): last \boxed{1|-1|0} counts. */
export function buildScorePrompt(input: FollowUpInput): JudgeMessage[] {
  const system = [
    "You grade one reply of an AI assistant by what the user did next.",
    "You see the user's request, the assistant's reply, and the user's next message.",
    'Treat the next message as evidence. Thanks, approval, or building on the reply mean it worked.',
    'Asking the same thing again, correcting it, complaining, sarcasm, or reporting an error mean it did not.',
    'A message on a new topic, or one that shows no attitude, is neutral; if unclear, judge from whether the user could use the reply.',
    'Think briefly, then finish with exactly one score: \\boxed{1} (good), \\boxed{-1} (bad) or \\boxed{0} (no clear signal).',
  ].join('\n');
  const user = `${turnSections(input)}\n\nGrade the assistant's reply. End with \\boxed{1}, \\boxed{-1} or \\boxed{0}.`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** The hindsight-hint vote (OPD): \boxed{1} with [HINT_START]…[HINT_END], or \boxed{-1} and no hint. */
export function buildHintPrompt(input: FollowUpInput): JudgeMessage[] {
  const system = [
    "You look back at one reply of an AI assistant after seeing the user's next message.",
    'Decide whether that next message reveals how the reply should have been different.',
    'If it does, answer \\boxed{1} and give a hint between [HINT_START] and [HINT_END]: one to three sentences,',
    'concrete and actionable, written as an instruction that would have produced the right reply had it been given beforehand.',
    'If it does not, answer \\boxed{-1} and give no hint.',
    'Give exactly one final decision.',
  ].join('\n');
  const user = `${turnSections(input)}\n\nDecide, and give the hint in the required format if your decision is \\boxed{1}.`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
