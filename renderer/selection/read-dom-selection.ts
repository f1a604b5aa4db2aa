import { selectionToOffsets, type SelectionOffsets } from '../selection/selection-offsets';

/**
 * Reads the window's selection inside `container` (a rendered reply) and maps it to offsets in the
 * reply's raw content. Returns null when nothing inside the container is selected.
 */
export function readSelectionIn(container: HTMLElement, content: string): { offsets: SelectionOffsets; rect: DOMRect } | null {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(container);
  before.setEnd(range.startContainer, range.startOffset);
  const offsets = selectionToOffsets(content, selection.toString(), {
    renderedText: container.textContent ?? '',
    renderedStart: before.toString().length,
  });
  return { offsets, rect: range.getBoundingClientRect() };
}
