import { describe, expect, it } from 'vitest';
import { SseDataParser, sseDataEvents } from '../../shared/protocol/server-sent-events';

async function* pieces(parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

async function collect(parts: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseDataEvents(pieces(parts))) out.push(data);
  return out;
}

describe('SseDataParser', () => {
  it('accepts \\n, \\r\\n and a lone \\r as line endings, wherever the text is split', async () => {
    const text = 'data: one\n\ndata: two\r\n\r\ndata: three\r\rdata: four\r\n\r\n';
    const whole = await collect([text]);
    expect(whole).toEqual(['one', 'two', 'three', 'four']);
    // Every split point, including between the halves of each '\r\n'.
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(await collect([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(await collect([...text])).toEqual(whole);
  });

  it('yields an event as soon as its blank line arrives, not at the end of the stream', () => {
    const parser = new SseDataParser();
    expect(parser.push('data: {"a":1}\n')).toEqual([]);
    expect(parser.push('\n: comment\ndata: b')).toEqual(['{"a":1}']);
    expect(parser.end()).toEqual(['b']);
    expect(parser.end()).toEqual([]);
  });

  it('joins multi-line data, keeps a second space, skips other fields and blank runs, keeps empty data', async () => {
    // 'data' without a colon is a data field with an empty value, as the SSE spec reads it.
    expect(await collect(['event: x\nid: 4\ndata:a\ndata:  b\n\n\n\nretry: 10\n\ndata\n\ndata:\n\n'])).toEqual(['a\n b', '', '']);
  });
});
