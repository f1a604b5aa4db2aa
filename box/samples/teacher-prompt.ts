import type { ChatMessage } from '../../shared/protocol/box-stream';

export const HINT_MARKER = "\n\n[user's hint / instruction]\n";

/**
 * The OPD teacher's context (OpenClaw-RL): the turn's messages with the hint appended to the last
 * user message. The teacher then scores the same response tokens, so where it would have answered
 * differently knowing the hint, its log-probs say so token by token.
 */
export function appendHintToMessages(messages: readonly ChatMessage[], hint: string): ChatMessage[] {
  const out = messages.map((m) => ({ ...m }));
  for (let i = out.length - 1; i >= 0; i--) {
    const message = out[i]!;
    if (message.role === 'user') {
      message.content = message.content + HINT_MARKER + hint.trim();
      return out;
    }
  }
  // No user turn to attach to (unusual for a chat): the hint becomes one.
  out.push({ role: 'user', content: HINT_MARKER.trimStart() + hint.trim() });
  return out;
}
