import type { SignalSample } from '../../../shared/protocol/box-stream';
import { CHAT_HEADER_CONVERSATION, CHAT_HEADER_PERSONA, CHAT_HEADER_TURN } from '../../../shared/protocol/chat-headers';
import type { Gateway } from '../../../box/gateway/server';
import { authHeaders } from './gateway-fixture';

/**
 * Chats through the gateway as the app does (streamed, with the x-apprentice-* headers), waits until
 * the turn is in the turn log, and returns the reply text the box's policy served.
 */
export async function chatThroughGateway(
  gateway: Gateway,
  turnId: string,
  messages: SignalSample['messages'],
  extraBody: Record<string, unknown> = { chat_template_kwargs: { enable_thinking: false } },
): Promise<string> {
  const finished = new Promise<void>((resolve) => {
    const off = gateway.hooks.on('turnFinished', (turn) => {
      if (turn.turnId === turnId) {
        off();
        resolve();
      }
    });
  });
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), [CHAT_HEADER_TURN]: turnId, [CHAT_HEADER_PERSONA]: 'persona-1', [CHAT_HEADER_CONVERSATION]: 'conv-1' },
    body: JSON.stringify({ model: 'policy', messages, stream: true, ...extraBody }),
  });
  if (res.status !== 200) throw new Error(`chat through the gateway failed: HTTP ${res.status} ${await res.text()}`);
  let text = '';
  for (const line of (await res.text()).split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = JSON.parse(line.slice(6)) as { choices: { delta?: { content?: string } }[] };
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  await finished;
  return text;
}

/** The sample with its turn served by the box's policy first, its response what the policy wrote. */
export async function servedSample(gateway: Gateway, sample: SignalSample): Promise<SignalSample> {
  return { ...sample, response: await chatThroughGateway(gateway, sample.turnId, sample.messages) };
}
