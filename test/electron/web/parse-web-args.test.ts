import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWebArgs } from '../../../electron/web/parse-web-args';

describe('parseWebArgs', () => {
  it('defaults to port 5217 and ~/.apprentice, or $APPRENTICE_DATA_DIR', () => {
    expect(parseWebArgs([], {})).toEqual({ port: 5217, dataDir: join(homedir(), '.apprentice') });
    expect(parseWebArgs([], { APPRENTICE_DATA_DIR: '/tmp/x' })).toEqual({ port: 5217, dataDir: '/tmp/x' });
  });
  it('reads --port and --data-dir in both spellings, after npm\'s --', () => {
    expect(parseWebArgs(['--', '--port', '0', '--data-dir', 'rel/dir'], {})).toEqual({ port: 0, dataDir: resolve('rel/dir') });
    expect(parseWebArgs(['--port=8080', '--data-dir=/d'], {})).toEqual({ port: 8080, dataDir: '/d' });
  });
  it('refuses bad values with a clear message', () => {
    expect(() => parseWebArgs(['--port', 'abc'], {})).toThrow(/--port must be a number/);
    expect(() => parseWebArgs(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseWebArgs(['--data-dir'], {})).toThrow(/needs a value/);
    expect(() => parseWebArgs(['--verbose'], {})).toThrow(/unknown option --verbose/);
  });
});
