import type { Message } from '../../shared/domain';

/** ‹ 2 / 3 › between the versions of one turn (regenerations, retries, edits resent). */
export function VersionSwitcher({
  message,
  disabled,
  onSelect,
}: {
  message: Message;
  disabled: boolean;
  onSelect: (messageId: string) => void;
}) {
  const versions = message.versionIds ?? [];
  if (versions.length < 2) return null;
  const index = versions.indexOf(message.id);
  const previous = index > 0 ? versions[index - 1] : undefined;
  const next = index >= 0 && index < versions.length - 1 ? versions[index + 1] : undefined;
  return (
    <span className="version-switcher" role="group" aria-label="Versions" data-testid="version-switcher">
      <button
        type="button"
        className="icon-button"
        aria-label="Previous version"
        data-testid="version-prev"
        disabled={disabled || !previous}
        onClick={() => previous && onSelect(previous)}
      >
        ‹
      </button>
      <span className="version-label small" data-testid="version-label" aria-live="polite">
        {index + 1} / {versions.length}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Next version"
        data-testid="version-next"
        disabled={disabled || !next}
        onClick={() => next && onSelect(next)}
      >
        ›
      </button>
    </span>
  );
}
