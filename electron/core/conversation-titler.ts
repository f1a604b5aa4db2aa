import type { Conversation, Message, Persona } from '../../shared/domain';
import { streamChatCompletion } from '../policy/stream-chat-completion';
import type { CoreContext } from './core-context';
import { titleFromAnswer, titleRequestMessages } from './conversation-title-text';
import { chatParametersFor } from './persona-chat-parameters';
import { resolvePolicyTarget } from './policy-target';
import { splitReasoning } from '../../shared/split-reasoning';

/** Whether the answer so far holds a whole first line after its reasoning, or more than a title could be. */
function hasTitleLine(answer: string): boolean {
  const { answer: visible, thinking } = splitReasoning(answer);
  if (thinking) return answer.length > 4_000;
  return /\S[^\n]*\n/.test(visible) || visible.length > 400;
}

/** A title needs only a few words; reasoning models get some room before them. */
const TITLE_MAX_TOKENS = 200;
const TITLE_TIMEOUT_MS = 30_000;

/**
 * Names a conversation after its first exchange by asking the persona's model for a short title. The
 * stand-in made from the first message stays when the model gives no usable title or cannot be
 * reached, and a title the user typed meanwhile is never replaced. The request carries no persona
 * or turn ids, so the box never treats it as a turn to train on.
 */
export class ConversationTitler {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly ctx: CoreContext) {}

  /** Called when a reply has finished: titles the conversation if this was its first exchange. */
  replyFinished(reply: Message, persona: Persona, token: string | null): void {
    if (reply.status !== 'complete' || reply.content.trim() === '' || !reply.parentId) return;
    const { store } = this.ctx;
    const question = store.messages.get(reply.parentId);
    if (!question || question.parentId !== null) return;
    if (!store.conversations.hasStandInTitle(reply.conversationId)) return;
    const work = this.title(reply, question, persona, token)
      .catch((error: unknown) => this.ctx.log('info', `no generated title: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.running.delete(work));
    this.running.add(work);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async title(reply: Message, question: Message, persona: Persona, token: string | null): Promise<void> {
    const settings = this.ctx.settings.get();
    const target = resolvePolicyTarget(settings, token, this.ctx.endpointKeys);
    if (!target.endpoint) return;
    const timeout = AbortSignal.timeout(TITLE_TIMEOUT_MS);
    const enough = new AbortController();
    const signal = AbortSignal.any([timeout, enough.signal]);
    const credentials = { endpoint: target.endpoint, apiKey: target.apiKey, credential: target.credential, fetch: this.ctx.fetch, signal };
    const model = chatParametersFor(persona, settings).model || (await this.ctx.servedModels.modelFor(credentials));
    let answer = '';
    const result = await streamChatCompletion(
      {
        endpoint: target.endpoint,
        model,
        apiKey: target.apiKey,
        credential: target.credential,
        messages: titleRequestMessages(question.content, reply.content),
        temperature: 0.2,
        maxTokens: TITLE_MAX_TOKENS,
        signal,
        fetch: this.ctx.fetch,
      },
      (delta) => {
        answer += delta;
        // The title is the first line after any reasoning: stop reading once it is there (a server
        // that ignores max_tokens would otherwise send a whole reply).
        if (hasTitleLine(answer)) enough.abort();
      },
    );
    if (result.aborted && !enough.signal.aborted) return;
    const title = titleFromAnswer(result.content);
    if (!title) return;
    const renamed: Conversation | null = this.ctx.store.conversations.setAppTitle(reply.conversationId, title, 'model');
    if (renamed) this.ctx.events.emit('conversation:changed', renamed);
  }
}
