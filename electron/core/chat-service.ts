import type { Conversation, Message, Persona, Signal } from '../../shared/domain';
import { classifyFollowUp, isTrainableWithoutJudge } from '../signals';
import type { FollowUpInput, SignalVerdict, Turn } from '../signals/types';
import { standInTitle } from './conversation-title-text';
import type { ConversationTitler } from './conversation-titler';
import type { CoreContext } from './core-context';
import { CoreError, notFound } from './core-error';
import { followUpContext } from './follow-up-context';
import type { JudgeRunner } from './judge-runner';
import { judgeExpected } from './judge-availability';
import { chatParametersFor, learnsFrom } from './persona-chat-parameters';
import { policyMessages } from './policy-messages';
import { policyServedByBox, resolvePolicyTarget } from './policy-target';
import { publishRecordedSignal } from './publish-recorded-signal';
import { streamReply } from './reply-streamer';
import { recordSignal, type RecordedSignal } from './signal-recorder';
import { explicitTrust, inferredTrust } from './signal-trust';
import { explicitSignalToCarryHint, isBindingExplicitSignal, isExplicitSignal } from './supersede-rules';

export interface ChatTiming {
  /** How often streamed text goes out as chat:delta (coalesced). */
  deltaIntervalMs: number;
  /** How often streamed text is saved while the reply streams. */
  persistIntervalMs: number;
}

interface ActiveStream {
  conversationId: string;
  controller: AbortController;
  done: Promise<unknown>;
}

interface WrittenTurn {
  userMessage: Message;
  assistantMessage: Message;
  recorded: RecordedSignal | null;
  judgeRequest: { input: FollowUpInput; verdict: SignalVerdict } | null;
}

/**
 * chat:send, chat:editAndResend, chat:stop, chat:regenerate and messages:select, and the replies they
 * stream. A conversation is a tree (see MessageRepository): resending an edited message and
 * regenerating a reply add versions beside the old ones, and what the visible thread shows is what
 * the next turn answers.
 *
 * Its write transactions read first, so they are IMMEDIATE: the sync worker writes the same file from
 * its own connection, and a deferred transaction that read before it wrote would fail at once (a stale
 * WAL snapshot) instead of waiting its turn.
 */
export class ChatService {
  private readonly active = new Map<string, ActiveStream>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly judge: JudgeRunner,
    private readonly timing: ChatTiming,
    /** Names conversations after their first exchange; null: they keep the stand-in from the first message. */
    private readonly titler: ConversationTitler | null = null,
  ) {}

  async send(conversationId: string, content: string) {
    const { store } = this.ctx;
    const { conversation, persona } = this.conversationWithPersona(conversationId);
    const token = await this.ctx.tokenVault.get();
    this.assertNothingStreams(conversationId);
    const written = store.db.transaction(() => {
      const last = store.messages.lastInThread(conversationId);
      const turn = this.writeTurn(persona, conversationId, last, content);
      if (!last) this.standInTitle(conversation, content);
      return turn;
    }).immediate();
    return this.afterTurn(written, persona, token);
  }

  /**
   * Sends an edited version of a user message: a new branch beside the original (which stays one
   * version back), read as the follow-up of the reply before it, and answered by a new reply.
   */
  async editAndResend(messageId: string, content: string) {
    const { store } = this.ctx;
    const original = store.messages.get(messageId);
    if (!original || original.role !== 'user') throw notFound('user message', messageId);
    const { conversation, persona } = this.conversationWithPersona(original.conversationId);
    const token = await this.ctx.tokenVault.get();
    this.assertNothingStreams(original.conversationId);
    const written = store.db.transaction(() => {
      const previous = original.parentId ? store.messages.get(original.parentId) : null;
      const turn = this.writeTurn(persona, original.conversationId, previous, content);
      if (!previous) this.standInTitle(conversation, content);
      store.conversations.touch(original.conversationId);
      return turn;
    }).immediate();
    return this.afterTurn(written, persona, token);
  }

  /** Inside the caller's transaction: the user message after `previous`, its signal on `previous`, the reply to come. */
  private writeTurn(persona: Persona, conversationId: string, previous: Message | null, content: string): WrittenTurn {
    const { store } = this.ctx;
    const userMessage = store.messages.insert({
      conversationId,
      role: 'user',
      content,
      status: 'complete',
      parentId: previous?.id ?? null,
    });
    let recorded: RecordedSignal | null = null;
    let judgeRequest: WrittenTurn['judgeRequest'] = null;
    if (previous && previous.role === 'assistant' && previous.status !== 'error' && previous.content !== '') {
      const last = previous;
      const active = store.signals.listActiveForMessage(last.id);
      const input: FollowUpInput = {
        context: followUpContext(store.messages, persona, last, content),
        assistant: last.content,
        nextUser: content,
      };
      const verdict = classifyFollowUp(input);
      if (active.some(isBindingExplicitSignal)) {
        // Explicit beats inferred: the user's reward stands. A hint the follow-up gives still counts.
        const carrier = explicitSignalToCarryHint(active, (s) => store.hints.getBySignal(s.id) !== null);
        if (carrier && verdict.hint) {
          recorded = recordSignal(store, {
            persona,
            reply: last,
            kind: carrier.kind,
            reward: carrier.reward,
            confidence: carrier.confidence,
            source: 'explicit',
            evidence: [...carrier.evidence, ...verdict.evidence.map((e) => `follow-up ${e}`)],
            triggerMessageId: userMessage.id,
            nextState: { role: 'user', content },
            hint: { text: verdict.hint, source: 'rule' },
            supersede: [carrier],
            trust: explicitTrust(last),
          });
          // The rewrite or mark the carrier held now belongs to the signal that replaced it.
          store.corrections.moveToSignal(carrier.id, recorded.signal.id);
        }
      } else {
        const trainableWithoutJudge = isTrainableWithoutJudge(verdict);
        const trust = inferredTrust(last, verdict, { judgeExpected: judgeExpected(this.ctx.settings.get(), verdict), trainableWithoutJudge });
        recorded = recordSignal(store, {
          persona,
          reply: last,
          kind: verdict.label,
          reward: verdict.reward,
          confidence: verdict.confidence,
          source: 'heuristic',
          evidence: verdict.evidence,
          triggerMessageId: userMessage.id,
          nextState: { role: 'user', content },
          hint: verdict.hint ? { text: verdict.hint, source: 'rule' } : null,
          supersede: active,
          trust,
          trainableWithoutJudge,
        });
        judgeRequest = { input, verdict };
      }
    }
    const assistantMessage = store.messages.insert({
      conversationId,
      role: 'assistant',
      content: '',
      status: 'streaming',
      model: chatParametersFor(persona, this.ctx.settings.get()).model,
      servedBy: policyServedByBox(this.ctx.settings.get()) ? 'box' : 'other',
      parentId: userMessage.id,
      systemPrompt: persona.systemPrompt,
    });
    return { userMessage, assistantMessage, recorded, judgeRequest };
  }

  private afterTurn(written: WrittenTurn, persona: Persona, token: string | null) {
    if (written.recorded) {
      publishRecordedSignal(this.ctx, written.recorded);
      // Learning off: nothing of this persona's chats leaves for judging either.
      if (written.judgeRequest && learnsFrom(persona)) {
        this.judge.schedule({
          signalId: written.recorded.signal.id,
          input: written.judgeRequest.input,
          heuristic: written.judgeRequest.verdict,
        });
      }
    }
    this.startStream(written.assistantMessage, persona, token);
    return {
      userMessage: written.userMessage,
      assistantMessage: written.assistantMessage,
      signal: written.recorded?.signal ?? null,
    };
  }

  /** Stops a streaming reply; its text so far is kept and it ends as 'stopped'. */
  async stop(messageId: string): Promise<void> {
    const active = this.active.get(messageId);
    if (active) {
      active.controller.abort();
      await active.done;
      return;
    }
    // Nothing streams it: it has finished already (replies left streaming by a previous run were
    // closed at startup), so there is nothing to stop.
    if (!this.ctx.store.messages.get(messageId)) throw notFound('message', messageId);
  }

  /**
   * Asks for another version of a reply: the latest reply of the thread, or a failed one anywhere in
   * it (retry). The new version takes the old one's place in the thread; the old one stays one
   * version back. Asking again judges the old reply (a 'regenerate' signal, −1) only when the user saw
   * it whole: not after their own Stop, and not after a failure.
   */
  async regenerate(messageId: string): Promise<{ assistantMessage: Message; signal: Signal | null }> {
    const { store } = this.ctx;
    let old = store.messages.get(messageId);
    if (!old || old.role !== 'assistant') throw notFound('reply', messageId);
    const { persona } = this.conversationWithPersona(old.conversationId);
    this.assertRegenerable(old);
    if (this.active.has(old.id)) {
      await this.stop(old.id);
      old = store.messages.get(messageId) ?? old;
    }
    this.assertNothingStreams(old.conversationId);
    const previous = old;
    const token = await this.ctx.tokenVault.get();

    const written = store.db.transaction(() => {
      // Re-checked here: another regenerate may have run while this one waited.
      this.assertRegenerable(previous);
      store.messages.supersede(previous.id);
      let recorded: RecordedSignal | null = null;
      if (previous.content !== '' && previous.status === 'complete') {
        recorded = recordSignal(store, {
          persona,
          reply: previous,
          kind: 'regenerate',
          reward: -1,
          confidence: 1,
          source: 'explicit',
          evidence: ['the user asked for a different reply'],
          triggerMessageId: null,
          nextState: { role: 'feedback', content: 'regenerate: the user asked for a different reply' },
          hint: null,
          supersede: store.signals.listActiveForMessage(previous.id).filter((s) => !isExplicitSignal(s)),
          trust: explicitTrust(previous),
        });
      }
      store.conversations.touch(previous.conversationId);
      const assistantMessage = store.messages.insert({
        conversationId: previous.conversationId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        model: chatParametersFor(persona, this.ctx.settings.get()).model,
        replacesId: previous.id,
        servedBy: policyServedByBox(this.ctx.settings.get()) ? 'box' : 'other',
        parentId: previous.parentId ?? null,
        systemPrompt: persona.systemPrompt,
      });
      return { assistantMessage, recorded, superseded: store.messages.get(previous.id) };
    }).immediate();

    if (written.superseded) this.ctx.events.emit('chat:message', written.superseded);
    if (written.recorded) publishRecordedSignal(this.ctx, written.recorded);
    this.startStream(written.assistantMessage, persona, token);
    return { assistantMessage: written.assistantMessage, signal: written.recorded?.signal ?? null };
  }

  /** Shows another version of a turn (or a message found by search): returns the thread as it now reads. */
  selectVersion(messageId: string): Message[] {
    const { store } = this.ctx;
    const message = store.messages.get(messageId);
    if (!message) throw notFound('message', messageId);
    this.conversationWithPersona(message.conversationId);
    this.assertNothingStreams(message.conversationId);
    store.db.transaction(() => store.messages.select(message.id)).immediate();
    return store.messages.listThread(message.conversationId);
  }

  /** Until a generated title arrives, a conversation is named after its first message (shortened). */
  private standInTitle(conversation: Conversation, firstMessage: string): void {
    const title = standInTitle(firstMessage);
    if (title !== '' && this.ctx.store.conversations.hasStandInTitle(conversation.id)) {
      this.ctx.store.conversations.setAppTitle(conversation.id, title, 'auto');
    }
  }

  private assertRegenerable(reply: Message): void {
    const { messages } = this.ctx.store;
    if (!messages.isInThread(reply)) {
      throw new CoreError('conflict', 'This reply is not the version shown in the conversation (it was regenerated or answered meanwhile).');
    }
    if (reply.status !== 'error' && messages.lastInThread(reply.conversationId)?.id !== reply.id) {
      throw new CoreError('conflict', 'Only the latest reply can be regenerated; a failed reply can be retried anywhere.');
    }
  }

  private assertNothingStreams(conversationId: string): void {
    for (const [messageId, stream] of this.active) {
      // A reply whose stored row has finished is done, even if its stream has not let go yet.
      if (stream.conversationId === conversationId && this.ctx.store.messages.get(messageId)?.status === 'streaming') {
        throw new CoreError('conflict', 'A reply is still streaming in this conversation; stop it first.');
      }
    }
  }

  /** Resolves when no reply is streaming (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()].map((a) => a.done));
    await this.titler?.idle();
  }

  async close(): Promise<void> {
    for (const a of this.active.values()) a.controller.abort();
    await this.idle();
  }

  /**
   * Registers the stream before returning, so a chat:stop right after chat:send finds it. The request
   * itself (the whole thread, read and serialised) is built on the next turn of the event loop, so
   * the caller gets its answer first; a stop before then ends the reply as stopped.
   */
  private startStream(reply: Message, persona: Persona, token: string | null): void {
    const controller = new AbortController();
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => {
        const settings = this.ctx.settings.get();
        const parameters = chatParametersFor(persona, settings);
        const messages = policyMessages(persona, this.ctx.store.messages.contextOf(reply.id, reply.createdAt));
        return streamReply(this.ctx.store.messages, this.ctx.events, {
          reply,
          personaId: persona.id,
          target: { ...resolvePolicyTarget(settings, token, this.ctx.endpointKeys), model: parameters.model },
          messages,
          temperature: parameters.temperature,
          maxTokens: parameters.maxTokens,
          learning: learnsFrom(persona),
          signal: controller.signal,
          fetch: this.ctx.fetch,
          servedModels: this.ctx.servedModels,
          ...this.timing,
        });
      })
      .then((stored) => {
        if (stored) this.titler?.replyFinished(stored, persona, token);
      })
      .finally(() => this.active.delete(reply.id));
    this.active.set(reply.id, { conversationId: reply.conversationId, controller, done });
  }

  private conversationWithPersona(conversationId: string): { conversation: Conversation; persona: Persona } {
    const conversation = this.ctx.store.conversations.get(conversationId);
    if (!conversation) throw notFound('conversation', conversationId);
    const persona = this.ctx.store.personas.get(conversation.personaId);
    if (!persona) throw notFound('persona', conversation.personaId);
    return { conversation, persona };
  }
}
