import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useState } from 'react';
import type { SearchHit } from '../../shared/ipc/contract';
import { queryKeys } from '../data/query-keys';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { useUi } from '../state/ui-store-context';
import { Modal } from './Modal';

/**
 * Search across every conversation (Ctrl/Cmd+K): results while typing; ↑/↓ and Enter, or a click,
 * open the conversation at the message and highlight it.
 */
export function SearchDialog() {
  const api = useApi();
  const setSearchOpen = useUi((s) => s.setSearchOpen);
  const revealMessage = useUi((s) => s.revealMessage);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const typed = useDeferredValue(query.trim());
  const results = useQuery({
    queryKey: queryKeys.search(typed),
    queryFn: () => api.invoke('search:messages', { query: typed }),
    enabled: typed !== '',
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const hits = typed === '' ? [] : (results.data ?? []);
  const close = useCallback(() => setSearchOpen(false), [setSearchOpen]);
  const open = (hit: SearchHit) => revealMessage(hit);

  return (
    <Modal title="Search conversations" onClose={close} testId="search-dialog">
      <div className="search">
        <input
          type="search"
          role="combobox"
          aria-expanded={hits.length > 0}
          aria-controls="search-results"
          aria-activedescendant={hits[active] ? `search-hit-${hits[active].messageId}` : undefined}
          aria-label="Search all conversations"
          placeholder="Search all conversations…"
          value={query}
          data-testid="search-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((i) => Math.min(i + 1, hits.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => Math.max(i - 1, 0));
            } else if (e.key === 'Enter' && hits[active]) {
              e.preventDefault();
              open(hits[active]);
            }
          }}
        />
        {results.error ? <p className="inline-error small">{describeError(results.error)}</p> : null}
        {typed !== '' && results.data && hits.length === 0 ? <p className="muted small" data-testid="search-empty">Nothing found.</p> : null}
        <ul id="search-results" role="listbox" aria-label="Results" className="search-results" data-testid="search-results">
          {hits.map((hit, index) => (
            <li
              key={hit.messageId}
              id={`search-hit-${hit.messageId}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'search-hit active' : 'search-hit'}
              data-testid="search-hit"
              data-message-id={hit.messageId}
              onMouseEnter={() => setActive(index)}
              onClick={() => open(hit)}
            >
              <div className="search-hit-where small muted">
                <span className="search-hit-title">{hit.conversationTitle || 'New conversation'}</span> · {hit.personaName} ·{' '}
                {hit.role === 'user' ? 'you' : 'assistant'} · {new Date(hit.createdAt).toLocaleDateString()}
              </div>
              <div className="search-hit-snippet">
                {hit.snippet.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
              </div>
            </li>
          ))}
        </ul>
      </div>
    </Modal>
  );
}
