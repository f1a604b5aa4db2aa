/** The learning curves as an SVG picture, written directly (the app's chart library, recharts, needs a DOM). */

export interface CurveLine {
  label: string;
  color: string;
  /** Rate per interaction (index 0 = interaction 1). */
  rates: readonly number[];
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Lines start at the first full window: earlier points average over too few interactions to mean much. */
export function learningCurveSvg(options: {
  title: string;
  subtitle: string;
  lines: readonly CurveLine[];
  target: number;
  start: number;
  interactions: number;
  window: number;
}): string {
  const width = 720;
  const height = 400;
  const left = 56;
  const right = 170;
  const top = 54;
  const bottom = 46;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (i: number): number => left + (plotW * i) / Math.max(1, options.interactions);
  const y = (rate: number): number => top + plotH * (1 - rate);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="bold">${escape(options.title)}</text>`);
  out.push(`<text x="${left}" y="40" fill="#555">${escape(options.subtitle)}</text>`);
  for (let tick = 0; tick <= 10; tick += 2) {
    const rate = tick / 10;
    out.push(`<line x1="${left}" y1="${y(rate)}" x2="${left + plotW}" y2="${y(rate)}" stroke="#eee"/>`);
    out.push(`<text x="${left - 8}" y="${y(rate) + 4}" text-anchor="end">${rate.toFixed(1)}</text>`);
  }
  const step = options.interactions > 100 ? 20 : 10;
  for (let i = 0; i <= options.interactions; i += step) {
    out.push(`<text x="${x(i)}" y="${top + plotH + 18}" text-anchor="middle">${i}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle">interactions</text>`);
  out.push(`<text x="16" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})">liked-style rate (window)</text>`);
  out.push(`<line x1="${left}" y1="${y(options.target)}" x2="${left + plotW}" y2="${y(options.target)}" stroke="#999" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${left + plotW + 6}" y="${y(options.target) + 4}" fill="#777">target ${options.target}</text>`);
  out.push(`<line x1="${left}" y1="${y(options.start)}" x2="${left + plotW}" y2="${y(options.start)}" stroke="#ccc" stroke-dasharray="2 4"/>`);
  out.push(`<text x="${left + plotW + 6}" y="${y(options.start) + 4}" fill="#777">start ${options.start.toFixed(2)}</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  // The first line is drawn last, on top: lines that coincide show it.
  [...options.lines].reverse().forEach((line) => {
    const points = line.rates
      .map((rate, i) => [i + 1, rate] as const)
      .filter(([interaction]) => interaction >= options.window)
      .map(([interaction, rate]) => `${x(interaction).toFixed(1)},${y(rate).toFixed(1)}`)
      .join(' ');
    out.push(`<polyline fill="none" stroke="${line.color}" stroke-width="2" points="${points}"/>`);
  });
  options.lines.forEach((line, n) => {
    const ly = top + plotH * 0.55 + n * 20;
    out.push(`<line x1="${left + plotW + 10}" y1="${ly}" x2="${left + plotW + 34}" y2="${ly}" stroke="${line.color}" stroke-width="3"/>`);
    out.push(`<text x="${left + plotW + 40}" y="${ly + 4}">${escape(line.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
