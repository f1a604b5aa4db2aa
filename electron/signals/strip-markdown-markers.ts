/**
 * Removes markdown formatting markers from text quoted out of a reply, so a hint quotes what the user
 * saw, not the source: a partial selection often starts or ends inside "**…**" or "`…`". Markers
 * between two word characters (snake_case, 2*3) are content and stay.
 */
export function stripMarkdownMarkers(text: string): string {
  return text
    .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
    .replace(/`+/g, '')
    .replace(/^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(?=\S))/gm, '')
    .replace(/(?<![\p{L}\p{N}])[*_~]+|[*_~]+(?![\p{L}\p{N}])/gu, (marker, offset: number, whole: string) => {
      // A lone "*" or "_" between spaces ("2 * 3", "a _ b") is an operator or placeholder, not emphasis.
      const before = whole[offset - 1];
      const after = whole[offset + marker.length];
      const spaced = (before === undefined || /\s/.test(before)) && (after === undefined || /\s/.test(after));
      return spaced && marker.length === 1 && before !== undefined && after !== undefined ? marker : '';
    })
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
