import type { Message, Persona } from '../../shared/domain';
import type { ChatMessage } from '../../shared/protocol/box-stream';

/**
 * What the policy sees before a reply: the persona's system prompt (when it has one) and the visible
 * thread. The same list goes into the training sample, so what is trained matches what was served.
 * Replies that failed with no text are left out: the model never said them.
 */
export function policyMessages(persona: Pick<Persona, 'systemPrompt'>, thread: readonly Pick<Message, 'role' | 'content'>[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (persona.systemPrompt.trim() !== '') messages.push({ role: 'system', content: persona.systemPrompt });
  for (const m of thread) {
    if (m.role === 'assistant' && m.content === '') continue;
    messages.push({ role: m.role, content: m.content });
  }
  return messages;
}
