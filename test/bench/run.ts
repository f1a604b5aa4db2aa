/**
 * `npm run bench`: runs every test/bench/*.bench.ts in name order. Each module's default export
 * measures its subject and a baseline in the same run and prints the ratio between them.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Bench = () => Promise<void>;

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: Bench };
    if (typeof mod.default !== 'function') throw new Error('no default export function');
    await mod.default();
  } catch (error) {
    failed += 1;
    console.error(`bench ${file} failed:`, error instanceof Error ? error.stack ?? error.message : error);
  }
}
console.log(`\n${files.length - failed} benches ran, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
