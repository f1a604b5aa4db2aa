import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyError } from '../../../electron/policy/policy-error';
import { DEFAULT_CONNECT_TIMEOUT_MS, streamChatCompletion } from '../../../electron/policy/stream-chat-completion';
import { GatewayConfigSchema } from '../../../box/gateway/gateway-config';
import { startGatewayFixture, TEST_TOKEN, type GatewayFixture } from '../../box/gateway/gateway-fixture';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const servers: Server[] = [];

async function startServer(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

function chunk(content: string, extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ id: 'c1', model: 'qwen', choices: [{ index: 0, delta: { content }, finish_reason: null }], ...extra })}\n\n`;
}

const base = { model: 'qwen', messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0.7, maxTokens: 64 };

describe('streamChatCompletion', () => {
  it('keeps reasoning the server sends apart (reasoning_content) out of the answer, streamed or whole', async () => {
    const thought = (text: string) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: text } }] })}\n\n`;
    const endpoint = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(thought('The capital… '));
      res.write(thought('not Sydney.'));
      res.write(chunk('Canberra.'));
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
    const deltas: string[] = [];
    const thoughts: string[] = [];
    const result = await streamChatCompletion({ ...base, endpoint, onReasoning: (t) => thoughts.push(t) }, (d) => deltas.push(d));
    expect(thoughts).toEqual(['The capital… ', 'not Sydney.']);
    expect(deltas).toEqual(['Canberra.']);
    expect(result).toMatchObject({ content: 'Canberra.', reasoning: 'The capital… not Sydney.', finishReason: 'stop' });

    // A server that answers with one whole completion instead of a stream.
    const whole = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'Canberra.', reasoning_content: 'Not Sydney.' }, finish_reason: 'stop' }] }));
    });
    const wholeThoughts: string[] = [];
    const answered = await streamChatCompletion({ ...base, endpoint: whole, onReasoning: (t) => wholeThoughts.push(t) }, () => undefined);
    expect(answered).toMatchObject({ content: 'Canberra.', reasoning: 'Not Sydney.' });
    expect(wholeThoughts).toEqual(['Not Sydney.']);
  });

  it('streams deltas, sends auth + apprentice headers, reads the policy version header', async () => {
    let seen: { headers: IncomingMessage['headers']; body: Record<string, unknown>; url: string } | null = null;
    const endpoint = await startServer((req, body, res) => {
      seen = { headers: req.headers, body: JSON.parse(body) as Record<string, unknown>, url: req.url ?? '' };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-apprentice-policy-version': 'v7' });
      // Split one event across writes and use CRLF to exercise the parser.
      res.write(chunk('Hel'));
      res.write('data: {"choices":[{"index":0,"delta":{"content":"lo"}}]}\r');
      res.write('\n\r\n: keep-alive comment\n\n');
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
    const deltas: string[] = [];
    const result = await streamChatCompletion(
      { ...base, endpoint, apiKey: 'sekret', turn: { personaId: 'p1', conversationId: 'c1', turnId: 't1' } },
      (d) => deltas.push(d),
    );
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(result).toMatchObject({ content: 'Hello', aborted: false, finishReason: 'stop', policyVersion: 'v7', model: 'qwen' });
    expect(seen!.url).toBe('/v1/chat/completions');
    expect(seen!.headers.authorization).toBe('Bearer sekret');
    expect(seen!.headers['x-apprentice-persona']).toBe('p1');
    expect(seen!.headers['x-apprentice-conversation']).toBe('c1');
    expect(seen!.headers['x-apprentice-turn']).toBe('t1');
    expect(seen!.body).toMatchObject({ model: 'qwen', stream: true, temperature: 0.7, max_tokens: 64 });
  });

  it('asks the box for learning notices, reports them, and takes the version the notice names', async () => {
    let accept: string | string[] | undefined;
    const endpoint = await startServer((req, _body, res) => {
      accept = req.headers['x-apprentice-accept-notices'];
      res.writeHead(200, { 'content-type': 'text/event-stream' }); // no version header: sent before the update ended
      res.write(`data: ${JSON.stringify({ id: 'w', choices: [], apprentice: { learning: { resumeInMs: 42_000 } } })}\n\n`);
      res.write(`data: ${JSON.stringify({ id: 'w', choices: [], apprentice: { learning: { resumeInMs: null } } })}\n\n`);
      res.write(`data: ${JSON.stringify({ id: 'w', choices: [], apprentice: { policyVersion: '12' } })}\n\n`);
      res.write(chunk('Back.'));
      res.end('data: [DONE]\n\n');
    });
    const learning: Array<number | null> = [];
    const result = await streamChatCompletion(
      { ...base, endpoint, turn: { personaId: 'p1', conversationId: 'c1', turnId: 't1' }, onLearning: (ms) => learning.push(ms) },
      () => undefined,
    );
    expect(accept).toBe('learning');
    expect(learning).toEqual([42_000, null]);
    expect(result).toMatchObject({ content: 'Back.', policyVersion: '12' });
  });

  it('treats a reply the server aborted midway as failed, keeping the text that arrived', async () => {
    const endpoint = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('Half a '));
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'abort' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
    const deltas: string[] = [];
    const error = await streamChatCompletion({ ...base, endpoint }, (d) => deltas.push(d)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toContain('stopped this reply midway');
    expect(deltas).toEqual(['Half a ']);
  });

  it('sends no authorization header without a key and handles a non-streaming JSON reply', async () => {
    let auth: string | undefined = 'unset';
    const endpoint = await startServer((req, _b, res) => {
      auth = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ model: 'm', choices: [{ message: { role: 'assistant', content: 'whole' }, finish_reason: 'length' }] }));
    });
    const deltas: string[] = [];
    const result = await streamChatCompletion({ ...base, endpoint }, (d) => deltas.push(d));
    expect(auth).toBeUndefined();
    expect(deltas).toEqual(['whole']);
    expect(result.finishReason).toBe('length');
  });

  it('reports HTTP errors with the server message', async () => {
    const endpoint = await startServer((_r, _b, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'invalid api key' } }));
    });
    const error = await streamChatCompletion({ ...base, endpoint }, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).kind).toBe('http');
    expect((error as PolicyError).status).toBe(401);
    expect((error as PolicyError).message).toContain('invalid api key');
    // No key was sent to this (non-box) endpoint: the fix is an API key, not the box token.
    expect((error as PolicyError).message).toContain('needs an API key');
  });

  it('rejects a chunk that is not JSON, keeping the text that arrived before', async () => {
    const endpoint = await startServer((_r, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('ok '));
      res.end('data: {not json\n\n');
    });
    const deltas: string[] = [];
    const error = await streamChatCompletion({ ...base, endpoint }, (d) => deltas.push(d)).catch((e: unknown) => e);
    expect((error as PolicyError).kind).toBe('bad_response');
    expect((error as PolicyError).message).toMatch(/not JSON/);
    expect(deltas).toEqual(['ok ']);
  });

  it('surfaces an error object sent inside the stream', async () => {
    const endpoint = await startServer((_r, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ error: { message: 'out of memory' } })}\n\n`);
    });
    const error = await streamChatCompletion({ ...base, endpoint }, () => {}).catch((e: unknown) => e);
    expect((error as PolicyError).kind).toBe('upstream');
    expect((error as PolicyError).message).toContain('out of memory');
  });

  it('says connection refused when nothing listens', async () => {
    const endpoint = await startServer(() => {});
    const port = new URL(endpoint).port;
    const s = servers.pop()!;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const error = await streamChatCompletion({ ...base, endpoint: `http://127.0.0.1:${port}/v1` }, () => {}).catch((e: unknown) => e);
    expect((error as PolicyError).kind).toBe('connection');
    expect((error as PolicyError).message).toMatch(/connection refused/);
  });

  it('times out when the stream goes idle', async () => {
    const endpoint = await startServer((_r, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('partial'));
      // …and then nothing more.
    });
    const error = await streamChatCompletion({ ...base, endpoint, idleTimeoutMs: 300 }, () => {}).catch((e: unknown) => e);
    expect((error as PolicyError).kind).toBe('timeout');
    expect((error as PolicyError).message).toMatch(/stopped sending/);
  });

  it('returns what arrived when the caller aborts', async () => {
    const endpoint = await startServer((_r, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first '));
    });
    const controller = new AbortController();
    const result = await streamChatCompletion({ ...base, endpoint, signal: controller.signal }, () => controller.abort());
    expect(result.aborted).toBe(true);
    expect(result.content).toBe('first ');
  });
});

describe('streamChatCompletion against the box gateway during a weight update', () => {
  let fixture: GatewayFixture | null = null;
  afterEach(async () => {
    await fixture?.close();
    fixture = null;
  });

  it('waits longer by default than the gateway holds a chat request, so the gateway explains first', () => {
    const gatewayWaitMs = GatewayConfigSchema.parse({ sglangUrl: 'http://127.0.0.1:1', token: TEST_TOKEN, dataDir: '/tmp/x' }).weightsWaitMs;
    // Room for the gateway's answer to travel and for a slow SGLang check after the wait.
    expect(DEFAULT_CONNECT_TIMEOUT_MS - gatewayWaitMs).toBeGreaterThanOrEqual(30_000);
  });

  it("surfaces the gateway's 503 message verbatim when the update outlasts its wait", async () => {
    fixture = await startGatewayFixture({ weightsWaitMs: 200, weightsRetryAfterSeconds: 12 });
    fixture.gateway.policy.beginWeightUpdate();
    const error = await streamChatCompletion(
      { ...base, endpoint: `${fixture.gateway.url}/v1`, apiKey: TEST_TOKEN, connectTimeoutMs: 20_000 },
      () => undefined,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toMatchObject({ kind: 'http', status: 503 });
    expect((error as PolicyError).message).toContain(
      ': The box is loading new policy weights after a training step; retry in about 12 s.',
    );
    expect((error as PolicyError).message).not.toContain('s..');
  });
});
