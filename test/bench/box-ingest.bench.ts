/**
 * Issue 12's last row (and issue 11, item 5): the box gateway stays responsive while it takes one
 * large sample. A sample goes in from another process (as an app sends it) while this process probes
 * GET /health back to back; the gateway runs the training plugin (real Qwen3 tokenizer, the SGLang
 * test engine in its own process). Baseline: the same probes with nothing coming in, in the same run.
 *
 *  - 4 MB and 15 MB samples (valid: many messages under the protocol's 1,000,000 characters each):
 *    stored by the ingest worker, settled by the size limit without tokenizing. Goal: no probe > 100 ms.
 *  - a 0.45 MB request without spaces (the test engine echoes it: a 0.9 MB sample), chatted through the gateway first (only replies the box's
 *    policy served are built), then delivered: under the character limit, so it is tokenized, in the
 *    tokenizer worker (4.4 s on the event loop before), then over the token limit and settled without
 *    any engine call. Goal: no probe > 100 ms.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type Gateway } from '../../box/gateway/server';
import { createTrainingPlugin, type TrainingHandle } from '../../box/training/training-plugin';
import type { SignalSample } from '../../shared/protocol/box-stream';
import { makeQwen3ModelFolder } from '../box/tokenizer/qwen3-model-folder';
import { startReadyProcess, type ReadyProcess } from '../e2e/support/child-process';
import { BenchReport, median, percentile } from './bench-report';

const TOKEN = 'bench-token-0123456789abcdef';
const GOAL_MS = 100;

function prose(chars: number): string {
  const sentence = 'The quarterly report shows steady growth across every region, with costs held flat and margins improving. ';
  return sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars);
}

let counter = 0;
function sample(messages: SignalSample['messages'], response: string): SignalSample {
  counter += 1;
  return {
    sampleId: `bench-large-${counter}-${Date.now()}`,
    personaId: 'bench-persona',
    conversationId: 'bench-conversation',
    turnId: `bench-turn-${counter}`,
    messages,
    response,
    nextState: { role: 'feedback', content: 'thumbs down' },
    reward: -1,
    rewardSource: 'explicit',
    signalKind: 'thumb_down',
    confidence: 1,
    hint: null,
    supersedes: null,
    policyVersion: null,
    createdAt: Date.now(),
  };
}

/** A valid sample of about `bytes` of prose: as many messages of 900,000 characters as it takes. */
function largeSample(bytes: number): SignalSample {
  const part = 900_000;
  const parts = Math.max(1, Math.ceil(bytes / part));
  return sample(
    [
      { role: 'system', content: 'You are helpful.' },
      ...Array.from({ length: parts - 1 }, (_, i) => ({ role: i % 2 === 0 ? ('user' as const) : ('assistant' as const), content: prose(part) })),
    ],
    prose(Math.min(part, bytes)),
  );
}

/** Sends from another process and waits for the `waitCount`-th progress event of that kind (replays count). */
function send(
  url: string,
  samples: SignalSample[],
  waitProgress: string,
  waitCount: number,
  served = false,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/send-samples.ts', '--url', url, '--token', TOKEN, '--timeout-ms', '300000', '--wait-progress', waitProgress, '--wait-count', String(waitCount), ...(served ? [] : ['--unserved'])],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(JSON.stringify(samples));
  });
}

/** Probes /health back to back until `until` settles; returns every latency. */
async function probeWhile(gateway: Gateway, until: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const start = performance.now();
    try {
      await (await fetch(`${gateway.url}/health`)).arrayBuffer();
    } catch {
      /* counted with its time */
    }
    latencies.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 5));
  }
  return latencies;
}

export default async function bench(): Promise<void> {
  const report = new BenchReport('box gateway: /health while a large sample is ingested (issue 12 last row, issue 11 item 5)');
  const dataDir = mkdtempSync(join(tmpdir(), 'apprentice-box-ingest-bench-'));
  const folder = makeQwen3ModelFolder();
  let engine: ReadyProcess | null = null;
  let gateway: Gateway | null = null;
  try {
    engine = await startReadyProcess({
      name: 'sglang test engine',
      script: 'test/support/sglang-test-engine-cli.ts',
      args: ['--port', '0'],
      ready: /ready at (http:\/\/\S+)/,
      cwd: process.cwd(),
    });
    let training: TrainingHandle | null = null;
    const plugin = createTrainingPlugin({ modelDir: folder.dir, onPolicySamplesPerHint: 0 }, (handle) => (training = handle));
    gateway = await startGateway({ sglangUrl: engine.match[1]!, token: TOKEN, dataDir, port: 0 }, { log: () => undefined, plugins: [plugin] });
    // The first fetch loads the HTTP client; the tokenizer worker loads meanwhile too.
    await (await fetch(`${gateway.url}/health`)).arrayBuffer();
    await new Promise((r) => setTimeout(r, 3_000));

    const idle = await probeWhile(gateway, new Promise((r) => setTimeout(r, 3_000)));
    report.info(`idle /health: p50 ${median(idle).toFixed(2)} ms, p99 ${percentile(idle, 99).toFixed(2)} ms, max ${Math.max(...idle).toFixed(1)} ms (${idle.length} probes)`);

    let errors = 0;
    for (const mb of [4, 15]) {
      const big = largeSample(mb * 1024 * 1024);
      const sent = send(gateway.url, [big], 'error', ++errors);
      const latencies = await probeWhile(gateway, sent);
      const outcome = await sent;
      if (outcome.code !== 0) throw new Error(`sending the ${mb} MB sample failed: ${outcome.output}`);
      report.bound(`worst /health while a ${mb} MB sample is ingested`, {
        valueMs: Math.max(...latencies),
        maxMs: GOAL_MS,
        note: `(p50 ${median(latencies).toFixed(2)} ms over ${latencies.length} probes; idle max ${Math.max(...idle).toFixed(1)} ms)`,
      });
    }

    // Under the character limit: tokenized (in the tokenizer worker), then settled by the token limit.
    // The test engine's reply echoes the request, so 450,000 characters make a sample of about 0.9 M.
    const word = sample([{ role: 'user', content: 'x'.repeat(450_000) }], '');
    const built = send(gateway.url, [word], 'error', ++errors, true);
    const started = performance.now();
    const latencies = await probeWhile(gateway, built);
    const outcome = await built;
    const state = (training as TrainingHandle | null)?.queue.sourceState(word.sampleId);
    if (outcome.code !== 0 || state?.state !== 'failed' || !/tokens/.test(state.lastError ?? '')) {
      throw new Error(`the no-space sample was not settled by its token count: ${state?.state} ${state?.lastError} ${outcome.output}`);
    }
    report.bound('worst /health while a 0.45 MB request without spaces (echoed back: a 0.9 MB sample) is served, delivered and tokenized', {
      valueMs: Math.max(...latencies),
      maxMs: GOAL_MS,
      note: `(settled after ${((performance.now() - started) / 1000).toFixed(1)} s: ${state.lastError}; p50 ${median(latencies).toFixed(2)} ms over ${latencies.length} probes)`,
    });
  } finally {
    await gateway?.close();
    await engine?.stop();
    folder.remove();
    rmSync(dataDir, { recursive: true, force: true });
  }
  report.finish();
}
