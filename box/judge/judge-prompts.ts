import type { ChatMessage } from '../../shared/protocol/box-stream';

/**
 * Prompts for the box-side process-reward judge. The next-state prompt follows OpenClaw-RL's
 * binary-RL judge: it reads the reply and what happened next and votes \boxed{1|-1|0}; the hint prompt
 * follows its OPD judge: \boxed{1} with a hint in [HINT_START]…[HINT_END] when the next state shows
 * how the reply should have been different, else \boxed{-1}.
 *
 * Long texts are shown as head and tail, so the prompt stays bounded whatever the turn holds:
 * measured with the Qwen3 tokenizer, at most ~7.7k tokens (Chinese or emoji at the clip limits;
 * English ~3.1k, a typical turn ~200), see test/box/judge/judge-vote-budget.test.ts.
 */

/** Each of the request, the reply and the next state is cut to this head and tail. */
export const PART_HEAD_CHARS = 4_000;
export const PART_TAIL_CHARS = 1_000;

function clipPart(text: string): string {
  if (text.length <= PART_HEAD_CHARS + PART_TAIL_CHARS) return text;
  const left = text.length - PART_HEAD_CHARS - PART_TAIL_CHARS;
  return `${text.slice(0, PART_HEAD_CHARS)}\n[… ${left} characters left out …]\n${text.slice(-PART_TAIL_CHARS)}`;
}

/** The user message the reply answered: the last user turn before it. */
function lastUserRequest(messages: readonly ChatMessage[]): string {
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '(none)';
}

function nextStateLabel(nextState: { role: string }): string {
  return nextState.role === 'feedback' ? 'explicit feedback' : "the user's next message";
}

function turnSections(messages: readonly ChatMessage[], response: string, nextState: { role: string; content: string }): string {
  return [
    `## The user's request\n${clipPart(lastUserRequest(messages))}`,
    `## Assistant reply\n${clipPart(response)}`,
    `## Next state (${nextStateLabel(nextState)})\n${clipPart(nextState.content)}`,
  ].join('\n\n');
}

const NEXT_STATE_SYSTEM = [
  'You are a process reward model. You are given an assistant reply and the next state that followed it',
  "(the user's next message, or explicit feedback).",
  'Decide whether the reply made progress for the user:',
  '- \\boxed{1}: the next state shows progress or satisfaction (thanks, moving on, a successful result).',
  '- \\boxed{-1}: the next state shows the reply failed (a redo request, a correction, a rephrased question, a complaint).',
  "- \\boxed{0}: the next state says nothing about the reply's quality (a new, unrelated request; a plain next step).",
  'Think briefly, then end with exactly one \\boxed{...}.',
].join('\n');

export function nextStateJudgeMessages(
  messages: readonly ChatMessage[],
  response: string,
  nextState: { role: string; content: string },
): ChatMessage[] {
  return [
    { role: 'system', content: NEXT_STATE_SYSTEM },
    { role: 'user', content: `${turnSections(messages, response, nextState)}\n\nYour verdict:` },
  ];
}

const HINDSIGHT_HINT_SYSTEM = [
  "You look back at one assistant reply after seeing the next state that followed it (the user's next message, or explicit feedback).",
  'Decide whether that next state reveals how the reply should have been different.',
  '- If it does, answer \\boxed{1} and give a hint between [HINT_START] and [HINT_END]: one to three sentences,',
  '  concrete and actionable, written as an instruction that would have produced the right reply had it been given beforehand.',
  '- If it does not, answer \\boxed{-1} and give no hint.',
  'Think briefly, then give exactly one final decision.',
].join('\n');

/** OPD: the hint the next state implies, where the user gave none in words the app could use. */
export function hindsightHintJudgeMessages(
  messages: readonly ChatMessage[],
  response: string,
  nextState: { role: string; content: string },
): ChatMessage[] {
  return [
    { role: 'system', content: HINDSIGHT_HINT_SYSTEM },
    {
      role: 'user',
      content: `${turnSections(messages, response, nextState)}\n\nDecide, and give the hint in the required format if your decision is \\boxed{1}.`,
    },
  ];
}

const HINT_SYSTEM = [
  'You check whether an assistant reply already follows an instruction the user gave afterwards.',
  '- \\boxed{1}: the reply already does what the instruction asks.',
  '- \\boxed{-1}: the reply does not follow the instruction.',
  '- \\boxed{0}: the instruction does not apply or you cannot tell.',
  'Think briefly, then end with exactly one \\boxed{...}.',
].join('\n');

/**
 * For replies regenerated on-policy: the user's next message reacted to the original reply, not to
 * these, so they are judged against the hint (what the user wanted) instead.
 */
export function hintFollowJudgeMessages(messages: readonly ChatMessage[], response: string, hint: string): ChatMessage[] {
  return [
    { role: 'system', content: HINT_SYSTEM },
    {
      role: 'user',
      content: `## The user asked\n${clipPart(lastUserRequest(messages))}\n\n## Assistant reply\n${clipPart(response)}\n\n## The user's instruction\n${hint}\n\nYour verdict:`,
    },
  ];
}
