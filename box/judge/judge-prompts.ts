import type { ChatMessage } from '../../shared/protocol/box-stream';

/**
 * Prompts for the box-side process-reward judge. The next-state prompt follows OpenClaw-RL's
 * binary-RL judge: it reads the reply and what happened next and votes \boxed{1|-1|0}.
 */

const NEXT_STATE_SYSTEM = [
  'You are a process reward model. You are given an assistant reply and the next state that followed it',
  '(the user\'s next message, or explicit feedback).',
  'Decide whether the reply made progress for the user:',
  '- \\boxed{1}: the next state shows progress or satisfaction (thanks, moving on, a successful result).',
  '- \\boxed{-1}: the next state shows the reply failed (a redo request, a correction, a rephrased question, a complaint).',
  '- \\boxed{0}: the next state says nothing about the reply\'s quality.',
  'Think briefly, then end with exactly one \\boxed{...}.',
].join('\n');

export function nextStateJudgeMessages(response: string, nextState: { role: string; content: string }): ChatMessage[] {
  const who = nextState.role === 'feedback' ? 'explicit feedback' : 'the user\'s next message';
  return [
    { role: 'system', content: NEXT_STATE_SYSTEM },
    {
      role: 'user',
      content: `## Assistant reply\n${response}\n\n## Next state (${who})\n${nextState.content}\n\nYour verdict:`,
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
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return [
    { role: 'system', content: HINT_SYSTEM },
    {
      role: 'user',
      content: `## The user asked\n${lastUser}\n\n## Assistant reply\n${response}\n\n## The user's instruction\n${hint}\n\nYour verdict:`,
    },
  ];
}
