import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../electron/web/static-files';

let base: string;
let root: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'apprentice-static-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('readStaticFile', () => {
  it('serves index for / and files with their content type', () => {
    expect(readStaticFile(root, '/')?.contentType).toMatch(/text\/html/);
    expect(readStaticFile(root, '/assets/app.js')).toEqual({ body: Buffer.from('console.log(1)'), contentType: 'text/javascript; charset=utf-8' });
    expect(readStaticFile(root, '/assets/missing.js')).toBeNull();
    expect(readStaticFile(root, '/assets')).toBeNull();
  });
  it('never leaves the folder', () => {
    expect(readStaticFile(root, '/../secret.txt')).toBeNull();
    expect(readStaticFile(root, '/%2e%2e/secret.txt')).toBeNull();
    expect(readStaticFile(root, '/assets/..%2f..%2fsecret.txt')).toBeNull();
    expect(readStaticFile(root, '/%00')).toBeNull();
    expect(readStaticFile(root, '/%E0%A4%A')).toBeNull();
  });
});
