/** A changed stretch between two texts: words removed from `before` and words put in their place. */
export interface WordChange {
  removed: string[];
  added: string[];
}

/** Above this many cells the LCS table costs too much; the changed middle is then one big change. */
const MAX_LCS_CELLS = 4_000_000;

/**
 * Word-level diff: common prefix and suffix are trimmed, then an LCS over the rest. Returns the
 * changed stretches in order; an empty list means the word sequences are equal.
 */
export function diffWords(before: readonly string[], after: readonly string[]): WordChange[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB -= 1;
    endA -= 1;
  }
  const b = before.slice(start, endB);
  const a = after.slice(start, endA);
  if (b.length === 0 && a.length === 0) return [];
  if (b.length === 0 || a.length === 0 || (b.length + 1) * (a.length + 1) > MAX_LCS_CELLS) return [{ removed: b, added: a }];

  const width = a.length + 1;
  const table = new Uint32Array((b.length + 1) * width);
  for (let i = b.length - 1; i >= 0; i -= 1) {
    for (let j = a.length - 1; j >= 0; j -= 1) {
      table[i * width + j] =
        b[i] === a[j] ? (table[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const changes: WordChange[] = [];
  let current: WordChange | null = null;
  let i = 0;
  let j = 0;
  const flush = (): void => {
    if (current && (current.removed.length > 0 || current.added.length > 0)) changes.push(current);
    current = null;
  };
  while (i < b.length || j < a.length) {
    if (i < b.length && j < a.length && b[i] === a[j]) {
      flush();
      i += 1;
      j += 1;
    } else if (j < a.length && (i >= b.length || (table[i * width + j + 1] ?? 0) >= (table[(i + 1) * width + j] ?? 0))) {
      current ??= { removed: [], added: [] };
      current.added.push(a[j] as string);
      j += 1;
    } else {
      current ??= { removed: [], added: [] };
      current.removed.push(b[i] as string);
      i += 1;
    }
  }
  flush();
  return changes;
}
