import { describe, expect, it } from 'vitest';
import { IdSchema } from '../../shared/domain';
import { ClientFrameSchema } from '../../shared/protocol/box-stream';

describe('ids are well-formed Unicode', () => {
  it('refuses lone surrogate halves with an error that says so', () => {
    for (const id of ['\ud800', 'sample-\udbff', 'a\udc00b', '\udc00\ud800']) {
      const parsed = IdSchema.safeParse(id);
      expect(parsed.success, JSON.stringify(id)).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/surrogate/);
    }
  });

  it('accepts paired surrogates (emoji) and plain ids', () => {
    for (const id of ['sample-😀', '𝔘𝔫𝔦', 'c0ffee-42', 'ünïcødé']) expect(IdSchema.safeParse(id).success).toBe(true);
  });

  it('refuses a hello whose client id holds a lone surrogate', () => {
    expect(ClientFrameSchema.safeParse({ type: 'hello', protocol: 1, clientId: 'app-\ud83d', progressAfter: 0 }).success).toBe(false);
  });
});
