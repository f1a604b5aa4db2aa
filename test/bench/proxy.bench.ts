import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../box/gateway/server';
import { startSglangTestEngine } from '../support/sglang-test-engine';

/**
 * The chat proxy's added latency: the same streamed chat request sent straight to the SGLang test
 * engine and through the box gateway (which also parses every chunk and writes the turn log),
 * interleaved in one run. Prints time-to-first-token and total time, p50/p99, and the ratios.
 */

const WARMUP = 20;
const ROUNDS = 200;
const TOKEN = 'bench-token-0123456789abcdef';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timedStream(url: string, headers: Record<string, string>, body: string): Promise<{ firstMs: number; totalMs: number }> {
  const start = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let firstMs = -1;
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (firstMs < 0 && text.includes('"content":"')) firstMs = performance.now() - start;
  }
  if (!text.includes('[DONE]')) throw new Error('stream ended without [DONE]');
  return { firstMs, totalMs: performance.now() - start };
}

export default async function bench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'apprentice-proxy-bench-'));
  const engine = await startSglangTestEngine({
    behaviour: { reply: { kind: 'fixed', text: 'The quick brown fox jumps over the lazy dog. '.repeat(4) } },
  });
  const gateway = await startGateway({ sglangUrl: engine.url, token: TOKEN, dataDir, port: 0 }, { log: () => undefined });
  try {
    const request = {
      model: 'qwen',
      stream: true,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Tell me about foxes.' },
      ],
    };
    const body = JSON.stringify(request);
    // The baseline asks the engine for exactly what the gateway asks it for (log-probs and usage),
    // so the difference is the proxy's own work, not extra engine work.
    const directBody = JSON.stringify({ ...request, logprobs: true, stream_options: { include_usage: true } });
    const direct = { url: `${engine.url}/v1/chat/completions`, headers: {} };
    let turn = 0;
    const proxied = () => ({
      url: `${gateway.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${TOKEN}`, 'x-apprentice-turn': `bench-${turn++}` },
    });
    const samples = { direct: [] as { firstMs: number; totalMs: number }[], proxied: [] as { firstMs: number; totalMs: number }[] };
    for (let i = 0; i < WARMUP; i++) {
      await timedStream(direct.url, direct.headers, directBody);
      const p = proxied();
      await timedStream(p.url, p.headers, body);
    }
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate the order so drift (GC, CPU boost) hits both sides alike.
      const p = proxied();
      if (i % 2 === 0) {
        samples.direct.push(await timedStream(direct.url, direct.headers, directBody));
        samples.proxied.push(await timedStream(p.url, p.headers, body));
      } else {
        samples.proxied.push(await timedStream(p.url, p.headers, body));
        samples.direct.push(await timedStream(direct.url, direct.headers, directBody));
      }
    }
    const stored = gateway.turnLog.get(`bench-${turn - 1}`);
    if (!stored || stored.tokens.length === 0) throw new Error('the proxy did not record its turns');

    const row = (label: string, key: 'firstMs' | 'totalMs'): void => {
      const d = samples.direct.map((s) => s[key]);
      const p = samples.proxied.map((s) => s[key]);
      const [d50, d99, p50, p99] = [percentile(d, 50), percentile(d, 99), percentile(p, 50), percentile(p, 99)];
      console.log(
        `${label.padEnd(20)} direct p50 ${d50.toFixed(2)} ms p99 ${d99.toFixed(2)} ms | via gateway p50 ${p50.toFixed(2)} ms p99 ${p99.toFixed(2)} ms` +
          ` | added p50 ${(p50 - d50).toFixed(2)} ms p99 ${(p99 - d99).toFixed(2)} ms | ratio p50 ${(p50 / d50).toFixed(2)}x p99 ${(p99 / d99).toFixed(2)}x`,
      );
    };
    console.log(`chat proxy, ${ROUNDS} streamed requests each way (${stored.tokens.length} tokens per reply, engine latency 0)`);
    row('time to first token', 'firstMs');
    row('time to [DONE]', 'totalMs');
  } finally {
    await gateway.close();
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
