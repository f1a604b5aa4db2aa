import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeHttpError, PolicyError } from '../../../electron/policy/policy-error';
import { streamChatCompletion } from '../../../electron/policy/stream-chat-completion';

/** How a reply stream ends decides what the app may claim about it: complete, cut off, or at the token limit. */

const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
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

const event = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const text = (content: string) => event({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
const finish = (reason: string) => event({ choices: [{ index: 0, delta: {}, finish_reason: reason }] });
const base = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0, maxTokens: 16 };

function sse(res: ServerResponse, ...events: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const e of events) res.write(e);
  res.end();
}

describe('stream endings', () => {
  it('marks a stream that closes with neither finish_reason nor [DONE] as cut off, keeping its text', async () => {
    const endpoint = await serve((_req, res) => sse(res, text('The capital is'), text(' Can')));
    const result = await streamChatCompletion({ ...base, endpoint }, () => {});
    expect(result).toMatchObject({ content: 'The capital is Can', cutOff: true, finishReason: null, aborted: false });
  });

  it('a finish_reason alone, or [DONE] alone, is a finished reply', async () => {
    const reasonOnly = await serve((_req, res) => sse(res, text('Hi'), finish('stop')));
    expect(await streamChatCompletion({ ...base, endpoint: reasonOnly }, () => {})).toMatchObject({ cutOff: false, finishReason: 'stop' });
    const doneOnly = await serve((_req, res) => sse(res, text('Hi'), 'data: [DONE]\n\n'));
    expect(await streamChatCompletion({ ...base, endpoint: doneOnly }, () => {})).toMatchObject({ cutOff: false, finishReason: null });
  });

  it('reports finish_reason length (the token limit) as such, not as cut off', async () => {
    const endpoint = await serve((_req, res) => sse(res, text('one two'), finish('length'), 'data: [DONE]\n\n'));
    expect(await streamChatCompletion({ ...base, endpoint }, () => {})).toMatchObject({ cutOff: false, finishReason: 'length' });
  });

  it('a reply the caller stopped is "aborted", not cut off', async () => {
    const controller = new AbortController();
    const endpoint = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(text('partial'));
      // Never ends on its own.
    });
    const result = await streamChatCompletion({ ...base, endpoint, signal: controller.signal }, () => controller.abort());
    expect(result).toMatchObject({ aborted: true, cutOff: false, content: 'partial' });
  });

  it('summarises an nginx 502 page instead of dumping its HTML into the message', async () => {
    const page = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';
    const endpoint = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(page);
    });
    const error = (await streamChatCompletion({ ...base, endpoint }, () => {}).catch((e: unknown) => e)) as PolicyError;
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.message).toBe(`${endpoint}/chat/completions answered 502 Bad Gateway: an HTML page (502 Bad Gateway).`);
    expect(error.message).not.toMatch(/<|nginx\/1/);
  });

  it('names an HTML page that answers with 200 in place of a stream (wrong URL, login page)', async () => {
    const endpoint = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Sign in &amp; continue</title></head><body><script>x()</script></body></html>');
    });
    const error = (await streamChatCompletion({ ...base, endpoint }, () => {}).catch((e: unknown) => e)) as PolicyError;
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('an HTML page (Sign in & continue) instead of a reply stream');
  });

  it('a 401 says which credential was refused: the API key of a direct endpoint, or the box token', async () => {
    const endpoint = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Unauthorized' }));
    });
    const direct = (await streamChatCompletion({ ...base, endpoint, apiKey: 'sk-wrong' }, () => {}).catch((e: unknown) => e)) as PolicyError;
    expect(direct.message).toContain('The server refused the API key');
    expect(direct.message).not.toContain('box');
    const box = (await streamChatCompletion({ ...base, endpoint, apiKey: 'tok', credential: 'box_token' }, () => {}).catch((e: unknown) => e)) as PolicyError;
    expect(box.message).toContain('The box refused the token');
    expect(describeHttpError(403, 'Forbidden', '', 'http://h/v1/models', 'api_key', false).message).toContain('needs an API key');
  });
});
