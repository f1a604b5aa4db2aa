import { describe, expect, it } from 'vitest';
import { sseDataEvents } from '../../../box/sglang/sse-data-events';

async function collect(parts: (string | Uint8Array)[]): Promise<string[]> {
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
  }
  const out: string[] = [];
  for await (const data of sseDataEvents(source())) out.push(data);
  return out;
}

describe('sseDataEvents', () => {
  it('reassembles events split anywhere, including inside a multi-byte character and a CRLF', async () => {
    const bytes = new TextEncoder().encode('data: {"t":"漢"}\r\n\r\ndata: [DONE]\n\n');
    const parts = [...bytes].map((b) => new Uint8Array([b]));
    expect(await collect(parts)).toEqual(['{"t":"漢"}', '[DONE]']);
  });

  it('joins multi-line data, ignores comments and other fields, and flushes a final unterminated event', async () => {
    expect(await collect([': keep-alive\n\nevent: x\ndata: a\ndata: b\n\nid: 3\ndata:c'])).toEqual(['a\nb', 'c']);
  });

  it('ends lines on a lone \\r too, even when a chunk stops right after it', async () => {
    expect(await collect(['data: a\r\r', 'data: b\r', '\rdata: c\r\n', '\r\n'])).toEqual(['a', 'b', 'c']);
    // A final lone '\r' with nothing after it still ends the line.
    expect(await collect(['data: d\r'])).toEqual(['d']);
  });
});
