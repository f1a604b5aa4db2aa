import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createJudge } from '../../../electron/signals';
import { chatCompletionsUrl } from '../../../electron/signals/judge/create-judge';
import type { FollowUpInput } from '../../../electron/signals/types';

const INPUT: FollowUpInput = {
  context: [{ role: 'user', content: 'Give me a pancake recipe.' }],
  assistant: 'Mix 1 cup flour, 1 cup milk, 1 egg. Cook at 375°F.',
  nextUser: 'I use grams and Celsius, please.',
};

interface Seen {
  headers: IncomingMessage['headers'];
  body: { model?: string; temperature?: number; stream?: boolean; messages?: Array<{ role: string; content: string }> };
  kind: 'score' | 'hint';
}

type Responder = (seen: Seen, res: ServerResponse, nth: number) => void;

/** A local OpenAI-compatible judge: answers /v1/chat/completions with scripted replies. */
class FakeJudgeServer {
  readonly seen: Seen[] = [];
  private server: Server | null = null;
  private counts = { score: 0, hint: 0 };

  constructor(private readonly respond: Responder) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
          res.writeHead(404).end('not found');
          return;
        }
        const body = JSON.parse(raw) as Seen['body'];
        const kind = body.messages?.[0]?.content.includes('[HINT_START]') ? 'hint' : 'score';
        const seen = { headers: req.headers, body, kind } as Seen;
        this.seen.push(seen);
        const nth = this.counts[kind]++;
        this.respond(seen, res, nth);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }
}

function completion(content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: 'c1', object: 'chat.completion', model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content, ...extra }, finish_reason: 'stop' }] });
}

function reply(res: ServerResponse, content: string, extra: Record<string, unknown> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(completion(content, extra));
}

let servers: FakeJudgeServer[] = [];
async function serve(respond: Responder): Promise<{ url: string; server: FakeJudgeServer }> {
  const server = new FakeJudgeServer(respond);
  servers.push(server);
  return { url: await server.start(), server };
}

afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

describe('judge endpoint', () => {
  it('endpoint resolution', () => {
    expect(chatCompletionsUrl('http://127.0.0.1:9/v1')).toBe('http://127.0.0.1:9/v1/chat/completions');
    expect(chatCompletionsUrl('http://127.0.0.1:9/v1/')).toBe('http://127.0.0.1:9/v1/chat/completions');
    expect(chatCompletionsUrl('http://127.0.0.1:9')).toBe('http://127.0.0.1:9/v1/chat/completions');
    expect(chatCompletionsUrl('https://h/openai/v1/chat/completions')).toBe('https://h/openai/v1/chat/completions');
    expect(() => chatCompletionsUrl('ftp://h/v1')).toThrow(/http/);
  });
});

describe('createJudge against a local OpenAI-compatible server', () => {
  it('sends m score votes and m hint votes in parallel; majority and longest hint win', async () => {
    const m = 3;
    const held: Array<() => void> = [];
    const scoreReplies = ['The user asks for other units. \\boxed{-1}', 'Hmm \\boxed{1}... no: \\boxed{-1}', 'Fine. \\boxed{1}'];
    const hintReplies = [
      '\\boxed{1} [HINT_START]Use grams.[HINT_END]',
      'Decision: \\boxed{1}\n[HINT_START]Give every amount in grams and every temperature in Celsius.[HINT_END]',
      '\\boxed{-1}',
    ];
    const { url, server } = await serve((seen, res, nth) => {
      // Answer only once all 2m requests are in: sequential voting would time out here.
      held.push(() => reply(res, (seen.kind === 'score' ? scoreReplies : hintReplies)[nth] as string));
      if (held.length === 2 * m) for (const send of held) send();
    });
    const judge = createJudge({ endpoint: url, model: 'qwen3-judge', votes: m, timeoutMs: 20_000, apiKey: 'sekret' });
    const verdict = await judge.judge(INPUT);
    expect(verdict.errors).toEqual([]);
    expect(verdict.score).toBe(-1);
    expect([...verdict.votes].sort()).toEqual([-1, -1, 1].sort());
    expect(verdict.hint).toBe('Give every amount in grams and every temperature in Celsius.');
    expect(server.seen).toHaveLength(2 * m);
    for (const s of server.seen) {
      expect(s.headers.authorization).toBe('Bearer sekret');
      expect(s.body).toMatchObject({ model: 'qwen3-judge', temperature: 0.6, stream: false });
      const user = s.body.messages?.[1]?.content ?? '';
      expect(user).toContain(INPUT.assistant);
      expect(user).toContain(INPUT.nextUser);
    }
    expect(server.seen.filter((s) => s.kind === 'score')).toHaveLength(m);
  });

  it('a tie gives 0', async () => {
    const { url } = await serve((seen, res, nth) => reply(res, seen.kind === 'score' ? (nth === 0 ? '\\boxed{1}' : '\\boxed{-1}') : '\\boxed{-1}'));
    const verdict = await createJudge({ endpoint: url, model: 'j', votes: 2, timeoutMs: 20_000 }).judge(INPUT);
    expect(verdict.score).toBe(0);
    expect(verdict.hint).toBeNull();
  });

  it('garbage replies: not JSON, wrong shape, no boxed score → no valid vote, score 0, errors say why', async () => {
    const { url } = await serve((seen, res, nth) => {
      if (nth === 0) res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops</html>');
      else if (nth === 1) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: 'nope' }));
      else reply(res, 'I think it was good.');
    });
    const verdict = await createJudge({ endpoint: url, model: 'j', votes: 3, timeoutMs: 20_000 }).judge(INPUT);
    expect(verdict.score).toBe(0);
    expect(verdict.votes).toEqual([null, null, null]);
    const text = verdict.errors.join('\n');
    expect(text).toMatch(/not JSON/);
    expect(text).toMatch(/unexpected shape/);
    expect(text).toMatch(/no \\boxed/);
  });

  it('HTTP errors are reported per vote and the valid votes still count', async () => {
    const { url } = await serve((seen, res, nth) => {
      if (seen.kind === 'score' && nth === 0) res.writeHead(500).end('{"error":{"message":"engine overloaded"}}');
      else reply(res, seen.kind === 'score' ? '\\boxed{1}' : '\\boxed{-1}');
    });
    const verdict = await createJudge({ endpoint: url, model: 'j', votes: 3, timeoutMs: 20_000 }).judge(INPUT);
    expect(verdict.score).toBe(1);
    expect(verdict.votes.filter((v) => v === null)).toHaveLength(1);
    expect(verdict.errors.join('\n')).toMatch(/HTTP 500: .*engine overloaded/);
  });

  it('a thinking judge\'s verdict in reasoning_content counts', async () => {
    const { url } = await serve((seen, res) => reply(res, '', { reasoning_content: 'They thanked me. \\boxed{1}' }));
    const verdict = await createJudge({ endpoint: url, model: 'j', votes: 1, timeoutMs: 20_000, hints: false }).judge(INPUT);
    expect(verdict.score).toBe(1);
  });

  it('times out (AbortSignal) without throwing, and reports it', async () => {
    const { url } = await serve(() => {
      /* never answers */
    });
    const verdict = await createJudge({ endpoint: url, model: 'j', votes: 2, timeoutMs: 300 }).judge(INPUT);
    expect(verdict.score).toBe(0);
    expect(verdict.votes).toEqual([null, null]);
    expect(verdict.errors.length).toBe(4);
    expect(verdict.errors.every((e) => e.includes('timed out after 300 ms'))).toBe(true);
  });

  it('a caller abort is reported as aborted', async () => {
    const { url } = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = createJudge({ endpoint: url, model: 'j', votes: 1, timeoutMs: 60_000 }).judge(INPUT, controller.signal);
    controller.abort();
    const verdict = await pending;
    expect(verdict.errors.every((e) => e.endsWith('aborted'))).toBe(true);
  });

  it('connection refused and a bad endpoint are errors, not exceptions', async () => {
    const { url, server } = await serve((seen, res) => reply(res, '\\boxed{1}'));
    await server.stop();
    const refused = await createJudge({ endpoint: url, model: 'j', votes: 2, timeoutMs: 20_000 }).judge(INPUT);
    expect(refused.score).toBe(0);
    expect(refused.errors.every((e) => e.includes('request failed'))).toBe(true);
    const bad = await createJudge({ endpoint: 'not a url', model: 'j', votes: 2, timeoutMs: 1_000 }).judge(INPUT);
    expect(bad.errors[0]).toMatch(/invalid judge endpoint/);
    expect(bad.votes).toEqual([null, null]);
  });

  it('huge inputs are clipped in the prompt', async () => {
    const { url, server } = await serve((seen, res) => reply(res, '\\boxed{0}'));
    const huge = 'word '.repeat(40_000);
    const verdict = await createJudge({ endpoint: url, model: 'j', votes: 1, timeoutMs: 20_000, hints: false }).judge({ ...INPUT, assistant: huge, nextUser: huge });
    expect(verdict.score).toBe(0);
    const user = server.seen[0]?.body.messages?.[1]?.content ?? '';
    expect(user.length).toBeLessThan(20_000);
    expect(user).toContain('characters left out');
  });
});
