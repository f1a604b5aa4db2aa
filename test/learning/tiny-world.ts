import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TINY_MODEL_ROOT } from './python-process';

/** world.json, the tiny model's whole world (its corpus is generated from it): read for the requests
 * the simulated user asks and for the marker phrases that tell the two reply styles apart. */

const StyleSchema = z.object({
  openers: z.array(z.string()).min(1),
  closers: z.array(z.string()).min(1),
  markers: z.array(z.string().min(1)).min(1),
});

const WorldSchema = z.object({
  systemPrompt: z.string(),
  styles: z.object({ formal: StyleSchema, casual: StyleSchema }),
  topics: z.array(z.object({ requests: z.array(z.string().min(1)).min(1), formal: z.string(), casual: z.string() })).min(1),
});

export type TinyWorld = z.infer<typeof WorldSchema>;
export type ReplyStyle = 'formal' | 'casual';

export const WORLD_FILE = join(TINY_MODEL_ROOT, 'world.json');

export function loadTinyWorld(file: string = WORLD_FILE): TinyWorld {
  return WorldSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
