/**
 * Server-Sent Events, reduced to what OpenAI-compatible streams use: the payload of each event's
 * `data:` fields (several joined with '\n', as the SSE spec says); comments and other fields are
 * skipped. Works on decoded text: turning bytes into text (TextDecoder) stays with the caller, since
 * shared/ sees neither Node nor the DOM.
 */
export class SseDataParser {
  private buffer = '';
  private dataLines: string[] = [];

  /** Feeds the next piece of text; returns the data of every event it completed. */
  push(text: string): string[] {
    this.buffer += text;
    return this.drain(false);
  }

  /** The stream ended: a last line or event without its terminator still counts. */
  end(): string[] {
    const events = this.drain(true);
    if (this.buffer !== '') this.readLine(this.buffer, events);
    this.buffer = '';
    if (this.dataLines.length > 0) events.push(this.dataLines.join('\n'));
    this.dataLines = [];
    return events;
  }

  private drain(ended: boolean): string[] {
    const events: string[] = [];
    let newline: number;
    // Lines end in '\r\n', '\n' or a lone '\r' (all three are SSE line endings).
    while ((newline = this.buffer.search(/[\r\n]/)) !== -1) {
      const crlf = this.buffer.startsWith('\r\n', newline);
      // A '\r' last in the buffer may be the first half of a '\r\n' still on its way: wait for more.
      if (!ended && !crlf && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (crlf ? 2 : 1));
      this.readLine(line, events);
    }
    return events;
  }

  private readLine(line: string, events: string[]): void {
    if (line === '') {
      if (this.dataLines.length > 0) events.push(this.dataLines.join('\n'));
      this.dataLines = [];
    } else if (line.startsWith('data:')) {
      this.dataLines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    } else if (line === 'data') {
      // A field name without a colon has an empty value (SSE spec).
      this.dataLines.push('');
    }
  }
}

/** Yields each event's data as soon as it is complete, from a stream of decoded text pieces. */
export async function* sseDataEvents(text: AsyncIterable<string>): AsyncGenerator<string> {
  const parser = new SseDataParser();
  for await (const piece of text) yield* parser.push(piece);
  yield* parser.end();
}
