/**
 * Puts `text` on the clipboard from a click. The async Clipboard API comes first; where it is
 * refused (the Electron shell denies every web permission, clipboard-sanitized-write included),
 * the copy command on a detached selection does the same job within the click, asking nothing.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return copyWithCommand(text);
  }
}

function copyWithCommand(text: string): boolean {
  const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  // Out of sight but laid out as text: the copy takes the selection as rendered, so whitespace must
  // not collapse (no white-space: nowrap here).
  Object.assign(area.style, { position: 'fixed', top: '0', left: '0', width: '1px', height: '1px', opacity: '0', whiteSpace: 'pre' });
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
    active?.focus();
  }
}
