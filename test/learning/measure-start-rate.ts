import { probeLikedReplies } from './policy-probe';
import type { ReplyStyle, TinyWorld } from './tiny-world';

/**
 * The liked-style rate before any learning: the pretrained policy answers every request of the world
 * `repeats` times, with what the app sends (system prompt + request) at the app's temperature.
 */
export async function measureStartRate(options: {
  engineUrl: string;
  world: TinyWorld;
  prefers: ReplyStyle;
  temperature: number;
  repeats: number;
}): Promise<{ rate: number; replies: number }> {
  let liked = 0;
  let replies = 0;
  for (const topic of options.world.topics) {
    for (const request of topic.requests) {
      const messages = [
        { role: 'system' as const, content: options.world.systemPrompt },
        { role: 'user' as const, content: request },
      ];
      liked += await probeLikedReplies({ ...options, messages, count: options.repeats });
      replies += options.repeats;
    }
  }
  return { rate: liked / replies, replies };
}
