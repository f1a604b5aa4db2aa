import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapSampledTokens } from '../../../box/samples/map-sampled-tokens';
import type { ServedToken } from '../../../box/samples/served-turn';
import { loadModelTokenizer } from '../../../box/tokenizer/load-model-folder';
import type { ModelTokenizer } from '../../../box/tokenizer/model-tokenizer';
import { tokenBytes } from '../../support/sglang-test-engine';
import { makeQwen3ModelFolder } from '../tokenizer/qwen3-model-folder';

let folder: ReturnType<typeof makeQwen3ModelFolder>;
let tok: ModelTokenizer;
beforeAll(() => {
  folder = makeQwen3ModelFolder();
  tok = loadModelTokenizer(folder.dir);
});
afterAll(() => folder.remove());

/** Logprob entries the way OpenAI-style servers send them: lossy text, raw bytes. */
function rawEntries(ids: number[]): ServedToken[] {
  return ids.map((id, i) => {
    const bytes = tokenBytes(id);
    return { token: new TextDecoder().decode(new Uint8Array(bytes)), bytes, logprob: -0.5 - i / 100 };
  });
}

/** Entries whose bytes only re-encode the (lossy) text, as some SGLang builds send them. */
function textOnlyEntries(ids: number[]): ServedToken[] {
  return rawEntries(ids).map((e) => ({ ...e, bytes: [...new TextEncoder().encode(e.token)] }));
}

describe('mapSampledTokens', () => {
  const text = 'Sure — 你好, naïve café 👍🏽 done.';

  it('recovers the exact ids of CJK, accents and split emoji from raw bytes', () => {
    const ids = tok.encode(text);
    const mapped = mapSampledTokens(rawEntries(ids), 'length', tok);
    expect(mapped).toEqual({ ok: true, ids, logprobs: ids.map((_, i) => -0.5 - i / 100), missingEndOfTurn: false });
  });

  it('refuses when a multi-byte piece came without its real bytes', () => {
    const ids = tok.encode(text);
    const mapped = mapSampledTokens(textOnlyEntries(ids), 'stop', tok);
    expect(mapped.ok).toBe(false);
    if (!mapped.ok) expect(mapped.reason).toMatch(/multi-byte/);
    // Plain ASCII/CJK tokens are whole characters, so text-derived bytes are exact for them.
    const plain = tok.encode('hello 你好');
    expect(mapSampledTokens(textOnlyEntries(plain), 'length', tok).ok).toBe(true);
  });

  it('flags a natural stop whose end token was not reported, and maps a spelled or blank end token', () => {
    const ids = tok.encode('ok');
    const withoutEnd = mapSampledTokens(rawEntries(ids), 'stop', tok);
    expect(withoutEnd.ok && withoutEnd.missingEndOfTurn).toBe(true);
    const end = tok.endOfTurnId!;
    const spelled = mapSampledTokens([...rawEntries(ids), { token: '<|im_end|>', bytes: null, logprob: -0.1 }], 'stop', tok);
    expect(spelled).toMatchObject({ ok: true, ids: [...ids, end], missingEndOfTurn: false });
    const blank = mapSampledTokens([...rawEntries(ids), { token: '', bytes: [], logprob: -0.1 }], 'stop', tok);
    expect(blank).toMatchObject({ ok: true, ids: [...ids, end] });
    // A blank token anywhere else is not a known token.
    expect(mapSampledTokens([{ token: '', bytes: [], logprob: -0.1 }, ...rawEntries(ids)], 'stop', tok).ok).toBe(false);
  });

  it('rejects tokens outside the vocab and non-finite log-probs', () => {
    expect(mapSampledTokens([{ token: 'x', bytes: [0x78, 0x79, 0x7a, 0x71, 0x77, 0x70, 0x6b], logprob: -1 }], 'stop', tok).ok).toBe(false);
    expect(mapSampledTokens([{ token: 'x', bytes: null, logprob: Number.NaN }], 'stop', tok).ok).toBe(false);
  });
});
