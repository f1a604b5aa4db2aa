import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoxTokenError, resolveBoxToken } from '../../../box/gateway/box-token';
import { BOX_USAGE } from '../../../box/gateway/parse-box-args';

describe('box token length', () => {
  it('the usage text states the shortest token the gateway accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apprentice-box-token-'));
    try {
      let refused: unknown = null;
      try {
        resolveBoxToken({ dataDir: dir, envToken: 'short-token' });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(BoxTokenError);
      const minimum = Number((refused as Error).message.match(/at least (\d+) characters/)?.[1]);
      expect(minimum).toBe(16);
      expect(BOX_USAGE).toContain(`at least ${minimum} characters`);
      expect(resolveBoxToken({ dataDir: dir, envToken: 'x'.repeat(minimum) }).token).toHaveLength(minimum);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
