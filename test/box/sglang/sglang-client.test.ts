import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SglangClient, SglangResponseError, SglangUnreachableError } from '../../../box/sglang/sglang-client';
import { encodeText, expectedTokenLogprob, startSglangTestEngine, type SglangTestEngine } from '../../support/sglang-test-engine';

let engine: SglangTestEngine;
let client: SglangClient;

beforeAll(async () => {
  engine = await startSglangTestEngine({ apiKey: 'engine-key', weightVersion: 'w1' });
  client = new SglangClient({ url: `${engine.url}/`, apiKey: 'engine-key' });
});
afterAll(async () => {
  await engine.close();
});

describe('SglangClient', () => {
  it('reads health, model info, server info and models with the api key', async () => {
    expect(await client.health()).toBe(true);
    expect(await client.getModelInfo()).toMatchObject({ model_path: 'Qwen/Qwen3-4B', weight_version: 'w1' });
    expect((await client.getServerInfo()).version).toContain('test-engine');
    expect((await client.listModels()).data[0]!.id).toBe('Qwen/Qwen3-4B');
    expect(engine.requests.at(-1)!.headers.authorization).toBe('Bearer engine-key');
  });

  it('scores tokens with /generate and returns validated triples', async () => {
    const ids = encodeText('score these tokens please');
    const res = await client.generate({ input_ids: ids, sampling_params: { max_new_tokens: 0 }, return_logprob: true, logprob_start_len: 0 });
    const input = res.meta_info.input_token_logprobs!;
    expect(input[0]![0]).toBeNull();
    expect(input[2]![0]).toBeCloseTo(expectedTokenLogprob(ids.slice(0, 2), ids[2]!, 'w1'), 12);
    await expect(client.generate({ sampling_params: {} })).rejects.toThrow(/exactly one of text or input_ids/);
  });

  it('updates weights, pauses, continues and flushes', async () => {
    await client.pauseGeneration('in_place');
    await client.continueGeneration();
    await client.flushCache();
    expect(await client.updateWeightsFromDisk({ model_path: '/ckpt/2', weight_version: 'w2' })).toMatchObject({ success: true });
    expect((await client.getModelInfo()).weight_version).toBe('w2');
  });

  it('separates "unreachable" from "answered with an error"', async () => {
    const keyless = new SglangClient({ url: engine.url });
    await expect(keyless.getModelInfo()).rejects.toMatchObject({ name: 'SglangResponseError', status: 401 });
    await expect(
      client.generate({ input_ids: [], sampling_params: { max_new_tokens: 1 } }),
    ).rejects.toBeInstanceOf(SglangResponseError);
    const down = new SglangClient({ url: 'http://127.0.0.1:1', controlTimeoutMs: 5_000 });
    await expect(down.getModelInfo()).rejects.toBeInstanceOf(SglangUnreachableError);
    expect(await down.health()).toBe(false);
  });
});
