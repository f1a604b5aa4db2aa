import type { Message, MessageTruncation } from '../../shared/domain';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import type { ServedModels } from '../policy/served-models';
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
  /** false: the persona does not learn, so the box is not told which persona and turn this is. */
  learning?: boolean;
  signal: AbortSignal;
  fetch?: typeof fetch;
  servedModels: ServedModels;
  deltaIntervalMs: number;
  persistIntervalMs: number;
}

/** Stored with a reply whose stream closed with neither a finish_reason nor [DONE]. */
export const CUT_OFF_MESSAGE =
  'Cut off: the server closed the stream before the reply was finished. The text is kept as it arrived and is not used for training.';

/**
 * Streams one assistant reply into its stored row: deltas go out as `chat:delta` events (coalesced),
 * the text is saved every `persistIntervalMs`, and the row ends as complete (token_limit when the server
 * stopped at max_tokens), stopped (abort) or error (with the error text; a stream that was cut off
 * keeps its text, marked cut_off). Never throws: upstream failures end up on the message.
 */
export async function streamReply(
  messages: MessageRepository,
  events: CoreEvents,
  input: StreamReplyInput,
): Promise<Message | null> {
  const { reply } = input;
  let content = '';
  let reasoning = '';
  let savedLength = 0;
  const coalescer = new DeltaCoalescer(input.deltaIntervalMs, (delta) =>
    events.emit('chat:delta', { conversationId: reply.conversationId, messageId: reply.id, delta }),
  );
  // Reasoning arrives before the answer; its own coalescer keeps the two streams apart.
  const reasoningCoalescer = new DeltaCoalescer(input.deltaIntervalMs, (delta) =>
    events.emit('chat:delta', { conversationId: reply.conversationId, messageId: reply.id, delta: '', reasoning: delta }),
  );
  const saveTimer = setInterval(() => {
    if (content.length + reasoning.length === savedLength) return;
    savedLength = content.length + reasoning.length;
    messages.saveProgress(reply.id, content, reasoning || null);
  }, input.persistIntervalMs);

  let outcome: { status: Message['status']; error: string | null; policyVersion: string | null; truncation: MessageTruncation | null };
  try {
    const { target } = input;
    if (!target.endpoint) {
      throw new PolicyError(
        'config',
        'No model server is connected yet: open Settings and choose a local server, your GPU box, or any OpenAI-compatible endpoint.',
      );
    }
    const credentials = { endpoint: target.endpoint, apiKey: target.apiKey, credential: target.credential, fetch: input.fetch, signal: input.signal };
    const model = target.model || (await input.servedModels.modelFor(credentials));
    const result = await streamChatCompletion(
      {
        endpoint: target.endpoint,
        model,
        apiKey: target.apiKey,
        credential: target.credential,
        messages: input.messages,
        temperature: input.temperature,
        maxTokens: input.maxTokens,
        // Apprentice's ids identify the user's conversations: only the user's own box gets them, and
        // only for a persona that learns.
        turn:
          target.isBox && input.learning !== false
            ? { personaId: input.personaId, conversationId: reply.conversationId, turnId: reply.id }
            : undefined,
        signal: input.signal,
        fetch: input.fetch,
        onLearning: (resumeInMs) =>
          events.emit('chat:waiting', { conversationId: reply.conversationId, messageId: reply.id, resumeInMs }),
        onReasoning: (delta) => {
          reasoning += delta;
          reasoningCoalescer.push(delta);
        },
      },
      (delta) => {
        // The answer begins: what the model thought so far goes out first.
        if (content === '') reasoningCoalescer.flush();
        content += delta;
        coalescer.push(delta);
      },
    );
    content = result.content;
    reasoning = result.reasoning;
    outcome = result.aborted
      ? { status: 'stopped', error: null, policyVersion: result.policyVersion, truncation: null }
      : result.cutOff
        ? { status: 'error', error: CUT_OFF_MESSAGE, policyVersion: result.policyVersion, truncation: 'cut_off' }
        : {
            status: 'complete',
            error: null,
            policyVersion: result.policyVersion,
            truncation: result.finishReason === 'length' ? 'token_limit' : null,
          };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The server may serve another model now: the next reply asks it again.
    if (!input.target.model && input.target.endpoint) input.servedModels.forget(input.target.endpoint);
    outcome = input.signal.aborted
      ? { status: 'stopped', error: null, policyVersion: null, truncation: null }
      : { status: 'error', error: message, policyVersion: null, truncation: null };
  } finally {
    clearInterval(saveTimer);
    reasoningCoalescer.flush();
    coalescer.flush();
  }
  try {
    const stored = messages.finish(reply.id, { content, reasoning: reasoning || null, ...outcome });
    if (stored) events.emit('chat:message', stored);
    return stored;
  } catch {
    // The store was closed under us (app shutting down); the row is closed as interrupted on next start.
    return null;
  }
}
