import type { Message, Persona } from '../../shared/domain';
import type { ChatMessage } from '../../shared/protocol/box-stream';

/**
 * What the policy sees before a reply: the persona's system prompt (when it has one) and the thread
 * the reply answers. The same list goes into the training sample, so what is trained matches what was
 * served. A reply the user rewrote counts with the rewrite (that is what the thread showed); replies
 * that failed with no text are left out: the model never said them.
 */
export function policyMessages(persona: Pick<Persona, 'systemPrompt'>, thread: readonly Pick<Message, 'role' | 'content' | 'editedContent'>[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (persona.systemPrompt.trim() !== '') messages.push({ role: 'system', content: persona.systemPrompt });
  for (const m of thread) {
    const content = m.editedContent ?? m.content;
    if (m.role === 'assistant' && content === '') continue;
    messages.push({ role: m.role, content });
  }
  return messages;
}
