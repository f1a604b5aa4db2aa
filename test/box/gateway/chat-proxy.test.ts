import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../box/gateway/server';
import type { TurnRecord } from '../../../box/gateway/turn-log';
import { encodeText, expectedTokenLogprob, renderChatTemplate } from '../../support/sglang-test-engine';
import { TEST_TOKEN, authHeaders, startGatewayFixture, type GatewayFixture } from './gateway-fixture';

let fixture: GatewayFixture | null = null;

afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Say something about ünïcödé and 漢字' },
];
const expectedReply = 'You said: Say something about ünïcödé and 漢字';

function nextTurn(gateway: Gateway): Promise<TurnRecord> {
  return new Promise((resolve) => {
    const off = gateway.hooks.on('turnFinished', (turn) => {
      off();
      resolve(turn);
    });
  });
}

function chat(gateway: Gateway, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

function parseSse(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => {
      expect(b.startsWith('data: ')).toBe(true);
      const data = b.slice(6);
      return data === '[DONE]' ? '[DONE]' : JSON.parse(data);
    });
}

const turnHeaders = {
  'x-apprentice-persona': 'persona-a',
  'x-apprentice-conversation': 'conv-a',
  'x-apprentice-turn': 'msg-assistant-1',
};

/** The gateway's default chat_template_kwargs: thinking off, as the training side renders turns. */
const servedKwargs = { enable_thinking: false };

/** The log-probs the engine sampled the reply with, recomputed independently. */
function expectedReplyLogprobs(weightVersion: string): number[] {
  const prompt = encodeText(renderChatTemplate(messages, servedKwargs));
  const reply = encodeText(expectedReply);
  return reply.map((id, i) => expectedTokenLogprob([...prompt, ...reply.slice(0, i)], id, weightVersion));
}

describe('chat proxy: streaming', () => {
  it('streams the reply through, strips logprobs the client did not ask for, and keeps them in the turn log', async () => {
    fixture = await startGatewayFixture({}, { weightVersion: 'policy-v3' });
    const turnDone = nextTurn(fixture.gateway);
    const res = await chat(fixture.gateway, { model: 'qwen', messages, stream: true }, turnHeaders);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-apprentice-policy-version')).toBe('policy-v3');
    expect(res.headers.get('x-apprentice-turn')).toBe('msg-assistant-1');
    const events = parseSse(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as { choices: { delta: { content?: string }; logprobs: unknown; finish_reason: string | null }[]; usage: unknown }[];
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true); // the usage-only chunk was hidden
    expect(chunks.every((c) => c.choices[0]!.logprobs === null && c.usage === null)).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe(expectedReply);

    const upstream = fixture.engine.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(upstream.body).toMatchObject({
      logprobs: true,
      stream: true,
      stream_options: { include_usage: true },
      chat_template_kwargs: servedKwargs,
    });
    expect(upstream.headers.authorization).toBeUndefined(); // the box token never goes upstream

    const turn = await turnDone;
    expect(fixture.gateway.turnLog.get('msg-assistant-1')).toEqual(turn);
    expect(turn).toMatchObject({
      turnId: 'msg-assistant-1',
      personaId: 'persona-a',
      conversationId: 'conv-a',
      status: 'complete',
      responseText: expectedReply,
      finishReason: 'stop',
      policyVersion: 'policy-v3',
      messages,
      error: null,
    });
    expect(turn.promptTokens).toBe(encodeText(renderChatTemplate(messages, servedKwargs)).length);
    expect(Buffer.from(turn.tokens.flatMap((t) => t.bytes!)).toString('utf8')).toBe(expectedReply);
    const expected = expectedReplyLogprobs('policy-v3');
    expect(turn.tokens).toHaveLength(expected.length);
    turn.tokens.forEach((t, i) => expect(t.logprob).toBeCloseTo(expected[i]!, 12));
  });

  it('forwards each chunk as SGLang produces it instead of buffering the reply', async () => {
    fixture = await startGatewayFixture();
    fixture.engine.setBehaviour({ tokenLatencyMs: 100, reply: { kind: 'fixed', text: 'one two three four five six seven eight' } });
    const res = await chat(fixture.gateway, { messages, stream: true });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!seen.includes('"content":"one"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended before the first token');
      seen += decoder.decode(value, { stream: true });
    }
    // The first token reached the client while SGLang was still generating the rest.
    expect(fixture.engine.inFlight()).toBe(1);
    while (!(await reader.read()).done) {
      // drain
    }
  });

  it("keeps a client's own chat_template_kwargs and adds the default only when none came", async () => {
    fixture = await startGatewayFixture();
    const own = { enable_thinking: true, custom_flag: 'x' };
    await (await chat(fixture.gateway, { messages, chat_template_kwargs: own })).json();
    await (await chat(fixture.gateway, { messages })).json();
    const sent = fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ chat_template_kwargs: own });
    expect(sent[1]).toMatchObject({ chat_template_kwargs: servedKwargs });
  });

  it('passes logprobs through when the client asked for them', async () => {
    fixture = await startGatewayFixture();
    const res = await chat(fixture.gateway, { messages, stream: true, logprobs: true, top_logprobs: 2 });
    const chunks = parseSse(await res.text()).slice(0, -1) as { choices: { logprobs: { content: { top_logprobs: unknown[] }[] } | null }[] }[];
    const withLogprobs = chunks.filter((c) => c.choices[0]?.logprobs);
    expect(withLogprobs.length).toBe(encodeText(expectedReply).length);
    expect(withLogprobs[0]!.choices[0]!.logprobs!.content[0]!.top_logprobs).toHaveLength(2);
  });

  it('ends the client stream with an error event when SGLang drops mid-reply, and logs the partial turn', async () => {
    fixture = await startGatewayFixture();
    fixture.engine.setBehaviour({ failure: { kind: 'drop', afterTokens: 3 } });
    const turnDone = nextTurn(fixture.gateway);
    const res = await chat(fixture.gateway, { messages, stream: true }, { 'x-apprentice-turn': 'dropped-turn' });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events).not.toContain('[DONE]');
    expect(events.at(-1)).toMatchObject({ error: { type: 'upstream_error', code: 502, message: expect.stringContaining('mid-reply') } });
    const turn = await turnDone;
    expect(turn.status).toBe('error');
    expect(turn.tokens).toHaveLength(3);
    expect(expectedReply.startsWith(turn.responseText)).toBe(true);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    fixture = await startGatewayFixture();
    fixture.engine.setBehaviour({ tokenLatencyMs: 50, reply: { kind: 'fixed', text: 'word '.repeat(200) } });
    const turnDone = nextTurn(fixture.gateway);
    const controller = new AbortController();
    const res = await chat(fixture.gateway, { messages, stream: true }, { 'x-apprentice-turn': 'left-turn' }, controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    const turn = await turnDone;
    expect(turn.status).toBe('aborted');
    expect(turn.tokens.length).toBeLessThan(200);
    const upstream = fixture.engine.requests.find((r) => r.path === '/v1/chat/completions')!;
    await expect.poll(() => upstream.aborted, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => fixture!.engine.inFlight(), { timeout: 20_000 }).toBe(0);
  });
});

describe('chat proxy: non-streaming and errors', () => {
  it('relays a JSON completion without logprobs and records the turn with them', async () => {
    fixture = await startGatewayFixture({}, { weightVersion: 'v9' });
    const turnDone = nextTurn(fixture.gateway);
    const res = await chat(fixture.gateway, { messages, max_tokens: 4 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { message: { content: string }; logprobs: unknown; finish_reason: string }[]; usage: { completion_tokens: number } };
    expect(body.choices[0]!.logprobs).toBeNull();
    expect(body.choices[0]!.finish_reason).toBe('length');
    const turnId = res.headers.get('x-apprentice-turn')!;
    expect(turnId).toMatch(/^turn-/);
    const turn = await turnDone;
    expect(turn.turnId).toBe(turnId);
    expect(turn.tokens).toHaveLength(4);
    expect(turn.completionTokens).toBe(4);
    expect(turn.responseText).toBe(body.choices[0]!.message.content);
    const expected = expectedReplyLogprobs('v9').slice(0, 4);
    turn.tokens.forEach((t, i) => expect(t.logprob).toBeCloseTo(expected[i]!, 12));
  });

  it('passes SGLang error statuses on in OpenAI error shape and records the failed turn', async () => {
    fixture = await startGatewayFixture();
    fixture.engine.setBehaviour({ failure: { kind: 'http', status: 500, message: 'CUDA out of memory', times: 1 } });
    const turnDone = nextTurn(fixture.gateway);
    const res = await chat(fixture.gateway, { messages, stream: true });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { message: 'SGLang answered 500: CUDA out of memory', type: 'upstream_error', code: 500, param: null },
    });
    expect((await turnDone).status).toBe('error');

    const badRole = await chat(fixture.gateway, { messages: [{ role: 'robot', content: 'beep' }] });
    expect(badRole.status).toBe(400);
    expect(((await badRole.json()) as { error: { message: string } }).error.message).toContain('SGLang answered 400');
  });

  it('answers 502 with a clear message when SGLang is down', async () => {
    fixture = await startGatewayFixture();
    await fixture.engine.close();
    const res = await chat(fixture.gateway, { messages });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('upstream_unavailable');
    expect(body.error.message).toMatch(/unreachable.*ECONNREFUSED/);
    const models = await fetch(`${fixture.gateway.url}/v1/models`, { headers: authHeaders() });
    expect(models.status).toBe(502);
  });

  it('sends SGLang its own api key, and explains a rejected key as a box misconfiguration', async () => {
    fixture = await startGatewayFixture({ sglangApiKey: 'sglang-secret' }, { apiKey: 'sglang-secret' });
    const ok = await chat(fixture.gateway, { messages });
    expect(ok.status).toBe(200);
    expect(fixture.engine.requests.at(-1)!.headers.authorization).toBe('Bearer sglang-secret');
    const models = (await (await fetch(`${fixture.gateway.url}/v1/models`, { headers: authHeaders() })).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe('Qwen/Qwen3-4B');
    // Relayed as SGLang sent it: the fields the app does not read are not stripped on the way.
    expect(models).toMatchObject({ object: 'list', data: [{ owned_by: 'sglang', max_model_len: 40_960 }] });
    await fixture.gateway.close();
    const keyless = await startGateway({ sglangUrl: fixture.engine.url, token: TEST_TOKEN, dataDir: fixture.dataDir, port: 0 }, { log: () => undefined });
    fixture.gateway = keyless;
    const refused = await chat(keyless, { messages });
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('--sglang-api-key');
  });

  it('validates the request: JSON, messages, apprentice headers and size', async () => {
    fixture = await startGatewayFixture({ maxChatBodyBytes: 10_000 });
    const notJson = await chat(fixture.gateway, '{oops');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    expect((await chat(fixture.gateway, { messages: [] })).status).toBe(400);
    expect((await chat(fixture.gateway, { messages }, { 'x-apprentice-turn': 'x'.repeat(300) })).status).toBe(400);
    expect((await chat(fixture.gateway, { messages: [{ role: 'user', content: 'y'.repeat(20_000) }] })).status).toBe(413);
    expect(fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
    const wrongToken = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: authHeaders('some-other-token-123456'),
      body: JSON.stringify({ messages }),
    });
    expect(wrongToken.status).toBe(401);
  });
});

describe('chat proxy: weight updates', () => {
  it('holds chat while weights update, then serves it with the new version', async () => {
    fixture = await startGatewayFixture({ weightsWaitMs: 30_000 });
    fixture.gateway.policy.beginWeightUpdate();
    const pending = chat(fixture.gateway, { messages });
    await expect.poll(() => fixture!.gateway.policy.waitingRequests, { timeout: 20_000 }).toBe(1);
    expect(fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
    fixture.gateway.policy.finishWeightUpdate('v-after-step-1');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('x-apprentice-policy-version')).toBe('v-after-step-1');
  });

  it('answers 503 with Retry-After and a JSON reason when the update outlasts the wait', async () => {
    fixture = await startGatewayFixture({ weightsWaitMs: 100, weightsRetryAfterSeconds: 7 });
    fixture.gateway.policy.beginWeightUpdate();
    const res = await chat(fixture.gateway, { messages });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('weights_updating');
    expect(body.error.message).toContain('weights');
    expect(fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
  });
});
