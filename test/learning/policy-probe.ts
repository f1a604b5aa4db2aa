import type { ChatMessage } from '../../shared/protocol/box-stream';
import { classifyReplyStyle } from './reply-style';
import type { ReplyStyle, TinyWorld } from './tiny-world';

/**
 * Measures a policy the way the user meets it, with more samples than one reply: asks the policy engine
 * directly (not through the gateway, so nothing is logged or trained) for `count` replies to the same
 * messages at the app's temperature, and counts those in the liked style.
 */
export async function probeLikedReplies(options: {
  engineUrl: string;
  messages: readonly ChatMessage[];
  count: number;
  temperature: number;
  world: TinyWorld;
  prefers: ReplyStyle;
}): Promise<number> {
  let liked = 0;
  for (let n = 0; n < options.count; n++) {
    const response = await fetch(`${options.engineUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: options.messages, temperature: options.temperature, max_tokens: 64 }),
    });
    if (!response.ok) throw new Error(`the policy engine answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    if (classifyReplyStyle(body.choices[0]!.message.content, options.world) === options.prefers) liked++;
  }
  return liked;
}
