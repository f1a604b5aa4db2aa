import type { Hint, Message, Persona, Signal } from '../../shared/domain';
import { buildEditHint, buildInlineMarkHint, buildThumbHint } from '../signals';
import type { CoreContext } from './core-context';
import { CoreError, notFound } from './core-error';
import { publishRecordedSignal } from './publish-recorded-signal';
import { clip, recordSignal, type RecordInputWithoutTurn } from './signal-recorder';
import { explicitTrust } from './signal-trust';
import { signalsReplacedBy } from './supersede-rules';

/** What the user said the reply should have been, kept beside the signal (see ReplyCorrectionRepository). */
type CorrectionText = { kind: 'edit'; text: string } | { kind: 'inline_mark'; start: number; end: number; text: string };

/** Explicit feedback on a reply: thumbs, inline marks and edits. Each one is a signal the user meant. */
export class FeedbackService {
  constructor(private readonly ctx: CoreContext) {}

  thumb(messageId: string, up: boolean, reason: string | undefined): { signal: Signal; hint: Hint | null } {
    const why = reason?.trim() || undefined;
    // The same thumb again (a second click, a resent request) is no new signal: it stays one thumb.
    // Toggling it off is signals:remove; a thumbs down with a new reason replaces the old one.
    const same = this.ctx.store.signals.listActiveForMessage(messageId).find((s) => s.kind === (up ? 'thumb_up' : 'thumb_down'));
    if (same && (up || !why)) return { signal: same, hint: this.ctx.store.hints.getBySignal(same.id) };
    const hintText = up ? null : buildThumbHint(why);
    return this.record(messageId, 'thumb', () => ({
      kind: up ? 'thumb_up' : 'thumb_down',
      reward: up ? 1 : -1,
      evidence: [up ? 'thumbs up' : 'thumbs down', ...(why ? [`reason: ${clip(why, 300)}`] : [])],
      nextState: { role: 'feedback', content: `${up ? 'thumbs up' : 'thumbs down'}${why ? `: ${why}` : ''}` },
      hint: hintText ? { text: hintText, source: 'user' } : null,
    }));
  }

  inlineMark(messageId: string, start: number, end: number, correction: string): { signal: Signal; hint: Hint } {
    const result = this.record(messageId, 'inline_mark', (reply) => {
      if (reply.editedContent != null) {
        throw new CoreError('conflict', 'You rewrote this reply; marks apply to what the model wrote, which the thread no longer shows.');
      }
      if (end > reply.content.length) {
        throw new CoreError(
          'bad_request',
          `The marked span [${start}, ${end}) lies outside the reply, which has ${reply.content.length} characters.`,
        );
      }
      const quote = reply.content.slice(start, end);
      if (quote.trim() === '') throw new CoreError('bad_request', 'The marked span contains only whitespace.');
      return {
        kind: 'inline_mark',
        reward: -1,
        evidence: [`marked: "${clip(quote, 200)}"`, `should be: "${clip(correction, 200)}"`],
        nextState: { role: 'feedback', content: `The user marked "${quote}" in the reply and wrote instead: ${correction}` },
        hint: { text: buildInlineMarkHint({ assistant: reply.content, quote, correction }), source: 'user' },
        correction: { kind: 'inline_mark', start, end, text: correction },
      };
    });
    if (!result.hint) throw new CoreError('internal', 'the inline mark produced no hint');
    return { signal: result.signal, hint: result.hint };
  }

  /**
   * The user rewrote the reply: an 'edit' signal on what the model wrote, and the rewrite becomes
   * what the thread shows and what later turns see.
   */
  edit(messageId: string, content: string): { signal: Signal; hint: Hint | null; message: Message } {
    const recorded = this.record(messageId, 'edit', (reply) => {
      if (content.trim() === (reply.editedContent ?? reply.content).trim()) {
        throw new CoreError('bad_request', 'The edited reply is the same as the one shown.');
      }
      const hintText = buildEditHint({ before: reply.content, after: content });
      return {
        kind: 'edit',
        reward: -1,
        evidence: ['the user rewrote the reply'],
        nextState: { role: 'feedback', content: `The user rewrote the reply as:\n${content}` },
        hint: hintText ? { text: hintText, source: 'user' } : null,
        correction: { kind: 'edit', text: content },
      };
    });
    const message = this.ctx.store.messages.get(messageId)!;
    this.ctx.events.emit('chat:message', message);
    return { ...recorded, message };
  }

  private record(
    messageId: string,
    family: 'thumb' | 'inline_mark' | 'edit',
    describe: (reply: Message, persona: Persona) => RecordInputWithoutTurn & { correction?: CorrectionText },
  ): { signal: Signal; hint: Hint | null } {
    const { store } = this.ctx;
    const recorded = store.db.transaction(() => {
      const reply = store.messages.get(messageId);
      if (!reply || reply.role !== 'assistant') throw notFound('reply', messageId);
      if (reply.status === 'streaming') throw new CoreError('conflict', 'This reply is still streaming; wait until it has finished.');
      const conversation = store.conversations.get(reply.conversationId);
      if (!conversation) throw notFound('conversation', reply.conversationId);
      const persona = store.personas.get(conversation.personaId);
      if (!persona) throw notFound('persona', conversation.personaId);
      const { correction, ...described } = describe(reply, persona);
      const recorded = recordSignal(store, {
        ...described,
        persona,
        reply,
        confidence: 1,
        source: 'explicit',
        triggerMessageId: null,
        supersede: signalsReplacedBy(family, store.signals.listActiveForMessage(reply.id)),
        trust: explicitTrust(reply),
      });
      if (correction) {
        const at = recorded.signal.createdAt;
        store.corrections.add({ ...correction, signalId: recorded.signal.id, messageId: reply.id, createdAt: at });
        // The row changed (a rewrite shows instead of the original): a newer revision for the windows' caches.
        if (correction.kind === 'edit') store.messages.touch(reply.id);
      }
      return recorded;
    }).immediate();
    publishRecordedSignal(this.ctx, recorded);
    return { signal: recorded.signal, hint: recorded.hint };
  }
}
