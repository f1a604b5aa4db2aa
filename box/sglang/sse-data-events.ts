import { sseDataEvents as sseDataEventsFromText } from '../../shared/protocol/server-sent-events';

/**
 * Splits a Server-Sent Events byte stream into the payloads of its `data:` fields, one string per
 * event (parsing lives in shared/; SGLang sends only `data:`). Yields as soon as each event is
 * complete, so proxies stay streaming.
 */
export function sseDataEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  return sseDataEventsFromText(decodeUtf8(body));
}

/** The bytes as text pieces; a multi-byte character split across chunks is held until it is whole. */
async function* decodeUtf8(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of body) yield decoder.decode(chunk, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}
