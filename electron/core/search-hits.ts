import type { SearchHit } from '../../shared/ipc/contract';
import { MATCH_END, MATCH_START, searchMessages } from '../store/message-search';
import type { Db } from '../store/open-database';

/** search:messages — hits with their snippet split into plain and matched parts for the view. */
export function searchHits(db: Db, query: string, options: { personaId?: string; limit?: number }): SearchHit[] {
  return searchMessages(db, query, options).map(({ snippet, ...hit }) => ({ ...hit, snippet: snippetParts(snippet) }));
}

export function snippetParts(snippet: string): SearchHit['snippet'] {
  const parts: SearchHit['snippet'] = [];
  for (const [i, piece] of snippet.split(MATCH_START).entries()) {
    const [matched, rest] = i === 0 ? [null, piece] : splitOnce(piece, MATCH_END);
    if (matched) parts.push({ text: matched, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
