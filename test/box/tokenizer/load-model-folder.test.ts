import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelTokenizer, ModelFolderError } from '../../../box/tokenizer/load-model-folder';
import type { ModelTokenizer } from '../../../box/tokenizer/model-tokenizer';
import { makeQwen3ModelFolder } from './qwen3-model-folder';

describe('loadModelTokenizer (Qwen3 files in a temp model folder)', () => {
  let folder: ReturnType<typeof makeQwen3ModelFolder>;
  let tok: ModelTokenizer;
  beforeAll(() => {
    folder = makeQwen3ModelFolder();
    tok = loadModelTokenizer(folder.dir);
  });
  afterAll(() => folder.remove());

  it('renders the prompt with thinking off the way SGLang serves it and encodes special tokens', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi 你好 👍🏽' },
    ];
    const text = tok.renderChat(messages, { addGenerationPrompt: true, templateKwargs: { enable_thinking: false } });
    expect(text).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi 你好 👍🏽<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
    const ids = tok.promptIds(messages, { enable_thinking: false });
    expect(ids[0]).toBe(tok.idForSpecialText('<|im_start|>'));
    expect(ids.filter((id) => id === tok.idForSpecialText('<|im_end|>'))).toHaveLength(2);
    expect(tok.decode(ids, { skipSpecialTokens: false })).toBe(text);
    const thinking = tok.renderChat(messages, { addGenerationPrompt: true, templateKwargs: {} });
    expect(thinking.endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  it('re-tokenizes a reply as template suffix ending with the end-of-turn id', () => {
    const messages = [{ role: 'user', content: 'Say hi' }];
    const ids = tok.responseIdsFromText(messages, 'Hi there! 😀', { enable_thinking: false });
    expect(ids.at(-1)).toBe(tok.idForSpecialText('<|im_end|>'));
    expect(tok.endOfTurnId).toBe(tok.idForSpecialText('<|im_end|>'));
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('Hi there! 😀');
  });

  it('finds ids from exact token bytes through the byte-level vocab', () => {
    const ids = tok.encode(' 你好 world');
    for (const id of ids) {
      const bytes = [...Buffer.from(tok.decode([id], { skipSpecialTokens: false }), 'utf8')];
      expect(tok.idForBytes(bytes)).toBe(id);
    }
    expect(tok.idForBytes([])).toBeUndefined();
    expect(tok.isSpecialId(tok.endOfTurnId ?? -1)).toBe(true);
    expect(tok.isSpecialId(ids[0] ?? -1)).toBe(false);
  });
});

describe('loadModelTokenizer errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'apprentice-badmodel-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the missing folder', () => {
    expect(() => loadModelTokenizer(join(dir, 'nope'))).toThrow(/does not exist/);
  });

  it('names the broken file', () => {
    writeFileSync(join(dir, 'tokenizer.json'), '{not json');
    expect(() => loadModelTokenizer(dir)).toThrow(ModelFolderError);
    expect(() => loadModelTokenizer(dir)).toThrow(/tokenizer\.json/);
  });

  it('prefers chat_template.jinja and reads generation_config stop ids', () => {
    const folder = makeQwen3ModelFolder({
      'chat_template.jinja': '{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}',
      'generation_config.json': JSON.stringify({ eos_token_id: [151645, 151643] }),
    });
    try {
      const tok = loadModelTokenizer(folder.dir);
      expect(tok.renderChat([{ role: 'user', content: 'x' }], { addGenerationPrompt: true, templateKwargs: { enable_thinking: false } })).toBe('[user]x[assistant]');
      expect(tok.stopTokenIds.has(151643)).toBe(true);
    } finally {
      folder.remove();
    }
  });
});
