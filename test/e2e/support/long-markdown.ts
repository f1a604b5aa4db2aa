/**
 * A long, ordinary model reply for render probes: numbered sections with paragraphs, inline
 * markup, links, lists, code, a table, a quote and math, repeated until it reaches `bytes`.
 * The reply ends with `END_MARKER` so a test can see that all of it rendered.
 */
export const END_MARKER = 'End of the long reply.';

export function longMarkdownReply(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let n = 1; size < bytes; n += 1) {
    const section = [
      `## Section ${n}: notes on step ${n}`,
      '',
      `Step ${n} reads the **input file** line by line, keeps a *running total* and calls \`flush()\` every ${n % 7 + 2} lines. ` +
        `See [the guide](https://example.com/guide/${n}) for the reasons; the short version is that memory stays flat.`,
      '',
      `- read the header and check the version (${n}.0 or newer)`,
      '- skip blank lines and comments',
      `- sum the \`amount\` column into \`total_${n}\``,
      '',
      '```python',
      `def step_${n}(path):`,
      '    total = 0',
      '    with open(path) as f:',
      '        for line in f:',
      "            if line.strip() and not line.startswith('#'):",
      "                total += int(line.split(',')[1])",
      '    return total',
      '```',
      '',
      '| field | type | note |',
      '|---|---|---|',
      `| amount | int | section ${n} |`,
      '| label | str | optional |',
      '',
      `> The total for step ${n} is $t_${n} = \\sum_i a_i$, computed in one pass.`,
      '',
    ].join('\n');
    parts.push(section);
    size += section.length + 1;
  }
  parts.push(END_MARKER);
  return parts.join('\n');
}

/** A list nested `depth` levels deep (each level indented two more spaces). */
export function deeplyNestedList(depth: number): string {
  const lines: string[] = [];
  for (let i = 0; i < depth; i += 1) lines.push(`${'  '.repeat(i)}- level ${i}`);
  return lines.join('\n');
}
