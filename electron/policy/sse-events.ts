import { sseDataEvents } from '../../shared/protocol/server-sent-events';

/** Reads a Server-Sent Events body and yields each event's data (parsing lives in shared/). */
export function readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  return sseDataEvents(decodeUtf8(body));
}

/** The body as text pieces; a multi-byte character split across chunks is held until it is whole. */
async function* decodeUtf8(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield decoder.decode(value, { stream: true });
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } finally {
    reader.releaseLock();
  }
}
