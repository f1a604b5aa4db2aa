import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSample, TEST_TOKEN } from './gateway-fixture';
import { useTrainingGateway } from '../training/training-gateway';

/**
 * Issue 11, item 5: one valid large sample must not stall the box. A 15 MB sample goes in from another
 * process (as an app would send it; --unserved: its turn is not chatted through this gateway first,
 * this is about ingest) while this one probes GET /health back to back; the gateway
 * parses and stores it in its ingest worker, and the training side settles it by its size without
 * tokenizing it. Before, tokenizing it on the event loop left /health unanswered for about a minute.
 *
 * The bound here is generous for a loaded 2-core machine (the benchmark holds the 100 ms goal); what
 * it catches is a stall of seconds.
 */
const PROBE_BOUND_MS = 400;
const SAMPLE_MB = 15;

/** Plain prose, as a pasted document would be: tokenizing it is slow, parsing it is not trivial. */
function prose(chars: number): string {
  const sentence = 'The quarterly report shows steady growth across every region, with costs held flat and margins improving. ';
  return sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars);
}

function sendFromAnotherProcess(url: string, samplesFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/send-samples.ts', '--url', url, '--token', TEST_TOKEN, '--timeout-ms', '60000', '--wait-progress', 'error', '--unserved'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(samplesFile);
  });
}

describe('box gateway under a large sample', () => {
  const box = useTrainingGateway({});

  it(`answers every /health probe within ${PROBE_BOUND_MS} ms while a ${SAMPLE_MB} MB sample is stored and settled`, async () => {
    const gateway = box.fixture.gateway;
    // Valid: no message or reply over the protocol's 1,000,000 characters, so a long pasted thread.
    const part = 900_000;
    const parts = Math.ceil((SAMPLE_MB * 1024 * 1024) / part);
    const sample = makeSample({
      messages: [
        { role: 'system', content: 'You are helpful.' },
        ...Array.from({ length: parts - 1 }, (_, i) => ({ role: i % 2 === 0 ? ('user' as const) : ('assistant' as const), content: prose(part) })),
      ],
      response: prose(part),
      reward: -1,
      rewardSource: 'explicit',
      signalKind: 'thumb_down',
    });
    const dir = mkdtempSync(join(tmpdir(), 'apprentice-big-sample-'));
    try {
      const file = join(dir, 'samples.json');
      writeFileSync(file, JSON.stringify([sample]));
      const body = readFileSync(file, 'utf8');
      expect(body.length).toBeGreaterThan(SAMPLE_MB * 1_000_000);

      // The first fetch of a process loads its HTTP client, and starting a process stalls its parent:
      // neither is the gateway's time. The sender takes a few seconds to start and connect.
      await (await fetch(`${gateway.url}/health`)).arrayBuffer();
      const sending = sendFromAnotherProcess(gateway.url, body);
      const latencies: number[] = [];
      let probing = true;
      const failures: string[] = [];
      const probes = (async () => {
        while (probing) {
          const start = performance.now();
          try {
            const res = await fetch(`${gateway.url}/health`, { signal: AbortSignal.timeout(60_000) });
            await res.arrayBuffer();
            if (res.status !== 200) failures.push(`HTTP ${res.status}`);
          } catch (error) {
            // A stalled loop can also end in a reset connection: it counts with the time it took.
            failures.push((error as Error).message);
          }
          latencies.push(performance.now() - start);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const sent = await sending;
      // Keep probing a moment after: the training side settles the sample after the ack.
      await new Promise((r) => setTimeout(r, 1_000));
      probing = false;
      await probes;

      const worst = Math.max(...latencies);
      expect(worst, `worst /health latency ${worst.toFixed(0)} ms over ${latencies.length} probes`).toBeLessThan(PROBE_BOUND_MS);
      expect(failures).toEqual([]);
      expect(sent.code, sent.output).toBe(0);
      const outcome = JSON.parse(sent.output.trim().split('\n').at(-1)!) as { acked: string[]; progress: { kind: string; message: string }[] };
      expect(outcome.acked).toEqual([sample.sampleId]);
      // Nothing lost: stored as delivered, and the user is told why it will not train.
      expect(gateway.sampleLog.body(sample.sampleId)?.length).toBe(body.length - 2);
      const error = outcome.progress.find((e) => e.kind === 'error');
      expect(error?.message).toMatch(/more than the 1,000,000 this box builds training samples from/);
      expect(box.training.queue.sourceState(sample.sampleId)).toMatchObject({ state: 'failed', permanent: true });

      expect(latencies.length).toBeGreaterThan(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
