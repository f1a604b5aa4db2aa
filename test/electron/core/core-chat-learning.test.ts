import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { startGatewayFixture, TEST_TOKEN, type GatewayFixture } from '../../box/gateway/gateway-fixture';
import { startCore, type CoreHarness } from './core-test-kit';

/** The core chatting through a real box gateway while the box trains a step. */
let fixture: GatewayFixture | null = null;
let h: CoreHarness | null = null;
afterEach(async () => {
  await h?.dispose();
  await fixture?.close();
  h = null;
  fixture = null;
});

describe('core: a reply sent while the box trains a step', () => {
  it('tells the renderer it is waiting (with the estimate), then streams the reply under the new version', async () => {
    fixture = await startGatewayFixture({ weightsNoticeIntervalMs: 50 }, { behaviour: { reply: { kind: 'fixed', text: 'Learned and back.' } } });
    h = await startCore();
    await h.invoke('settings:update', { box: { url: fixture.gateway.url } });
    await h.invoke('settings:setBoxToken', { token: TEST_TOKEN });
    const persona = await h.invoke('personas:create', { name: 'Tutor', systemPrompt: 'Be brief.' });
    const conversation = await h.invoke('conversations:create', { personaId: persona.id });

    const { policy } = fixture.gateway;
    policy.beginWeightUpdate(); // one finished update gives the gateway an estimate
    await new Promise((r) => setTimeout(r, 3_000));
    policy.finishWeightUpdate('1');
    policy.beginWeightUpdate();
    const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'Still there?' });

    const waiting = await h.waitFor('chat:waiting', (w) => w.messageId === sent.assistantMessage.id);
    expect(waiting.conversationId).toBe(conversation.id);
    expect(waiting.resumeInMs).not.toBeNull();
    expect(waiting.resumeInMs!).toBeLessThanOrEqual(3_000);
    expect(fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);

    policy.finishWeightUpdate('2');
    const done = (await h.waitFor('chat:message', (m) => m.id === sent.assistantMessage.id && m.status !== 'streaming')) as Message;
    expect(done).toMatchObject({ status: 'complete', content: 'Learned and back.', policyVersion: '2', error: null });
  });
});
