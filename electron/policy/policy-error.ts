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

/** What the request authenticated with: the box token (the user's box) or an endpoint's API key. */
export type CredentialKind = 'box_token' | 'api_key';

/**
 * The most useful line of an HTTP error body (OpenAI `{error:{message}}`, FastAPI `{detail}`, text,
 * or the title of an HTML error page), with what to fix when the server refused the credential.
 */
export function describeHttpError(
  status: number,
  statusText: string,
  body: string,
  url: string,
  credential: CredentialKind = 'box_token',
  credentialSent = true,
): PolicyError {
  const detail = describeErrorBody(body);
  // The server's own sentence is kept as written (no second full stop after its own).
  const said = detail ? `: ${detail}${/[.!?…]$/.test(detail) ? '' : '.'}` : '.';
  return new PolicyError('http', `${url} answered ${status} ${statusText}${said}${refusalHint(status, credential, credentialSent)}`, status);
}

function refusalHint(status: number, credential: CredentialKind, sent: boolean): string {
  if (status !== 401 && status !== 403) return '';
  if (credential === 'box_token') return sent ? ' The box refused the token: check the box token in Settings.' : ' The box needs its token: enter it in Settings.';
  return sent
    ? ' The server refused the API key: check the API key for this endpoint in Settings.'
    : ' The server needs an API key: enter it for this endpoint in Settings.';
}

/** One short line from an error body; HTML pages (an nginx 502, a login page) become their title. */
export function describeErrorBody(body: string): string {
  const trimmed = body.trim();
  if (looksLikeHtml(trimmed)) return summarizeHtml(trimmed);
  try {
    const parsed = JSON.parse(trimmed) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const candidate =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message ?? parsed.detail);
    if (typeof candidate === 'string' && candidate.trim()) return candidate.trim().slice(0, 500);
  } catch {
    // Not JSON: keep the text.
  }
  return trimmed.slice(0, 500);
}

function looksLikeHtml(text: string): boolean {
  return /^(<!doctype html|<html|<head|<body)/i.test(text) || /<\/(html|body|title|h1)>/i.test(text.slice(0, 4_000));
}

/** "an HTML page (502 Bad Gateway)": the page's title or first heading, never its markup. */
export function summarizeHtml(html: string): string {
  const pick = (tag: string) => html.match(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'i'))?.[1];
  const raw = pick('title') ?? pick('h1') ?? '';
  const text = raw
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[entity] ?? ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return text ? `an HTML page (${text})` : 'an HTML page';
}
