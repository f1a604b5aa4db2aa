import type { Conversation, Message, Persona, Signal } from '../../shared/domain';
import { classifyFollowUp, isTrainableWithoutJudge } from '../signals';
import type { FollowUpInput, SignalVerdict, Turn } from '../signals/types';
import type { CoreContext } from './core-context';
import { CoreError, notFound } from './core-error';
import { FollowUpContexts } from './follow-up-context';
import type { JudgeRunner } from './judge-runner';
import { judgeExpected } from './judge-availability';
import { policyMessages } from './policy-messages';
import { policyServedByBox, resolvePolicyTarget } from './policy-target';
import { publishRecordedSignal } from './publish-recorded-signal';
import { streamReply } from './reply-streamer';
import { recordSignal, type RecordedSignal } from './signal-recorder';
import { explicitTrust, inferredTrust } from './signal-trust';
import { explicitSignalToCarryHint, isExplicitSignal } from './supersede-rules';

export interface ChatTiming {
  /** How often streamed text goes out as chat:delta (coalesced). */
  deltaIntervalMs: number;
  /** How often streamed text is saved while the reply streams. */
  persistIntervalMs: number;
}

interface ActiveStream {
  controller: AbortController;
  done: Promise<unknown>;
}

const TITLE_MAX = 80;

/** chat:send, chat:stop and chat:regenerate, and the replies they stream. */
export class ChatService {
  private readonly active = new Map<string, ActiveStream>();
  /** What the classifier reads of each conversation, kept between turns. */
  private readonly followUps = new FollowUpContexts();

  constructor(
    private readonly ctx: CoreContext,
    private readonly judge: JudgeRunner,
    private readonly timing: ChatTiming,
  ) {}

  async send(conversationId: string, content: string) {
    const { store } = this.ctx;
    const { conversation, persona } = this.conversationWithPersona(conversationId);
    const token = await this.ctx.tokenVault.get();
    const last = store.messages.lastInThread(conversationId);
    if (last?.status === 'streaming') {
      throw new CoreError('conflict', 'A reply is still streaming in this conversation; stop it before sending.');
    }

    let judgeRequest: { input: FollowUpInput; verdict: SignalVerdict } | null = null;
    const written = store.db.transaction(() => {
      const userMessage = store.messages.insert({ conversationId, role: 'user', content, status: 'complete' });
      let recorded: RecordedSignal | null = null;
      if (last && last.role === 'assistant' && last.status !== 'error' && last.content !== '') {
        const active = store.signals.listActiveForMessage(last.id);
        const input: FollowUpInput = {
          context: this.followUps.contextFor(store.messages, persona, last, content),
          assistant: last.content,
          nextUser: content,
        };
        const verdict = classifyFollowUp(input);
        if (active.some(isExplicitSignal)) {
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
      if (conversation.title === '' && !last) store.conversations.rename(conversationId, titleFrom(content));
      else store.conversations.touch(conversationId);
      const assistantMessage = store.messages.insert({
        conversationId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        model: this.ctx.settings.get().policy.model,
        servedBy: policyServedByBox(this.ctx.settings.get()) ? 'box' : 'other',
      });
      return { userMessage, assistantMessage, recorded };
    })();

    if (written.recorded) {
      publishRecordedSignal(this.ctx, written.recorded);
      const request = judgeRequest as { input: FollowUpInput; verdict: SignalVerdict } | null;
      if (request) this.judge.schedule({ signalId: written.recorded.signal.id, input: request.input, heuristic: request.verdict });
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

  /** Replaces the last reply with a new one; the old one leaves the thread and gets a 'regenerate' signal. */
  async regenerate(messageId: string): Promise<{ assistantMessage: Message; signal: Signal | null }> {
    const { store } = this.ctx;
    let old = store.messages.get(messageId);
    if (!old || old.role !== 'assistant') throw notFound('reply', messageId);
    if (old.supersededAt !== null) throw new CoreError('conflict', 'This reply was already regenerated.');
    const { persona } = this.conversationWithPersona(old.conversationId);
    if (store.messages.lastInThread(old.conversationId)?.id !== old.id) {
      throw new CoreError('conflict', 'Only the latest reply of a conversation can be regenerated.');
    }
    if (this.active.has(old.id)) {
      await this.stop(old.id);
      old = store.messages.get(messageId) ?? old;
    }
    const previous = old;
    const token = await this.ctx.tokenVault.get();

    const written = store.db.transaction(() => {
      // Re-checked here: another regenerate may have run while this one waited.
      if (store.messages.lastInThread(previous.conversationId)?.id !== previous.id) {
        throw new CoreError('conflict', 'This reply is no longer the latest one; it was regenerated or answered meanwhile.');
      }
      store.messages.supersede(previous.id);
      let recorded: RecordedSignal | null = null;
      if (previous.content !== '' && previous.status !== 'error') {
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
        model: this.ctx.settings.get().policy.model,
        replacesId: previous.id,
        servedBy: policyServedByBox(this.ctx.settings.get()) ? 'box' : 'other',
      });
      return { assistantMessage, recorded, superseded: store.messages.get(previous.id) };
    })();

    if (written.superseded) this.ctx.events.emit('chat:message', written.superseded);
    if (written.recorded) publishRecordedSignal(this.ctx, written.recorded);
    this.startStream(written.assistantMessage, persona, token);
    return { assistantMessage: written.assistantMessage, signal: written.recorded?.signal ?? null };
  }

  /** Resolves when no reply is streaming (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()].map((a) => a.done));
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
        const messages = policyMessages(persona, this.ctx.store.messages.listThreadBefore(reply.conversationId, reply.seq));
        return streamReply(this.ctx.store.messages, this.ctx.events, {
          reply,
          personaId: persona.id,
          target: resolvePolicyTarget(settings, token, this.ctx.endpointKeys),
          messages,
          temperature: settings.policy.temperature,
          maxTokens: settings.policy.maxTokens,
          signal: controller.signal,
          fetch: this.ctx.fetch,
          ...this.timing,
        });
      })
      .finally(() => this.active.delete(reply.id));
    this.active.set(reply.id, { controller, done });
  }

  private conversationWithPersona(conversationId: string): { conversation: Conversation; persona: Persona } {
    const conversation = this.ctx.store.conversations.get(conversationId);
    if (!conversation) throw notFound('conversation', conversationId);
    const persona = this.ctx.store.personas.get(conversation.personaId);
    if (!persona) throw notFound('persona', conversation.personaId);
    return { conversation, persona };
  }
}

function titleFrom(content: string): string {
  const firstLine = content.trim().split('\n')[0]?.trim() ?? '';
  return firstLine.length <= TITLE_MAX ? firstLine : `${firstLine.slice(0, TITLE_MAX - 1)}…`;
}
