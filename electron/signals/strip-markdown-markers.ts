/**
 * Removes markdown formatting markers from text quoted out of a reply, so a hint quotes what the user
 * saw, not the source: a partial selection often starts or ends inside "**…**" or "`…`". Markers
 * between two word characters (snake_case, 2*3) are content and stay, and so is everything inside a
 * code span and a dunder identifier (`__init__`, __name__): there the underscores are the name.
 */
/**
 * A selection cut inside a code span keeps one lone backtick: "init__` method" ends a span, "see `__ini"
 * starts one. The code side of it is kept as it is.
 */
function keepCutCodeSpan(text: string, keep: (content: string) => string): string {
  const ticks = [...text.matchAll(/`+/g)];
  if (ticks.length !== 1) return text;
  const tick = ticks[0] as RegExpMatchArray;
  const at = tick.index as number;
  const end = at + tick[0].length;
  const closes = at > 0 && !/\s/.test(text[at - 1] as string) && (end === text.length || /\s/.test(text[end] as string));
  if (closes) return keep(text.slice(0, at)) + text.slice(end);
  const opens = (at === 0 || /\s/.test(text[at - 1] as string)) && end < text.length && !/\s/.test(text[end] as string);
  return opens ? text.slice(0, at) + keep(text.slice(end)) : text;
}

export function stripMarkdownMarkers(text: string): string {
  // Code spans and dunders are set aside behind private-use placeholders while the markers go.
  const kept: string[] = [];
  const keep = (content: string): string => `\uE000${kept.push(content) - 1}\uE001`;
  const masked = keepCutCodeSpan(
    text
      .replace(/[\uE000\uE001]/g, '')
      .replace(/(?<!`)(`{3,})([^\n`]*)\n([\s\S]*?)\n?\1(?!`)/g, (_fence, _ticks: string, lang: string, body: string) => keep(lang ? `${lang}\n${body}` : body))
      .replace(/(?<!`)(`+)([^`\n](?:[^\n]*?[^`\n])?)\1(?!`)/g, (_span, _ticks: string, content: string) => keep(content)),
    keep,
  ).replace(/(?<![\p{L}\p{N}_])__[\p{L}\p{N}_]*?[\p{L}\p{N}]__(?![\p{L}\p{N}_])/gu, (dunder) => keep(dunder));
  return masked
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
    .trim()
    .replace(/\uE000(\d+)\uE001/g, (_placeholder, index: string) => kept[Number(index)] ?? '');
}
