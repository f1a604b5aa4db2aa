import type { Hint, Message, Persona, Signal } from '../../shared/domain';
import { buildEditHint, buildInlineMarkHint, buildThumbHint } from '../signals';
import type { CoreContext } from './core-context';
import { CoreError, notFound } from './core-error';
import { publishRecordedSignal } from './publish-recorded-signal';
import { clip, recordSignal, type RecordInputWithoutTurn } from './signal-recorder';
import { explicitTrust } from './signal-trust';
import { signalsReplacedBy } from './supersede-rules';

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
      };
    });
    if (!result.hint) throw new CoreError('internal', 'the inline mark produced no hint');
    return { signal: result.signal, hint: result.hint };
  }

  edit(messageId: string, content: string): { signal: Signal; hint: Hint | null } {
    return this.record(messageId, 'edit', (reply) => {
      if (content.trim() === reply.content.trim()) throw new CoreError('bad_request', 'The edited reply is the same as the original.');
      const hintText = buildEditHint({ before: reply.content, after: content });
      return {
        kind: 'edit',
        reward: -1,
        evidence: ['the user rewrote the reply'],
        nextState: { role: 'feedback', content: `The user rewrote the reply as:\n${content}` },
        hint: hintText ? { text: hintText, source: 'user' } : null,
      };
    });
  }

  private record(
    messageId: string,
    family: 'thumb' | 'inline_mark' | 'edit',
    describe: (reply: Message, persona: Persona) => RecordInputWithoutTurn,
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
      return recordSignal(store, {
        ...describe(reply, persona),
        persona,
        reply,
        confidence: 1,
        source: 'explicit',
        triggerMessageId: null,
        supersede: signalsReplacedBy(family, store.signals.listActiveForMessage(reply.id)),
        trust: explicitTrust(reply),
      });
    })();
    publishRecordedSignal(this.ctx, recorded);
    return { signal: recorded.signal, hint: recorded.hint };
  }
}
