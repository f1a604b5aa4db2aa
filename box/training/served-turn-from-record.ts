import type { TurnRecord } from '../gateway/turn-log';
import type { ServedTurn } from '../samples/served-turn';

/** The gateway's turn-log record as the sample builder reads it. */
export function servedTurnFromRecord(record: TurnRecord): ServedTurn {
  const kwargs = record.request.chat_template_kwargs;
  return {
    turnId: record.turnId,
    messages: record.messages,
    templateKwargs: kwargs !== null && typeof kwargs === 'object' && !Array.isArray(kwargs) ? (kwargs as Record<string, unknown>) : {},
    responseText: record.responseText,
    tokens: record.tokens,
    finishReason: record.finishReason,
    policyVersion: record.policyVersion,
    temperature: typeof record.request.temperature === 'number' ? record.request.temperature : null,
  };
}
