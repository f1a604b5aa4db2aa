import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeText,
  eosTokenId,
  expectedTokenLogprob,
  renderChatTemplate,
  startSglangTestEngine,
  tokenBytes,
  type SglangTestEngine,
} from '../../support/sglang-test-engine';

/** Contract tests: the stand-in must keep SGLang's shapes, or everything tested against it lies. */

let engine: SglangTestEngine;

beforeAll(async () => {
  engine = await startSglangTestEngine({ weightVersion: 'v-test' });
});
afterAll(async () => {
  await engine.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${engine.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function sseDataLines(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return block.slice('data: '.length);
    });
}

describe('SGLang test engine: /generate', () => {
  it('scores prompt tokens with a leading null and aligns input_token_logprobs to input_ids[logprob_start_len:]', async () => {
    const ids = encodeText('The quick brown fox jumps over the lazy dog');
    const start = 3;
    const res = await post('/generate', {
      input_ids: ids,
      sampling_params: { max_new_tokens: 0 },
      return_logprob: true,
      logprob_start_len: start,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string; meta_info: Record<string, any> };
    expect(body.text).toBe('');
    const meta = body.meta_info;
    expect(meta.completion_tokens).toBe(0);
    expect(meta.prompt_tokens).toBe(ids.length);
    expect(meta.output_token_logprobs).toEqual([]);
    const input = meta.input_token_logprobs as [number | null, number, string | null][];
    expect(input).toHaveLength(ids.length - start);
    expect(input[0]).toEqual([null, ids[start], null]);
    for (let k = 1; k < input.length; k++) {
      const position = start + k;
      expect(input[k]![1]).toBe(ids[position]);
      expect(input[k]![0]).toBeCloseTo(expectedTokenLogprob(ids.slice(0, position), ids[position]!, 'v-test'), 12);
    }
  });

  it('reproduces the sampled log-probs when scoring prompt+response, and returns [logprob, id, text] triples', async () => {
    const sampled = await post('/generate', {
      text: 'Tell me a story.',
      sampling_params: { max_new_tokens: 6, temperature: 0 },
      return_logprob: true,
      return_text_in_logprobs: true,
    });
    const s = (await sampled.json()) as { text: string; meta_info: Record<string, any> };
    const promptIds = encodeText('Tell me a story.');
    const out = s.meta_info.output_token_logprobs as [number, number, string][];
    expect(out).toHaveLength(6);
    expect(s.meta_info.finish_reason).toEqual({ type: 'length', length: 6 });
    expect(out.map((t) => t[2]).join('')).toBe(s.text);
    // logprob_start_len -1 (default): SGLang starts at the last prompt token, whose entry is null.
    expect(s.meta_info.input_token_logprobs).toEqual([[null, promptIds.at(-1), expect.any(String)]]);

    const responseIds = out.map((t) => t[1]);
    const all = [...promptIds, ...responseIds];
    const scored = await post('/generate', {
      input_ids: all,
      sampling_params: { max_new_tokens: 0 },
      return_logprob: true,
      logprob_start_len: promptIds.length - 1,
    });
    const sc = (await scored.json()) as { meta_info: Record<string, any> };
    const input = sc.meta_info.input_token_logprobs as [number | null, number, null][];
    expect(input[0]![0]).toBeNull();
    expect(input.slice(1).map((t) => t[0])).toEqual(out.map((t) => t[0]));
  });

  it('ends a natural reply with EOS (counted, in logprobs, not in text) and honours stop strings', async () => {
    engine.setBehaviour({ reply: { kind: 'fixed', text: 'alpha beta. gamma' } });
    try {
      const natural = (await (await post('/generate', { text: 'x', return_logprob: true })).json()) as any;
      expect(natural.text).toBe('alpha beta. gamma');
      expect(natural.meta_info.finish_reason).toEqual({ type: 'stop', matched: eosTokenId() });
      expect(natural.meta_info.output_token_logprobs.at(-1)[1]).toBe(eosTokenId());
      expect(natural.meta_info.completion_tokens).toBe(encodeText('alpha beta. gamma').length + 1);

      const stopped = (await (await post('/generate', { text: 'x', sampling_params: { stop: ['.'] } })).json()) as any;
      expect(stopped.text).toBe('alpha beta');
      expect(stopped.meta_info.finish_reason).toEqual({ type: 'stop', matched: '.' });
    } finally {
      engine.setBehaviour({ reply: { kind: 'echo' } });
    }
  });

  it('rejects both or neither of text and input_ids with 400', async () => {
    expect((await post('/generate', { text: 'a', input_ids: [1] })).status).toBe(400);
    expect((await post('/generate', { sampling_params: {} })).status).toBe(400);
  });

  it('streams data: lines with cumulative text, then data: [DONE]', async () => {
    const res = await post('/generate', { text: 'hello', stream: true, sampling_params: { max_new_tokens: 4 } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const lines = sseDataLines(await res.text());
    expect(lines.at(-1)).toBe('[DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l) as { text: string; meta_info: any });
    expect(chunks).toHaveLength(4);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.text.startsWith(chunks[i - 1]!.text)).toBe(true);
    expect(chunks.at(-1)!.meta_info.finish_reason).toEqual({ type: 'length', length: 4 });
    expect(chunks[0]!.meta_info.finish_reason).toBeNull();
  });
});

describe('SGLang test engine: /v1/chat/completions', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Grüße, 世界' },
  ];

  it('renders the real chat template, echoes deterministically and reports logprobs.content entries', async () => {
    const res = await post('/v1/chat/completions', { model: 'm', messages, logprobs: true, top_logprobs: 2 });
    const body = (await res.json()) as any;
    const choice = body.choices[0];
    expect(body.object).toBe('chat.completion');
    expect(choice.message).toMatchObject({ role: 'assistant', content: 'You said: Grüße, 世界' });
    expect(choice.finish_reason).toBe('stop');
    const promptIds = encodeText(renderChatTemplate(messages));
    expect(body.usage.prompt_tokens).toBe(promptIds.length);
    const replyIds = encodeText('You said: Grüße, 世界');
    const entries = choice.logprobs.content as { token: string; bytes: number[]; logprob: number; top_logprobs: unknown[] }[];
    expect(entries).toHaveLength(replyIds.length);
    const bytes = entries.flatMap((e) => e.bytes);
    expect(Buffer.from(bytes).toString('utf8')).toBe('You said: Grüße, 世界');
    entries.forEach((e, i) => {
      expect(e.bytes).toEqual(tokenBytes(replyIds[i]!));
      expect(e.logprob).toBeCloseTo(expectedTokenLogprob([...promptIds, ...replyIds.slice(0, i)], replyIds[i]!, 'v-test'), 12);
      expect(e.top_logprobs).toHaveLength(2);
    });
    expect(body.usage.completion_tokens).toBe(replyIds.length + 1); // + EOS
  });

  it('streams OpenAI chunks (role first, content deltas with logprobs, finish chunk) then [DONE]', async () => {
    const res = await post('/v1/chat/completions', { messages, stream: true, logprobs: true, stream_options: { include_usage: true } });
    const lines = sseDataLines(await res.text());
    expect(lines.at(-1)).toBe('[DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l) as any);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const contentChunks = chunks.filter((c) => c.choices[0]?.delta?.content);
    expect(contentChunks.map((c) => c.choices[0].delta.content).join('')).toBe('You said: Grüße, 世界');
    for (const c of contentChunks) expect(c.choices[0].logprobs.content).toHaveLength(1);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage.completion_tokens).toBeGreaterThan(0);
  });

  it('returns logprobs: null when not asked, and finish_reason length at max_tokens', async () => {
    const body = (await (await post('/v1/chat/completions', { messages, max_tokens: 2 })).json()) as any;
    expect(body.choices[0].logprobs).toBeNull();
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(2);
  });

  it('injects HTTP failures for a number of requests and drops streams mid-way', async () => {
    engine.setBehaviour({ failure: { kind: 'http', status: 500, message: 'boom', times: 1 } });
    const failed = await post('/v1/chat/completions', { messages });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ object: 'error', message: 'boom', code: 500 });
    expect((await post('/v1/chat/completions', { messages })).status).toBe(200);

    engine.setBehaviour({ failure: { kind: 'drop', afterTokens: 2, times: 1 } });
    const dropped = await post('/v1/chat/completions', { messages, stream: true });
    await expect(dropped.text()).rejects.toThrow();
  });
});

describe('SGLang test engine: control routes and auth', () => {
  it('answers 503 on /health while starting and Bearer-guards everything else with --api-key', async () => {
    const guarded = await startSglangTestEngine({ apiKey: 'sekret', startupMs: 60_000 });
    try {
      expect((await fetch(`${guarded.url}/health`)).status).toBe(503);
      expect((await fetch(`${guarded.url}/get_model_info`)).status).toBe(401);
      const ok = await fetch(`${guarded.url}/get_model_info`, { headers: { authorization: 'Bearer sekret' } });
      expect(ok.status).toBe(200);
      guarded.setBehaviour({ health: 'ready' });
      expect((await fetch(`${guarded.url}/health`)).status).toBe(503); // startupMs still running
    } finally {
      await guarded.close();
    }
  });

  it('updates weight_version from disk and changes log-probs with it', async () => {
    const before = (await (await fetch(`${engine.url}/get_model_info`)).json()) as any;
    expect(before.weight_version).toBe('v-test');
    const update = await post('/update_weights_from_disk', { model_path: '/ckpt/step-1', weight_version: 'v-next' });
    expect(await update.json()).toMatchObject({ success: true });
    const after = (await (await fetch(`${engine.url}/get_model_info`)).json()) as any;
    expect(after).toMatchObject({ weight_version: 'v-next', model_path: '/ckpt/step-1' });
    const ids = encodeText('abc def');
    const scored = (await (
      await post('/generate', { input_ids: ids, sampling_params: { max_new_tokens: 0 }, return_logprob: true, logprob_start_len: 0 })
    ).json()) as any;
    expect(scored.meta_info.input_token_logprobs[1][0]).toBeCloseTo(expectedTokenLogprob(ids.slice(0, 1), ids[1]!, 'v-next'), 12);
    await post('/update_weights_from_disk', { model_path: 'Qwen/Qwen3-4B', weight_version: 'v-test' });
  });

  it('holds new requests while paused and releases them on continue', async () => {
    expect((await post('/pause_generation', { mode: 'in_place' })).status).toBe(200);
    let settled = false;
    const pending = post('/generate', { text: 'x', sampling_params: { max_new_tokens: 1 } }).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    await post('/continue_generation', {});
    expect((await pending).status).toBe(200);
    expect((await post('/flush_cache', {})).status).toBe(200);
    const models = (await (await fetch(`${engine.url}/v1/models`)).json()) as any;
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'sglang' });
  });
});

describe('SGLang test engine: temperature-scaled log-probs of sampled tokens', () => {
  async function sampledLogprobs(target: SglangTestEngine, temperature: number | undefined): Promise<{ ids: number[]; logprobs: number[]; chat: number[] }> {
    const prompt = encodeText('Count to three.');
    const gen = await fetch(`${target.url}/generate`, {
      method: 'POST',
      body: JSON.stringify({ input_ids: prompt, sampling_params: { max_new_tokens: 4, temperature }, return_logprob: true }),
    });
    const triples = ((await gen.json()) as { meta_info: { output_token_logprobs: [number, number, null][] } }).meta_info.output_token_logprobs;
    const chat = await fetch(`${target.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Count to three.' }], logprobs: true, max_tokens: 3, temperature }),
    });
    const content = ((await chat.json()) as { choices: { logprobs: { content: { logprob: number }[] } }[] }).choices[0]!.logprobs.content;
    return { ids: [...prompt, ...triples.map((t) => t[1])], logprobs: triples.map((t) => t[0]), chat: content.map((c) => c.logprob) };
  }

  it('scales by 1/T like SGLang by default, and reports raw ones in original-logprob mode or at T = 1', async () => {
    const original = await startSglangTestEngine({ weightVersion: 'v-test', returnOriginalLogprob: true });
    try {
      const scaled = await sampledLogprobs(engine, 0.5);
      const raw = await sampledLogprobs(original, 0.5);
      const atOne = await sampledLogprobs(engine, 1);
      const prompt = encodeText('Count to three.');
      const rawExpected = raw.logprobs.map((_, i) => expectedTokenLogprob(raw.ids.slice(0, prompt.length + i), raw.ids[prompt.length + i]!, 'v-test'));
      expect(raw.logprobs).toEqual(rawExpected);
      expect(atOne.logprobs).toEqual(rawExpected);
      expect(scaled.logprobs).toEqual(rawExpected.map((lp) => lp / 0.5));
      expect(scaled.chat).toEqual(raw.chat.map((lp) => lp / 0.5));
    } finally {
      await original.close();
    }
  });
});
