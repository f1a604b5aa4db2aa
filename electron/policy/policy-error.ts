export type PolicyErrorKind = 'config' | 'connection' | 'timeout' | 'http' | 'bad_response' | 'upstream';

/** A policy request that failed; `message` is written for the user and stored with the reply. */
export class PolicyError extends Error {
  override name = 'PolicyError';
  constructor(
    readonly kind: PolicyErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** Turns what fetch throws into a PolicyError naming the server. */
export function describeFetchFailure(error: unknown, url: string): PolicyError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && 'code' in cause ? String(cause.code) : '';
  if (code === 'ECONNREFUSED') return new PolicyError('connection', `Could not connect to ${url} (connection refused). Is the server running?`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new PolicyError('connection', `Could not resolve the host of ${url}.`);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new PolicyError('connection', `The connection to ${url} was closed unexpectedly.`);
  const detail = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new PolicyError('connection', `Request to ${url} failed: ${detail}`);
}

/** The most useful line of an HTTP error body (OpenAI `{error:{message}}`, FastAPI `{detail}`, or text). */
export function describeHttpError(status: number, statusText: string, body: string, url: string): PolicyError {
  let detail = body.trim().slice(0, 500);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const candidate =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message ?? parsed.detail);
    if (typeof candidate === 'string' && candidate.trim()) detail = candidate.trim().slice(0, 500);
  } catch {
    // Not JSON: keep the text.
  }
  const hint = status === 401 || status === 403 ? ' Check the box token in Settings.' : '';
  // The server's own sentence is kept as written (no second full stop after its own).
  const said = detail ? `: ${detail}${/[.!?…]$/.test(detail) ? '' : '.'}` : '.';
  return new PolicyError('http', `${url} answered ${status} ${statusText}${said}${hint}`, status);
}
