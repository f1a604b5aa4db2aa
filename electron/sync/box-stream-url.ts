import { BOX_STREAM_PATH } from '../../shared/protocol/box-stream';

/**
 * The ws address of a box's sample stream from its base URL (http → ws, https → wss), keeping any
 * path prefix a reverse proxy may add. Throws a readable error for anything that is not http(s).
 */
export function boxStreamUrl(boxUrl: string): string {
  let url: URL;
  try {
    url = new URL(boxUrl.trim());
  } catch {
    throw new Error(`"${boxUrl}" is not a valid box URL (expected e.g. http://gpu-box:8787)`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(`box URL must start with http:// or https:// (got ${url.protocol}//)`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '') + BOX_STREAM_PATH;
  url.search = '';
  url.hash = '';
  return url.toString();
}
