import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { SglangClient } from '../../box/sglang/sglang-client';
import { ConcurrencyLimit } from '../../box/samples/concurrency-limit';
import { scoreResponseTokens } from '../../box/samples/score-response-tokens';
import { appendHintToMessages } from '../../box/samples/teacher-prompt';
import { loadModelTokenizer } from '../../box/tokenizer/load-model-folder';
import { makeQwen3ModelFolder } from '../box/tokenizer/qwen3-model-folder';

/**
 * Teacher-scoring throughput: OPD needs one /generate (max_new_tokens 0) per sample to score the
 * response under the hinted prompt. Measures samples/s and response tokens/s against the SGLang
 * test engine (its own process, so client and engine work overlap as with a real server),
 * sequential (baseline) vs bounded-concurrent scoring through ConcurrencyLimit, in the same run.
 * The test engine computes every request on one JS thread, so it shows the pipeline's overhead;
 * real SGLang batches concurrent prefills. To measure one: APPRENTICE_BENCH_SGLANG_URL=http://...
 * APPRENTICE_MODEL_DIR=/path/to/model npm run bench -- teacher
 */

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLES = 120;
const CONCURRENCY = [2, 4, 8];
const ROUNDS = 5;

async function startEngineProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../support/sglang-test-engine-cli.ts'), '--port', '0', '--exit-on-stdin-close'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`engine exited early (${code})`)));
    lines.on('line', (line) => {
      const match = /ready at (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

function corpus(i: number): { messages: { role: 'system' | 'user'; content: string }[]; response: string; hint: string } {
  const topics = ['commas', '光合作用', 'recursion', 'the Roman roads 🏛️', 'sourdough', 'Rust lifetimes'];
  const topic = topics[i % topics.length]!;
  const sentence = `Here is a careful explanation of ${topic}, step ${i}: first the idea, then an example — 例えば 😀 — and a summary. `;
  return {
    messages: [
      { role: 'system', content: 'You are a patient tutor.' },
      { role: 'user', content: `Explain ${topic} to me (question ${i}).` },
    ],
    response: sentence.repeat(4 + (i % 5)),
    hint: 'Be shorter and start with a concrete example.',
  };
}

export default async function bench(): Promise<void> {
  const realUrl = process.env.APPRENTICE_BENCH_SGLANG_URL;
  const realModel = process.env.APPRENTICE_MODEL_DIR;
  if (realUrl && !realModel) throw new Error('APPRENTICE_BENCH_SGLANG_URL needs APPRENTICE_MODEL_DIR (the served model folder)');
  const folder = realModel ? { dir: realModel, remove: () => undefined } : makeQwen3ModelFolder();
  const engine = realUrl ? { url: realUrl, stop: async () => undefined } : await startEngineProcess();
  try {
    const tok = loadModelTokenizer(folder.dir);
    const kwargs = { enable_thinking: false };
    const jobs = Array.from({ length: SAMPLES }, (_, i) => {
      const c = corpus(i);
      return {
        teacherPrompt: tok.promptIds(appendHintToMessages(c.messages, c.hint), kwargs),
        responseIds: tok.responseIdsFromText(c.messages, c.response, kwargs),
      };
    });
    const tokens = jobs.reduce((n, j) => n + j.responseIds.length, 0);
    const client = new SglangClient({ url: engine.url });

    const run = async (limit: ConcurrencyLimit): Promise<number> => {
      const start = performance.now();
      await Promise.all(jobs.map((j) => limit.run(() => scoreResponseTokens(client, j.teacherPrompt, j.responseIds))));
      return (performance.now() - start) / 1000;
    };
    const report = (label: string, seconds: number): string =>
      `${label.padEnd(22)} ${(SAMPLES / seconds).toFixed(1).padStart(7)} samples/s ${(tokens / seconds).toFixed(0).padStart(8)} tokens/s`;

    await run(new ConcurrencyLimit(4)); // warm up JIT and connections on both sides, discarded
    // Rounds interleave the settings so load from other processes hits them alike; medians count.
    const settings = [1, ...CONCURRENCY];
    const times = new Map<number, number[]>(settings.map((n) => [n, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of settings) times.get(n)!.push(await run(new ConcurrencyLimit(n)));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const sequential = median(times.get(1)!);
    console.log(
      `teacher scoring: ${SAMPLES} samples, ${tokens} response tokens (avg ${(tokens / SAMPLES).toFixed(0)}), ` +
        `${realUrl ? `SGLang at ${realUrl}` : 'SGLang test engine in its own process'}, median of ${ROUNDS} interleaved rounds`,
    );
    console.log(report('sequential (baseline)', sequential));
    for (const n of CONCURRENCY) {
      const seconds = median(times.get(n)!);
      console.log(`${report(`concurrency ${n}`, seconds)}   ratio vs sequential: ${(sequential / seconds).toFixed(2)}x`);
    }
  } finally {
    await engine.stop();
    folder.remove();
  }
}
