import type { BoxDb } from './box-database';

/** One token of a served reply, as SGLang's chat logprobs report it. */
export interface TurnToken {
  token: string;
  /** UTF-8 bytes of the token (null when SGLang gave none). */
  bytes: number[] | null;
  logprob: number;
}

export interface TurnMessage {
  role: string;
  content: string;
}

export type TurnStatus = 'complete' | 'error' | 'aborted';

/**
 * A chat turn as the policy served it through the gateway: what the sample builder needs to turn a
 * signal into a training sample (messages, response, sampled tokens with their rollout log-probs,
 * and the weight version that produced them).
 */
export interface TurnRecord {
  turnId: string;
  personaId: string | null;
  conversationId: string | null;
  /** complete: upstream finished; error: upstream failed mid-reply; aborted: the client went away. */
  status: TurnStatus;
  /** The body sent to SGLang (model, sampling params, chat_template_kwargs, ...). */
  request: Record<string, unknown>;
  /** Request messages with text content (content parts joined). */
  messages: TurnMessage[];
  responseText: string;
  reasoningText: string;
  tokens: TurnToken[];
  finishReason: string | null;
  error: string | null;
  policyVersion: string | null;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  startedAt: number;
  finishedAt: number;
}

interface TurnRow {
  turn_id: string;
  persona_id: string | null;
  conversation_id: string | null;
  status: TurnStatus;
  request: string;
  messages: string;
  response_text: string;
  reasoning_text: string;
  tokens: string;
  finish_reason: string | null;
  error: string | null;
  policy_version: string | null;
  model: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  started_at: number;
  finished_at: number;
}

/**
 * The turn log. A turn id is the app's assistant message id; if the same id is served again (a
 * retry), the later record replaces the earlier, since that is the reply the user saw.
 */
export class TurnLog {
  private readonly upsert;
  private readonly byId;

  constructor(db: BoxDb) {
    this.upsert = db.prepare(
      `INSERT OR REPLACE INTO turns (turn_id, persona_id, conversation_id, status, request, messages, response_text,
         reasoning_text, tokens, finish_reason, error, policy_version, model, prompt_tokens, completion_tokens, started_at, finished_at)
       VALUES (@turn_id, @persona_id, @conversation_id, @status, @request, @messages, @response_text, @reasoning_text,
         @tokens, @finish_reason, @error, @policy_version, @model, @prompt_tokens, @completion_tokens, @started_at, @finished_at)`,
    );
    this.byId = db.prepare('SELECT * FROM turns WHERE turn_id = ?');
  }

  record(turn: TurnRecord): void {
    const row: TurnRow = {
      turn_id: turn.turnId,
      persona_id: turn.personaId,
      conversation_id: turn.conversationId,
      status: turn.status,
      request: JSON.stringify(turn.request),
      messages: JSON.stringify(turn.messages),
      response_text: turn.responseText,
      reasoning_text: turn.reasoningText,
      tokens: JSON.stringify(turn.tokens),
      finish_reason: turn.finishReason,
      error: turn.error,
      policy_version: turn.policyVersion,
      model: turn.model,
      prompt_tokens: turn.promptTokens,
      completion_tokens: turn.completionTokens,
      started_at: turn.startedAt,
      finished_at: turn.finishedAt,
    };
    this.upsert.run(row);
  }

  get(turnId: string): TurnRecord | null {
    const row = this.byId.get(turnId) as TurnRow | undefined;
    return row ? toRecord(row) : null;
  }
}

function toRecord(row: TurnRow): TurnRecord {
  return {
    turnId: row.turn_id,
    personaId: row.persona_id,
    conversationId: row.conversation_id,
    status: row.status,
    request: JSON.parse(row.request) as Record<string, unknown>,
    messages: JSON.parse(row.messages) as TurnMessage[],
    responseText: row.response_text,
    reasoningText: row.reasoning_text,
    tokens: JSON.parse(row.tokens) as TurnToken[],
    finishReason: row.finish_reason,
    error: row.error,
    policyVersion: row.policy_version,
    model: row.model,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
