import type { ServerResponse } from 'node:http';
import { sendJson } from './json-body';

/** Error kinds the gateway answers with, in OpenAI's `{error: {message, type, code}}` shape. */
export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'weights_updating'
  | 'server_error';

export interface OpenAIErrorBody {
  error: { message: string; type: GatewayErrorType; code: number; param: null };
}

export function openAIError(status: number, type: GatewayErrorType, message: string): OpenAIErrorBody {
  return { error: { message, type, code: status, param: null } };
}

export function sendOpenAIError(
  res: ServerResponse,
  status: number,
  type: GatewayErrorType,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, openAIError(status, type, message), headers);
}
