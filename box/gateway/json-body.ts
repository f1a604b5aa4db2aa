import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonNestingDepth } from './json-nesting';

/**
 * Deepest nesting a request body may have. OpenAI chat bodies (tool schemas included) stay far
 * below it; thousands of levels would overflow the stack when the body is forwarded.
 */
export const MAX_JSON_NESTING = 64;

export class BodyError extends Error {
  override name = 'BodyError';
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Reads and parses a JSON request body, refusing bodies over `limitBytes` without buffering them. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw new BodyError(413, `request body of ${declared} bytes is over the ${limitBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      req.resume();
      throw new BodyError(413, `request body is over the ${limitBytes}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BodyError(400, 'request body is empty; expected JSON');
  if (jsonNestingDepth(text, MAX_JSON_NESTING) > MAX_JSON_NESTING) {
    throw new BodyError(400, `request body nests arrays/objects more than ${MAX_JSON_NESTING} levels deep; flatten it`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
