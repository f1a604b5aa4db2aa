import { z } from 'zod';
import { LearningSummarySchema, SignalLifeSchema } from '../learning';
import {
  BoxStatusSchema,
  ConversationSchema,
  HintSchema,
  HintModeSchema,
  IdSchema,
  MessageRoleSchema,
  MessageSchema,
  PersonaParametersSchema,
  PersonaSchema,
  SettingsPatchSchema,
  SettingsSchema,
  SignalSchema,
  TimelineEventSchema,
  TimelineKindSchema,
  TokenProtectionSchema,
} from '../domain';

/**
 * The one IPC contract between the renderer and the core. Electron's preload exposes exactly these
 * channels through contextBridge; browser mode carries the same channels over a local ws
 * (see ./transport). Every request is parsed with its schema in the core before it is handled.
 */

const Ok = z.object({ ok: z.literal(true) });

/** A message found by search: where it is, and a few words around the match (the matched ones marked). */
export const SearchHitSchema = z.object({
  messageId: IdSchema,
  conversationId: IdSchema,
  conversationTitle: z.string(),
  personaId: IdSchema,
  personaName: z.string(),
  role: MessageRoleSchema,
  createdAt: z.number(),
  snippet: z.array(z.object({ text: z.string(), match: z.boolean() })),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

/** A file the core made for the user to save. */
const ExportFileSchema = z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() });

/** The largest archive one import takes (browser mode carries it in one ws frame of at most 8 MiB). */
export const IMPORT_MAX_CHARS = 7_000_000;

/** What *Test connection* found: whether it worked, a sentence naming the server, and the models it serves. */
const ConnectionTestSchema = z.object({ ok: z.boolean(), detail: z.string(), models: z.array(z.string()) });

export const invokeContract = {
  'app:info': {
    request: z.object({}).strict(),
    response: z.object({
      mode: z.enum(['electron', 'browser']),
      version: z.string(),
      dataDir: z.string(),
      tokenProtection: TokenProtectionSchema,
    }),
  },
  'settings:get': { request: z.object({}).strict(), response: SettingsSchema },
  'settings:update': { request: SettingsPatchSchema, response: SettingsSchema },
  /** The token never comes back to the renderer; only whether one is stored. null deletes it. */
  'settings:setBoxToken': {
    request: z.object({ token: z.string().min(1).max(4_096).nullable() }).strict(),
    response: z.object({ hasToken: z.boolean() }),
  },
  'box:status': { request: z.object({}).strict(), response: BoxStatusSchema },
  /**
   * Probes a box: /health and /v1/models. Without `url` the saved box and token; with `url` (and
   * `token`) what the user typed. The saved token is only sent to the saved box URL.
   */
  'box:test': {
    request: z.object({ url: z.string().max(2_000).optional(), token: z.string().max(4_096).optional() }).strict(),
    response: ConnectionTestSchema,
  },
  /**
   * Probes a direct OpenAI-compatible endpoint as typed: GET {endpoint}/models with the typed API key,
   * else the key saved for exactly this endpoint. The models fill the model picker.
   */
  'endpoint:test': {
    request: z.object({ endpoint: z.string().max(2_000), apiKey: z.string().max(4_096).optional() }).strict(),
    response: ConnectionTestSchema,
  },
  /** Model servers running on this machine (Ollama, LM Studio, vLLM, SGLang, llama.cpp at their default ports). */
  'setup:detectServers': {
    request: z.object({}).strict(),
    response: z.object({
      servers: z.array(
        z.object({ name: z.string(), endpoint: z.string(), models: z.array(z.string()), needsKey: z.boolean() }),
      ),
    }),
  },
  /** Endpoints (URLs) that have an API key saved; the keys never come back to the renderer. */
  'settings:endpointKeys': {
    request: z.object({}).strict(),
    response: z.object({ endpoints: z.array(z.string()) }),
  },
  /** Saves (or with null deletes) the API key of one endpoint; it is only ever sent to that endpoint. */
  'settings:setEndpointKey': {
    request: z.object({ endpoint: z.string().trim().min(1).max(2_000), key: z.string().trim().min(1).max(4_096).nullable() }).strict(),
    response: z.object({ endpoints: z.array(z.string()) }),
  },
  'personas:list': { request: z.object({}).strict(), response: z.array(PersonaSchema) },
  /** model/temperature/maxTokens: null or absent use the policy settings; learning: absent is on. */
  'personas:create': {
    request: z
      .object({
        name: z.string().trim().min(1).max(200),
        systemPrompt: z.string().max(100_000),
        hintMode: HintModeSchema.optional(),
        ...PersonaParametersSchema.shape,
      })
      .strict(),
    response: PersonaSchema,
  },
  /** Absent fields stay; a null parameter goes back to the policy settings. */
  'personas:update': {
    request: z
      .object({
        id: IdSchema,
        name: z.string().trim().min(1).max(200).optional(),
        systemPrompt: z.string().max(100_000).optional(),
        hintMode: HintModeSchema.optional(),
        ...PersonaParametersSchema.shape,
      })
      .strict(),
    response: PersonaSchema,
  },
  'personas:delete': { request: z.object({ id: IdSchema }).strict(), response: Ok },
  'conversations:list': { request: z.object({ personaId: IdSchema }).strict(), response: z.array(ConversationSchema) },
  'conversations:create': {
    request: z.object({ personaId: IdSchema, title: z.string().max(500).optional() }).strict(),
    response: ConversationSchema,
  },
  'conversations:rename': {
    request: z.object({ id: IdSchema, title: z.string().trim().min(1).max(500) }).strict(),
    response: ConversationSchema,
  },
  'conversations:delete': { request: z.object({ id: IdSchema }).strict(), response: Ok },
  /**
   * Exports one conversation (conversationId), a persona's (personaId) or all of them: 'json' is the
   * importable archive (every version of every turn), 'markdown' the visible threads for reading.
   */
  'export:conversations': {
    request: z
      .object({ format: z.enum(['json', 'markdown']), conversationId: IdSchema.optional(), personaId: IdSchema.optional() })
      .strict(),
    response: ExportFileSchema,
  },
  /**
   * Imports an archive exported by 'export:conversations' (json). Ids are the keys: conversations that
   * are already here are skipped. A file that is not valid is refused with the reason and changes nothing.
   */
  'import:conversations': {
    request: z.object({ content: z.string().min(1).max(IMPORT_MAX_CHARS) }).strict(),
    response: z.object({
      imported: z.number().int(),
      skipped: z.number().int(),
      personasCreated: z.number().int(),
      messages: z.number().int(),
    }),
  },
  /**
   * Training data from a persona's conversations: 'openai-jsonl' the replies the user accepted (OpenAI
   * fine-tuning chat format), 'dpo-jsonl' preference pairs from the user's corrections, rewrites and
   * inline marks ({prompt, chosen, rejected}, TRL's conversational format).
   */
  'export:training': {
    request: z.object({ personaId: IdSchema, format: z.enum(['openai-jsonl', 'dpo-jsonl']) }).strict(),
    response: ExportFileSchema.extend({ count: z.number().int() }),
  },
  /**
   * Full-text search across conversations (every word must occur; the last one may be the start of a
   * word). Optionally one persona's. Best matches first.
   */
  'search:messages': {
    request: z
      .object({ query: z.string().max(500), personaId: IdSchema.optional(), limit: z.number().int().min(1).max(100).optional() })
      .strict(),
    response: z.array(SearchHitSchema),
  },
  /**
   * The visible thread: the selected version of each turn, first message first, each with the ids of
   * its turn's versions (versionIds) and its current text (editedContent when the user rewrote it).
   */
  'messages:list': { request: z.object({ conversationId: IdSchema }).strict(), response: z.array(MessageSchema) },
  /**
   * Shows a message in its conversation's thread (another version of a turn, or a message found by
   * search): it and every message it answers become the selected versions. Returns the new thread.
   */
  'messages:select': { request: z.object({ messageId: IdSchema }).strict(), response: z.array(MessageSchema) },
  /**
   * Stores the user message, reads it as feedback on the previous reply (signal + hint + outbox in
   * one transaction) and starts streaming the reply; deltas arrive as `chat:delta` events.
   */
  'chat:send': {
    request: z.object({ conversationId: IdSchema, content: z.string().trim().min(1).max(200_000) }).strict(),
    response: z.object({
      userMessage: MessageSchema,
      assistantMessage: MessageSchema,
      signal: SignalSchema.nullable(),
    }),
  },
  /**
   * Sends an edited version of a user message as a new branch: the original (and what followed it)
   * stays one version back. Answers like chat:send.
   */
  'chat:editAndResend': {
    request: z.object({ messageId: IdSchema, content: z.string().trim().min(1).max(200_000) }).strict(),
    response: z.object({
      userMessage: MessageSchema,
      assistantMessage: MessageSchema,
      signal: SignalSchema.nullable(),
    }),
  },
  'chat:stop': { request: z.object({ messageId: IdSchema }).strict(), response: Ok },
  /**
   * Another version of the latest reply, or a retry of a failed one anywhere in the thread; the old
   * version stays selectable. The old reply gets a 'regenerate' signal only if it had finished (not
   * after the user's Stop, not after a failure).
   */
  'chat:regenerate': {
    request: z.object({ messageId: IdSchema }).strict(),
    response: z.object({ assistantMessage: MessageSchema, signal: SignalSchema.nullable() }),
  },
  'feedback:thumb': {
    request: z.object({ messageId: IdSchema, up: z.boolean(), reason: z.string().max(2_000).optional() }).strict(),
    response: z.object({ signal: SignalSchema, hint: HintSchema.nullable() }),
  },
  /** A span [start, end) of the reply's content and what it should have said instead. */
  'feedback:inlineMark': {
    request: z
      .object({
        messageId: IdSchema,
        start: z.number().int().min(0),
        end: z.number().int().min(1),
        correction: z.string().trim().min(1).max(10_000),
      })
      .strict()
      .refine((r) => r.end > r.start, { message: 'end must be greater than start' }),
    response: z.object({ signal: SignalSchema, hint: HintSchema }),
  },
  /**
   * The user rewrote the reply: an 'edit' signal (the rewrite is the hint's source), and the rewrite
   * becomes what the thread shows and later turns see. `message` is the reply as it now reads.
   */
  'feedback:edit': {
    request: z.object({ messageId: IdSchema, content: z.string().trim().min(1).max(200_000) }).strict(),
    response: z.object({ signal: SignalSchema, hint: HintSchema.nullable(), message: MessageSchema }),
  },
  /**
   * Removes a signal (👍/👎 toggled off, "that wasn't a correction"): it never trains. Not yet sent, it
   * is withdrawn from the outbox; already with the box, the box is told to withdraw it; already
   * trained, it is shown as reverted and left out of later steps.
   */
  'signals:remove': {
    request: z.object({ signalId: IdSchema }).strict(),
    response: z.object({ signal: SignalSchema }),
  },
  'signals:listForConversation': {
    request: z.object({ conversationId: IdSchema }).strict(),
    response: z.object({ signals: z.array(SignalSchema), hints: z.array(HintSchema) }),
  },
  /** Each hint with its context: the user's question, the reply it is about, and what the user said next. */
  'hints:list': {
    request: z.object({ personaId: IdSchema, status: z.enum(['pending', 'approved', 'rejected', 'auto']).optional() }).strict(),
    response: z.array(
      HintSchema.extend({
        context: z
          .object({ conversationId: IdSchema, question: z.string().nullable(), reply: z.string(), followUp: z.string().nullable() })
          .optional(),
      }),
    ),
  },
  'hints:review': {
    request: z
      .object({
        hintId: IdSchema,
        action: z.enum(['approve', 'reject']),
        text: z.string().trim().min(1).max(2_000).optional(),
      })
      .strict(),
    response: HintSchema,
  },
  'timeline:list': {
    request: z
      .object({
        personaId: IdSchema,
        beforeSeq: z.number().int().optional(),
        limit: z.number().int().min(1).max(500).optional(),
        kinds: z.array(TimelineKindSchema).optional(),
      })
      .strict(),
    response: z.array(TimelineEventSchema),
  },
  /** The Learning tab: the acceptance curve with policy versions, and tiles counted over every signal learning:signals would list. */
  'learning:summary': { request: z.object({ personaId: IdSchema }).strict(), response: LearningSummarySchema },
  /** The persona's signals that teach something, newest first, each with its life (delivered → trained in step N). */
  'learning:signals': { request: z.object({ personaId: IdSchema }).strict(), response: z.array(SignalLifeSchema) },
  'timeline:stats': {
    request: z.object({ personaId: IdSchema }).strict(),
    response: z.object({
      signals: z.number().int(),
      positive: z.number().int(),
      negative: z.number().int(),
      hints: z.number().int(),
      delivered: z.number().int(),
      acknowledged: z.number().int(),
      trainingSteps: z.number().int(),
      policyVersion: z.string().nullable(),
    }),
  },
} as const;

export type InvokeContract = typeof invokeContract;
export type InvokeChannel = keyof InvokeContract;
export type InvokeRequest<C extends InvokeChannel> = z.input<InvokeContract[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<InvokeContract[C]['response']>;

/** Events pushed from the core to every window. */
export const eventContract = {
  /** Reply text as it streams; deltas for one message arrive in order. */
  /** Streamed text of a reply: `delta` of its answer, or `reasoning` of what it thinks before answering. */
  'chat:delta': z.object({ conversationId: IdSchema, messageId: IdSchema, delta: z.string(), reasoning: z.string().optional() }),
  /**
   * The box holds this reply's request while it trains a step: "learning… replies resume in ~N s".
   * resumeInMs is the box's estimate when the notice was sent (null: none yet). Ends with the first delta.
   */
  'chat:waiting': z.object({
    conversationId: IdSchema,
    messageId: IdSchema,
    resumeInMs: z.number().int().nonnegative().nullable(),
  }),
  /** A message finished (complete, stopped or error) or changed; carries the stored row. */
  'chat:message': MessageSchema,
  'box:status': BoxStatusSchema,
  'timeline:appended': TimelineEventSchema,
  /** A persona's samples were sent to the box or stored by it: its Learning tab's stages moved, with no timeline event. */
  'learning:changed': z.object({ personaId: IdSchema }),
  'signals:changed': z.object({ conversationId: IdSchema, messageId: IdSchema }),
  /** A conversation changed without a message of it changing (a generated title arrived). */
  'conversation:changed': ConversationSchema,
} as const;

export type EventContract = typeof eventContract;
export type EventName = keyof EventContract;
export type EventPayload<E extends EventName> = z.output<EventContract[E]>;

export const invokeChannels = Object.keys(invokeContract) as InvokeChannel[];
export const eventNames = Object.keys(eventContract) as EventName[];

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.hasOwn(invokeContract, value);
}

export const IpcErrorCodeSchema = z.enum(['bad_request', 'not_found', 'conflict', 'unavailable', 'internal']);
export type IpcErrorCode = z.infer<typeof IpcErrorCodeSchema>;

export const IpcErrorSchema = z.object({ code: IpcErrorCodeSchema, message: z.string() });
export type IpcError = z.infer<typeof IpcErrorSchema>;

/** What the preload (Electron) or the ws client (browser mode) hands the renderer. */
export interface ApprenticeApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
