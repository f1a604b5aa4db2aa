import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEvalJsonl } from '../../../electron/signals/eval/eval-record';
import { convertConvAi2 } from '../../../electron/signals/eval/outside/convai2';
import { convertDbdc3Dialogue, polarityOfBreakdown } from '../../../electron/signals/eval/outside/dbdc3';
import { outsideSplitOf } from '../../../electron/signals/eval/outside/outside-split';

// Small made-up dialogues in each source's format; no fetched data is used or committed.
const bot = (text: string, evaluation_score: 0 | 1 | null = null) => ({ sender_class: 'Bot', text, evaluation_score });
const human = (text: string) => ({ sender_class: 'Human', text, evaluation_score: null });
const CONVAI2 = [
  { dialog: [human('hi'), bot('hello, i like cats', 1), human('me too!'), bot('i am a robot', 0), human('what?'), bot('bye'), human('bye'), bot('one'), bot('two', 1)] },
  { dialog: [human('hi'), bot('hello'), human('ok')] },
];

describe('ConvAI2 wild evaluation → eval records', () => {
  it("'all': 👍 → +1, 👎 → −1, unrated → 0, only in dialogues with a rating, only bot messages a human answered", () => {
    const records = convertConvAi2(CONVAI2, 'volunteers', 'all').map((r) => r.record);
    expect(records.map((r) => [r.assistant, r.next_user, r.label])).toEqual([
      ['hello, i like cats', 'me too!', 'positive'],
      ['i am a robot', 'what?', 'negative_other'],
      ['bye', 'bye', 'neutral'],
    ]);
    expect(records[1]?.id).toBe('convai2:volunteers-0:3');
    expect(records[1]?.context).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello, i like cats' },
      { role: 'user', content: 'me too!' },
    ]);
  });

  it("'rated': only messages the user rated", () => {
    expect(convertConvAi2(CONVAI2, 'volunteers', 'rated').map((r) => r.record.label)).toEqual(['positive', 'negative_other']);
  });

  it('a file of another shape fails clearly', () => {
    expect(() => convertConvAi2([{ dialog: [{ sender_class: 'Alien', text: 'x' }] }], 'x', 'all')).toThrow();
  });
});

describe('DBDC3 → eval records', () => {
  const annotations = (o: number, t: number, x: number) => [
    ...Array.from({ length: o }, () => ({ breakdown: 'O' })),
    ...Array.from({ length: t }, () => ({ breakdown: 'T' })),
    ...Array.from({ length: x }, () => ({ breakdown: 'X' })),
  ];

  it('majority breakdown (X) → −1, majority fine (O) → +1, else 0', () => {
    expect(polarityOfBreakdown(annotations(5, 10, 15) as never)).toBe(-1);
    expect(polarityOfBreakdown(annotations(15, 10, 5) as never)).toBe(1);
    expect(polarityOfBreakdown(annotations(10, 10, 10) as never)).toBe(0);
    expect(polarityOfBreakdown([])).toBeNull();
  });

  it('each bot turn a user answered becomes a record with the turns before it as context', () => {
    const dialogue = {
      'dialogue-id': 'tk-1',
      turns: [
        { speaker: 'S', utterance: 'Hi, what do you like?', 'turn-index': 0, annotations: annotations(30, 0, 0) },
        { speaker: 'U', utterance: 'tacos', 'turn-index': 1, annotations: [] },
        { speaker: 'S', utterance: 'Do not argue with an idiot.', 'turn-index': 2, annotations: annotations(2, 8, 20) },
        { speaker: 'U', utterance: 'what are you talking about?', 'turn-index': 3, annotations: [] },
        { speaker: 'S', utterance: 'Bye.', 'turn-index': 4, annotations: annotations(30, 0, 0) },
      ],
    };
    const records = convertDbdc3Dialogue(dialogue).map((r) => r.record);
    expect(records.map((r) => [r.id, r.label, r.next_user])).toEqual([
      ['dbdc3:tk-1:0', 'positive', 'tacos'],
      ['dbdc3:tk-1:2', 'negative_other', 'what are you talking about?'],
    ]);
    expect(records[1]?.context.map((t) => t.role)).toEqual(['assistant', 'user']);
  });
});

describe('outside split', () => {
  it('is decided per dialogue, stable, and holds out about half', () => {
    expect(outsideSplitOf('dbdc3', 'tk-1')).toBe(outsideSplitOf('dbdc3', 'tk-1'));
    const held = Array.from({ length: 400 }, (_, i) => outsideSplitOf('convai2', `volunteers-${i}`)).filter((s) => s === 'holdout').length;
    expect(held).toBeGreaterThan(160);
    expect(held).toBeLessThan(240);
  });
});

describe('npm run signals:outside (as a child process)', () => {
  const ROOT = resolve(__dirname, '../../..');
  const dir = mkdtempSync(join(tmpdir(), 'signals-outside-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes tune and held-out JSONL per source that the eval reads', async () => {
    const convai2 = join(dir, 'data_volunteers.json');
    writeFileSync(convai2, JSON.stringify(CONVAI2));
    const dbdc = join(dir, 'dbdc', 'en');
    mkdirSync(dbdc, { recursive: true });
    writeFileSync(join(dbdc, 'a.log.json'), JSON.stringify({ 'dialogue-id': 'a', turns: [{ speaker: 'S', utterance: 'hi', annotations: [{ breakdown: 'O' }] }, { speaker: 'U', utterance: 'hello' }] }));
    const out = join(dir, 'out');
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'electron/signals/eval/outside/convert-outside.ts'), '--convai2', convai2, '--dbdc3', join(dir, 'dbdc'), '--out', out], { cwd: ROOT, timeout: 120_000 });
    expect(stdout).toMatch(/convai2\.tune\.jsonl: \d+ records/);
    expect(stdout).toMatch(/convai2-rated\.holdout\.jsonl: \d+ records/);
    let total = 0;
    for (const file of ['convai2.tune', 'convai2.holdout']) {
      const parsed = parseEvalJsonl(readFileSync(join(out, `${file}.jsonl`), 'utf8'));
      expect(parsed.errors).toEqual([]);
      total += parsed.records.length;
    }
    expect(total).toBe(3);
    const dbdcRecords = ['dbdc3.tune', 'dbdc3.holdout'].flatMap((f) => parseEvalJsonl(readFileSync(join(out, `${f}.jsonl`), 'utf8')).records);
    expect(dbdcRecords.map((r) => r.label)).toEqual(['positive']);
  });

  it('a file of the wrong shape stops the run with its name and the problem', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ dialog: 'nope' }]));
    const failed = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'electron/signals/eval/outside/convert-outside.ts'), '--convai2', bad, '--out', join(dir, 'out2')], { cwd: ROOT, timeout: 120_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/bad\.json is not a ConvAI2 wild-evaluation file: 0\.dialog:/);
  });
});
