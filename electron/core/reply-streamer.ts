import type { Message } from '../../shared/domain';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import { PolicyError } from '../policy/policy-error';
import { streamChatCompletion } from '../policy/stream-chat-completion';
import type { MessageRepository } from '../store/message-repository';
import type { CoreEvents } from './core-events';
import { DeltaCoalescer } from './delta-coalescer';
import type { ModelTarget } from './policy-target';

export interface StreamReplyInput {
  reply: Message;
  personaId: string;
  target: ModelTarget;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  signal: AbortSignal;
  fetch?: typeof fetch;
  deltaIntervalMs: number;
  persistIntervalMs: number;
}

/**
 * Streams one assistant reply into its stored row: deltas go out as `chat:delta` events (coalesced),
 * the text is saved every `persistIntervalMs`, and the row ends as complete, stopped (abort) or error
 * (with the error text). Never throws: upstream failures end up on the message.
 */
export async function streamReply(
  messages: MessageRepository,
  events: CoreEvents,
  input: StreamReplyInput,
): Promise<Message | null> {
  const { reply } = input;
  let content = '';
  let savedLength = 0;
  const coalescer = new DeltaCoalescer(input.deltaIntervalMs, (delta) =>
    events.emit('chat:delta', { conversationId: reply.conversationId, messageId: reply.id, delta }),
  );
  const saveTimer = setInterval(() => {
    if (content.length === savedLength) return;
    savedLength = content.length;
    messages.saveProgress(reply.id, content);
  }, input.persistIntervalMs);

  let outcome: { status: Message['status']; error: string | null; policyVersion: string | null };
  try {
    if (!input.target.endpoint) {
      throw new PolicyError('config', 'No policy endpoint is configured: set the box URL or a policy endpoint in Settings.');
    }
    const result = await streamChatCompletion(
      {
        endpoint: input.target.endpoint,
        model: input.target.model,
        apiKey: input.target.apiKey,
        messages: input.messages,
        temperature: input.temperature,
        maxTokens: input.maxTokens,
        turn: { personaId: input.personaId, conversationId: reply.conversationId, turnId: reply.id },
        signal: input.signal,
        fetch: input.fetch,
        onLearning: (resumeInMs) =>
          events.emit('chat:waiting', { conversationId: reply.conversationId, messageId: reply.id, resumeInMs }),
      },
      (delta) => {
        content += delta;
        coalescer.push(delta);
      },
    );
    content = result.content;
    outcome = { status: result.aborted ? 'stopped' : 'complete', error: null, policyVersion: result.policyVersion };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = input.signal.aborted
      ? { status: 'stopped', error: null, policyVersion: null }
      : { status: 'error', error: message, policyVersion: null };
  } finally {
    clearInterval(saveTimer);
    coalescer.flush();
  }
  try {
    const stored = messages.finish(reply.id, { content, ...outcome });
    if (stored) events.emit('chat:message', stored);
    return stored;
  } catch {
    // The store was closed under us (app shutting down); the row is closed as interrupted on next start.
    return null;
  }
}
