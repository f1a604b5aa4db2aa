import { afterEach, describe, expect, it } from 'vitest';
import { CHAT_HEADER_ACCEPT_NOTICES, CHAT_HEADER_POLICY_VERSION, CHAT_HEADER_TURN } from '../../../shared/protocol/chat-headers';
import { ChatLearningNoticeSchema } from '../../../shared/protocol/chat-learning-notice';
import { sseDataEvents } from '../../../shared/protocol/server-sent-events';
import type { Gateway } from '../../../box/gateway/server';
import { authHeaders, startGatewayFixture, type GatewayFixture } from './gateway-fixture';

const NOTICES = { [CHAT_HEADER_ACCEPT_NOTICES]: 'learning' };
const messages = [{ role: 'user', content: 'Say something.' }];

let fixture: GatewayFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

function chat(gateway: Gateway, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), ...headers },
    body: JSON.stringify({ messages, ...body }),
  });
}

/** The stream's events, parsed, as they arrive. */
async function* events(res: Response): AsyncGenerator<Record<string, unknown> | '[DONE]'> {
  const decoder = new TextDecoder();
  async function* text(): AsyncGenerator<string> {
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(bytes, { stream: true });
  }
  for await (const data of sseDataEvents(text())) yield data === '[DONE]' ? data : (JSON.parse(data) as Record<string, unknown>);
}

function chatRequestsAtEngine(f: GatewayFixture): number {
  return f.engine.requests.filter((r) => r.path === '/v1/chat/completions').length;
}

describe('chat during a training step (app requests that accept learning notices)', () => {
  it('waits in the queue with "learning" notices and an estimate, then streams the reply under the new version', async () => {
    fixture = await startGatewayFixture({ weightsNoticeIntervalMs: 50 }, { behaviour: { reply: { kind: 'fixed', text: 'Fresh weights here.' } } });
    const { policy } = fixture.gateway;
    // One finished update teaches the gateway how long updates take.
    policy.beginWeightUpdate();
    await new Promise((r) => setTimeout(r, 300));
    policy.finishWeightUpdate('1');
    policy.beginWeightUpdate();

    const res = await chat(fixture.gateway, { stream: true }, { ...NOTICES, [CHAT_HEADER_TURN]: 'turn-waiting' });
    expect(res.status).toBe(200); // headers at once: the app knows the request is queued, not lost
    expect(res.headers.get(CHAT_HEADER_TURN)).toBe('turn-waiting');
    expect(res.headers.get(CHAT_HEADER_POLICY_VERSION)).toBeNull(); // not known until the update ends
    const seen: Record<string, unknown>[] = [];
    let released = false;
    let text = '';
    for await (const event of events(res)) {
      if (event === '[DONE]') break;
      seen.push(event);
      const notice = ChatLearningNoticeSchema.safeParse(event.apprentice);
      if (notice.success && notice.data.learning && !released) {
        expect(event.choices).toEqual([]); // an ordinary empty chunk to other OpenAI clients
        expect(chatRequestsAtEngine(fixture)).toBe(0);
        if (seen.length >= 3) {
          released = true;
          policy.finishWeightUpdate('2');
        }
      }
      const choices = (event.choices ?? []) as { delta?: { content?: string } }[];
      text += choices.map((c) => c.delta?.content ?? '').join('');
    }
    const learning = seen.map((e) => ChatLearningNoticeSchema.parse(e.apprentice ?? {}).learning).filter((l) => l !== undefined);
    expect(learning.length).toBeGreaterThanOrEqual(3);
    const estimate = learning[0]!.resumeInMs;
    expect(estimate).not.toBeNull();
    expect(estimate!).toBeGreaterThan(0);
    expect(estimate!).toBeLessThanOrEqual(400);
    const versions = seen.map((e) => ChatLearningNoticeSchema.parse(e.apprentice ?? {}).policyVersion).filter(Boolean);
    expect(versions).toEqual(['2']);
    expect(text).toBe('Fresh weights here.');
    expect(fixture.gateway.turnLog.get('turn-waiting')?.policyVersion).toBe('2');
  });

  it('ends the stream with a weights_updating error when the step outlasts the bound, without calling SGLang', async () => {
    fixture = await startGatewayFixture({ weightsNoticeIntervalMs: 40, weightsNoticeWaitMs: 150 });
    fixture.gateway.policy.beginWeightUpdate();
    const res = await chat(fixture.gateway, { stream: true }, NOTICES);
    expect(res.status).toBe(200);
    const all: (Record<string, unknown> | '[DONE]')[] = [];
    for await (const event of events(res)) all.push(event);
    const last = all.at(-1) as { error?: { type: string; message: string; code: number } };
    expect(last.error).toMatchObject({ type: 'weights_updating', code: 503 });
    expect(last.error!.message).toContain('still learning');
    expect(all.filter((e) => e !== '[DONE]' && e.apprentice !== undefined).length).toBeGreaterThanOrEqual(2);
    expect(chatRequestsAtEngine(fixture)).toBe(0);
  });

  it('bounds the queue: past maxWaitingChats a request is refused at once with Retry-After', async () => {
    fixture = await startGatewayFixture({ maxWaitingChats: 1, weightsRetryAfterSeconds: 9 });
    fixture.gateway.policy.beginWeightUpdate();
    const first = await chat(fixture.gateway, { stream: true }, NOTICES);
    expect(first.status).toBe(200);
    const reader = first.body!.getReader();
    await reader.read(); // its first notice: it is in the queue now
    expect(fixture.gateway.policy.waitingRequests).toBe(1);

    const second = await chat(fixture.gateway, { stream: true }, NOTICES);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('9');
    const body = (await second.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('weights_updating');
    expect(body.error.message).toMatch(/learning .* 1 chats already wait/);
    await reader.cancel();
  });

  it('keeps the plain wait-then-503 for clients that did not ask for notices', async () => {
    fixture = await startGatewayFixture({ weightsWaitMs: 80, weightsRetryAfterSeconds: 4 });
    fixture.gateway.policy.beginWeightUpdate();
    const res = await chat(fixture.gateway, { stream: true });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('4');
  });
});
