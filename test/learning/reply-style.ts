import type { ReplyStyle, TinyWorld } from './tiny-world';

/** 'mixed': marker phrases of both styles; 'none': of neither (a garbled reply). */
export type StyleVerdict = ReplyStyle | 'mixed' | 'none';

/**
 * The measuring stick: which style a reply is in, from the marker phrases of each style in world.json
 * (the openers and closers the corpus uses). Deterministic and independent of the model.
 */
export function classifyReplyStyle(text: string, world: TinyWorld): StyleVerdict {
  const lower = text.toLowerCase();
  const has = (style: ReplyStyle): boolean => world.styles[style].markers.some((m) => lower.includes(m.toLowerCase()));
  const formal = has('formal');
  const casual = has('casual');
  if (formal && casual) return 'mixed';
  if (formal) return 'formal';
  if (casual) return 'casual';
  return 'none';
}
