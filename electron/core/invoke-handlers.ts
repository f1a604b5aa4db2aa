import type { z } from 'zod';
import type { BoxStatus } from '../../shared/domain';
import type { InvokeChannel, InvokeContract, InvokeResponse } from '../../shared/ipc/contract';
import { InvalidSettingsError, normalizeBaseUrl } from '../settings/settings-store';
import type { ChatService } from './chat-service';
import type { CoreContext } from './core-context';
import { CoreError, notFound } from './core-error';
import type { FeedbackService } from './feedback-service';
import type { HintReviewService } from './hint-review-service';
import { exportJson, exportMarkdown } from './conversation-export';
import { importArchive } from './conversation-import';
import { learningSummary, signalLives, withHintContext } from './learning-view';
import { searchHits } from './search-hits';
import type { SignalRemovalService } from './signal-removal-service';
import { trainingExport } from './training-export';
import { updateSettingsBindingToken } from './update-settings-binding-token';
import { testBoxConnection, testEndpointConnection } from './connection-tests';
import type { DetectedServer } from './local-server-probe';
import { withdrawPendingHint } from './withdraw-pending-hint';

export type InvokeHandlers = {
  [C in InvokeChannel]: (request: z.output<InvokeContract[C]['request']>) => Promise<InvokeResponse<C>> | InvokeResponse<C>;
};

export interface InvokeServices {
  chat: ChatService;
  feedback: FeedbackService;
  hintReview: HintReviewService;
  signalRemoval: SignalRemovalService;
  appInfo: InvokeResponse<'app:info'>;
  boxStatus(): BoxStatus;
  /** Settings or the token changed: reconfigure whatever depends on them (the sync worker). */
  reconfigure(): Promise<void>;
  /** Model servers running on this machine (the onboarding's first choice). */
  detectServers(): Promise<DetectedServer[]>;
}

/** One function per contract channel; requests arrive already parsed with the channel's schema. */
export function createInvokeHandlers(ctx: CoreContext, services: InvokeServices): InvokeHandlers {
  const { store } = ctx;
  const settingsView = async () => ({
    ...ctx.settings.get(),
    box: { ...ctx.settings.get().box, hasToken: (await ctx.tokenVault.get()) !== null },
  });
  const requirePersona = (id: string) => store.personas.get(id) ?? throwError(notFound('persona', id));

  return {
    'app:info': () => services.appInfo,
    'settings:get': () => settingsView(),
    'settings:update': async (patch) => {
      try {
        if (await updateSettingsBindingToken(ctx.settings, ctx.tokenVault, patch)) {
          ctx.log('info', 'the box URL changed: the token saved for the previous box was removed');
        }
      } catch (error) {
        if (error instanceof InvalidSettingsError) throw new CoreError('bad_request', error.message);
        throw error;
      }
      await services.reconfigure();
      return settingsView();
    },
    'settings:setBoxToken': async ({ token }) => {
      await ctx.tokenVault.set(token);
      await services.reconfigure();
      return { hasToken: (await ctx.tokenVault.get()) !== null };
    },
    'box:status': () => services.boxStatus(),
    'box:test': (typed) => testBoxConnection(ctx, typed),
    'endpoint:test': (typed) => testEndpointConnection(ctx, typed),
    'setup:detectServers': async () => ({ servers: await services.detectServers() }),
    'settings:endpointKeys': () => ({ endpoints: ctx.endpointKeys.endpoints() }),
    'settings:setEndpointKey': ({ endpoint, key }) => {
      let url: string;
      try {
        url = normalizeBaseUrl(endpoint, 'endpoint');
      } catch (error) {
        if (error instanceof InvalidSettingsError) throw new CoreError('bad_request', error.message);
        throw error;
      }
      ctx.endpointKeys.set(url, key);
      return { endpoints: ctx.endpointKeys.endpoints() };
    },

    'personas:list': () => store.personas.list(),
    'personas:create': (input) => store.personas.create(input),
    'personas:update': ({ id, ...patch }) => store.personas.update(id, patch) ?? throwError(notFound('persona', id)),
    'personas:delete': ({ id }) => {
      const withdrawn = store.db.transaction(() => {
        if (!store.personas.softDelete(id)) throw notFound('persona', id);
        store.conversations.softDeleteForPersona(id);
        // Nobody can review this persona's pending hints any more; their held rows must not wait forever.
        return store.hints
          .listForPersona(id, 'pending')
          .map((hint) => withdrawPendingHint(store, hint.signalId, 'persona_deleted'))
          .filter((event) => event !== null);
      })();
      for (const event of withdrawn) ctx.events.emit('timeline:appended', event);
      // The worker recounts the outbox and pushes a fresh status: the held count drains on screen too.
      if (withdrawn.length > 0) ctx.nudgeSync();
      return { ok: true as const };
    },

    'conversations:list': ({ personaId }) => {
      requirePersona(personaId);
      return store.conversations.listForPersona(personaId);
    },
    'conversations:create': ({ personaId, title }) => {
      requirePersona(personaId);
      return store.conversations.create(personaId, title?.trim() ?? '');
    },
    'conversations:rename': ({ id, title }) => store.conversations.rename(id, title) ?? throwError(notFound('conversation', id)),
    'conversations:delete': ({ id }) => {
      if (!store.conversations.softDelete(id)) throw notFound('conversation', id);
      return { ok: true as const };
    },
    'search:messages': ({ query, personaId, limit }) => searchHits(store.db, query, { personaId, limit }),
    'export:conversations': ({ format, ...scope }) => (format === 'json' ? exportJson(store, scope) : exportMarkdown(store, scope)),
    'import:conversations': ({ content }) => importArchive(store, content),
    'export:training': ({ personaId, format }) => trainingExport(store, personaId, format),
    'messages:list': ({ conversationId }) => {
      if (!store.conversations.get(conversationId)) throw notFound('conversation', conversationId);
      return store.messages.listThread(conversationId);
    },
    'messages:select': ({ messageId }) => services.chat.selectVersion(messageId),

    'chat:send': ({ conversationId, content }) => services.chat.send(conversationId, content),
    'chat:editAndResend': ({ messageId, content }) => services.chat.editAndResend(messageId, content),
    'chat:stop': async ({ messageId }) => {
      await services.chat.stop(messageId);
      return { ok: true as const };
    },
    'chat:regenerate': ({ messageId }) => services.chat.regenerate(messageId),

    'feedback:thumb': ({ messageId, up, reason }) => services.feedback.thumb(messageId, up, reason),
    'feedback:inlineMark': ({ messageId, start, end, correction }) => services.feedback.inlineMark(messageId, start, end, correction),
    'feedback:edit': ({ messageId, content }) => services.feedback.edit(messageId, content),

    'signals:remove': ({ signalId }) => services.signalRemoval.remove(signalId),
    'signals:listForConversation': ({ conversationId }) => ({
      signals: store.signals.listForConversation(conversationId),
      hints: store.hints.listForConversation(conversationId),
    }),
    'hints:list': ({ personaId, status }) => withHintContext(store, store.hints.listForPersona(personaId, status)),
    'hints:review': ({ hintId, action, text }) => services.hintReview.review(hintId, action, text),

    'timeline:list': ({ personaId, beforeSeq, limit, kinds }) => store.timeline.list(personaId, { beforeSeq, limit, kinds }),
    'learning:summary': ({ personaId }) => learningSummary(store, requirePersona(personaId).id),
    'learning:signals': ({ personaId }) => signalLives(store, requirePersona(personaId).id),
    'timeline:stats': ({ personaId }) => {
      const signals = store.signals.countsForPersona(personaId);
      const byKind = store.timeline.countByKind(personaId);
      const delivery = store.outbox.deliveryCountsForPersona(personaId);
      const latest = store.timeline.list(personaId, { kinds: ['policy_version', 'training_step'], limit: 20 });
      const version = latest.map((e) => e.data.policyVersion).find((v): v is string => typeof v === 'string' && v !== '');
      return {
        signals: signals.total,
        positive: signals.positive,
        negative: signals.negative,
        hints: store.hints.countUsableForPersona(personaId),
        delivered: delivery.delivered,
        acknowledged: delivery.acknowledged,
        trainingSteps: byKind.training_step ?? 0,
        policyVersion: version ?? null,
      };
    },
  };
}

function throwError(error: Error): never {
  throw error;
}
