/**
 * npm run signals:outside -- --convai2 FILE.json [--convai2 FILE.json …] --dbdc3 DIR [--out DIR]
 *
 * Turns outside, human-labelled sets (fetched outside the repo; see electron/signals/README.md) into eval
 * JSONL: <out>/<source>.tune.jsonl and <out>/<source>.holdout.jsonl. The output folder is git-ignored:
 * neither the fetched data nor copies derived from it are committed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { convertConvAi2 } from './convai2';
import { convertDbdc3Dialogue } from './dbdc3';
import type { OutsideRecord } from './outside-record';

function fail(message: string): never {
  console.error(`signals:outside: ${message}`);
  process.exit(2);
}

/** Runs a converter on one file; a file of the wrong shape stops the run with its name and the first problem. */
function convertFile<T>(file: string, what: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    const issue = error instanceof ZodError ? error.issues[0] : undefined;
    fail(`${file} is not ${what}: ${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : error instanceof Error ? error.message : String(error)}`);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Every *.json file under `dir`, sorted, so the output is the same on every run. */
function jsonFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...jsonFilesUnder(path));
    else if (name.endsWith('.json')) found.push(path);
  }
  return found;
}

function write(out: string, source: string, records: OutsideRecord[]): void {
  for (const split of ['tune', 'holdout'] as const) {
    const chosen = records.filter((r) => r.split === split).map((r) => JSON.stringify(r.record));
    const file = join(out, `${source}.${split}.jsonl`);
    writeFileSync(file, chosen.length ? `${chosen.join('\n')}\n` : '');
    const counts = { '+1': 0, '0': 0, '-1': 0 };
    for (const r of records) if (r.split === split) counts[r.record.label === 'positive' ? '+1' : r.record.label === 'neutral' ? '0' : '-1'] += 1;
    console.log(`${file}: ${chosen.length} records (+1 ${counts['+1']}, 0 ${counts['0']}, -1 ${counts['-1']})`);
  }
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({ options: { convai2: { type: 'string', multiple: true }, dbdc3: { type: 'string' }, out: { type: 'string' } } }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!values.convai2?.length && !values.dbdc3) fail('usage: signals:outside --convai2 FILE.json [--convai2 FILE.json] --dbdc3 DIR [--out DIR]');
  const out = values.out ?? '.eval-outside';
  mkdirSync(out, { recursive: true });
  if (values.convai2?.length) {
    const files = values.convai2.map((file) => ({ file, data: readJson(file), tag: basename(file).replace(/^data_|\.json$/g, '') }));
    const what = 'a ConvAI2 wild-evaluation file';
    write(out, 'convai2', files.flatMap((f) => convertFile(f.file, what, () => convertConvAi2(f.data, f.tag, 'all'))));
    write(out, 'convai2-rated', files.flatMap((f) => convertFile(f.file, what, () => convertConvAi2(f.data, f.tag, 'rated'))));
  }
  if (values.dbdc3) {
    if (!existsSync(values.dbdc3)) fail(`no such folder: ${values.dbdc3}`);
    const files = jsonFilesUnder(values.dbdc3);
    if (files.length === 0) fail(`no *.json dialogues under ${values.dbdc3}`);
    write(out, 'dbdc3', files.flatMap((file) => convertFile(file, 'a DBDC3 dialogue', () => convertDbdc3Dialogue(readJson(file)))));
  }
}

main();
