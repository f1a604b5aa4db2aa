import { afterEach, describe, expect, it } from 'vitest';
import { TRAINER_REPORT_PATH } from '../../../shared/protocol/trainer-api';
import { createTrainingPlugin } from '../../../box/training/training-plugin';
import { TestStreamClient, authHeaders, makeSample, startGatewayFixture, type GatewayFixture } from './gateway-fixture';

/** Input an attacker with the box token (or a buggy client) might send: it must get a clear 4xx and change nothing. */

let fixture: GatewayFixture | null = null;
const clients: TestStreamClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await fixture?.close();
  fixture = null;
});

function nested(depth: number): string {
  return `{"model":"m","messages":[{"role":"user","content":"hi"}],"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

describe('box gateway: deeply nested JSON bodies', () => {
  it('answers a chat body nested 20,000 levels deep with a 400 that names the nesting, and still serves chat', async () => {
    fixture = await startGatewayFixture();
    const res = await fetch(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: nested(20_000) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/nest/i);
    expect(body.error.message).not.toMatch(/unreachable/i);

    const ok = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: authHeaders(),
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(ok.status).toBe(200);
  });

  it('accepts ordinary nesting (tool schemas a few levels deep) and brackets inside strings', async () => {
    fixture = await startGatewayFixture();
    const body = {
      model: 'm',
      messages: [{ role: 'user', content: `${'['.repeat(5_000)} and {{{{ "quoted \\" [" }` }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'array', items: { type: 'object', properties: { b: { type: 'string' } } } } } } } }],
    };
    const res = await fetch(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  });

  it('answers a deeply nested trainer API body with a 400 as well', async () => {
    fixture = await startGatewayFixture({}, {}, { plugins: [createTrainingPlugin()] });
    const res = await fetch(`${fixture.gateway.url}${TRAINER_REPORT_PATH}`, {
      method: 'POST',
      headers: authHeaders(),
      body: `{"step":1,"metrics":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/nest/i);
  });
});

describe('box stream: ids with lone surrogates', () => {
  it('refuses a sample whose id is not well-formed Unicode, stores nothing, and keeps the connection', async () => {
    fixture = await startGatewayFixture();
    const client = await TestStreamClient.connect(fixture.gateway);
    clients.push(client);
    client.hello();
    await client.waitForFrames(1);
    client.send({ type: 'sample', sample: makeSample({ sampleId: 'sample-\ud800' }) });
    client.send({ type: 'sample', sample: makeSample({ sampleId: 'ok-id-1', personaId: 'persona-\udfff' }) });
    const good = makeSample();
    client.send({ type: 'sample', sample: good });
    const frames = (await client.waitForFrames(4)).slice(1);
    expect(frames[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/surrogate[\s\S]*sample\.sampleId/) });
    expect(frames[1]).toMatchObject({ type: 'reject', sampleId: 'ok-id-1', error: expect.stringMatching(/surrogate[\s\S]*sample\.personaId/) });
    expect(frames[2]).toEqual({ type: 'ack', sampleId: good.sampleId, duplicate: false });
    expect(fixture.gateway.sampleLog.count()).toBe(1);
    expect(fixture.gateway.sampleLog.get('sample-\ufffd')).toBeNull();
  });
});
