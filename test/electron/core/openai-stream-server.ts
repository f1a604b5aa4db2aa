import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The GPU side's edge for tests: a local server speaking the real OpenAI-compatible shapes SGLang
 * serves (`/v1/chat/completions` streamed as SSE, `/v1/models`, `/health`). Each test scripts what
 * the next replies do.
 */
export interface ScriptedReply {
  /** Reasoning streamed apart (reasoning_content) before the answer, as a reasoning parser does. */
  reasoning?: string[];
  /** Text chunks streamed in order. */
  chunks?: string[];
  /** Delay before each chunk. */
  chunkDelayMs?: number;
  /** Keep the stream open after the chunks until the client goes away. */
  hang?: boolean;
  /** How the stream ends: finish_reason stop (default) or length, then [DONE]; 'none' just closes it. */
  ending?: 'stop' | 'length' | 'none';
  /** Answer with this HTTP status and body instead of a stream. */
  status?: number;
  body?: unknown;
  policyVersion?: string;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

export interface OpenAiStreamServer {
  url: string;
  requests: RecordedRequest[];
  /** Replies for /v1/chat/completions streaming requests, used in order; the last one repeats. */
  script(...replies: ScriptedReply[]): void;
  /** Answers for non-streaming chat requests (the judge's score votes), used in order; the last one repeats. */
  scriptJudge(...contents: Array<string | { status: number; body: unknown }>): void;
  /** Answers for the judge's hint prompts ([HINT_START] in the system message); default \boxed{-1} (no hint). */
  scriptHint(...contents: string[]): void;
  requireToken(token: string | null): void;
  close(): Promise<void>;
}

export async function startOpenAiStreamServer(): Promise<OpenAiStreamServer> {
  let replies: ScriptedReply[] = [{ chunks: ['Hello', ' there'] }];
  let judgeReplies: Array<string | { status: number; body: unknown }> = ['\\boxed{1}'];
  let hintReplies: string[] = ['\\boxed{-1}'];
  let token: string | null = null;
  const requests: RecordedRequest[] = [];
  const open = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      let body: Record<string, unknown> | null = null;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      requests.push({ path, headers: req.headers, body });
      if (path === '/health') return json(res, 200, { status: 'ok' });
      if (token !== null && req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { error: { message: 'bad token' } });
      if (path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'qwen3-4b', object: 'model' }] });
      if (path !== '/v1/chat/completions') return json(res, 404, { error: { message: 'not found' } });
      if (body?.stream !== true) {
        const system = Array.isArray(body?.messages) ? String((body.messages as { content?: unknown }[])[0]?.content ?? '') : '';
        if (system.includes('[HINT_START]')) {
          const hint = hintReplies.length > 1 ? hintReplies.shift()! : hintReplies[0]!;
          return json(res, 200, { id: 'h', model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content: hint }, finish_reason: 'stop' }] });
        }
        const next = judgeReplies.length > 1 ? judgeReplies.shift()! : judgeReplies[0]!;
        if (typeof next !== 'string') return json(res, next.status, next.body);
        return json(res, 200, { id: 'j', model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content: next }, finish_reason: 'stop' }] });
      }
      const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
      void stream(res, reply);
    });
  });

  function json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  }

  async function stream(res: ServerResponse, reply: ScriptedReply): Promise<void> {
    if (reply.status) return json(res, reply.status, reply.body ?? { error: { message: `status ${reply.status}` } });
    const headers: Record<string, string> = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
    if (reply.policyVersion) headers['x-apprentice-policy-version'] = reply.policyVersion;
    res.writeHead(200, headers);
    open.add(res);
    res.on('close', () => open.delete(res));
    for (const thought of reply.reasoning ?? []) {
      res.write(`data: ${JSON.stringify({ id: 'c', model: 'qwen3-4b', choices: [{ index: 0, delta: { content: null, reasoning_content: thought }, finish_reason: null }] })}\n\n`);
    }
    for (const chunk of reply.chunks ?? []) {
      if (reply.chunkDelayMs) await new Promise((r) => setTimeout(r, reply.chunkDelayMs));
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify({ id: 'c', model: 'qwen3-4b', choices: [{ index: 0, delta: { content: chunk }, finish_reason: null }] })}\n\n`);
    }
    if (reply.hang) return;
    if (reply.ending === 'none') return void res.end();
    res.write(`data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: reply.ending ?? 'stop' }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    script: (...r) => {
      replies = r;
    },
    scriptHint: (...r) => {
      hintReplies = r;
    },
    scriptJudge: (...r) => {
      judgeReplies = r;
    },
    requireToken: (t) => {
      token = t;
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
