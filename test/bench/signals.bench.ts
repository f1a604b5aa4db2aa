/**
 * Signal engine heuristic path: throughput and per-message p50/p99 over 10k generated turns
 * (target p99 < 1 ms), against a naive lowercase+split pass over the same inputs in the same run.
 */
import { classifyFollowUp } from '../../electron/signals';
import type { FollowUpInput } from '../../electron/signals/types';
import { seededRandom } from '../support/seeded-random';

const PAIRS = 10_000;
const WARMUP = 1_000;

const REQUESTS = [
  'How do I reverse a list in Python?',
  'Write an email to my landlord about the broken heating.',
  'Plan a 3-day trip to Lisbon on a budget.',
  'What temperature should I roast a chicken at?',
  'Explain what a closure is in JavaScript.',
  'Summarize this article in three bullet points.',
  'Wie lange muss ich Spaghetti kochen?',
  'Give me a 20-minute workout with no equipment.',
];
const REPLIES = [
  'You can use my_list.reverse() to reverse it in place, or my_list[::-1] for a reversed copy.',
  'Dear Mr. Smith, I hope this message finds you well. I am writing about the heating, which has stopped working since Monday.',
  'Day 1: Alfama and the castle. Day 2: Belém and the riverside. Day 3: a day trip to Sintra. Would you like hotel ideas?',
  'Roast at 220°C for about 20 minutes per 500 g, until the thickest part reaches 74°C.',
];
const NEXT = [
  'thanks, that worked!',
  'perfect 👍',
  'no, I meant descending order',
  'Thanks, but can you make it shorter?',
  'change the date to Friday please',
  "that's wrong, it's 1989",
  'you forgot the salt',
  "don't use jargon",
  'I asked how to do it in place',
  'How do I reverse a python list?',
  'great, another wall of text',
  'this is useless',
  'ok',
  'hmm',
  'What about sorting by two keys?',
  'What is the capital of Mongolia?',
  'Danke, aber bitte kürzer',
  'merci beaucoup !',
  '谢谢',
  'I get TypeError: cannot read properties of undefined (reading "map") on line 42 when I run it',
];

function generate(n: number): FollowUpInput[] {
  const next = seededRandom(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const out: FollowUpInput[] = [];
  for (let i = 0; i < n; i += 1) {
    let nextUser = pick(NEXT);
    // Some messages are long (pasted logs or code): 1 in 50 gets 2–8 KB of text around the cue.
    if (next() < 0.02) nextUser = `${'stack frame at module.function (file.js:10:5)\n'.repeat(40 + Math.floor(next() * 150))}${nextUser}`;
    out.push({ context: [{ role: 'system', content: 'Be helpful.' }, { role: 'user', content: pick(REQUESTS) }], assistant: pick(REPLIES), nextUser });
  }
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** The baseline: what any per-message pass costs at least (lower-case, split into words, one set lookup). */
const THANKS = new Set(['thanks', 'thank', 'perfect', 'great']);
function naivePass(input: FollowUpInput): number {
  let hits = 0;
  for (const w of input.nextUser.toLowerCase().split(/\s+/)) if (THANKS.has(w)) hits += 1;
  return hits;
}

export default async function bench(): Promise<void> {
  const inputs = generate(PAIRS);
  for (const input of inputs.slice(0, WARMUP)) classifyFollowUp(input);
  for (const input of inputs.slice(0, WARMUP)) naivePass(input);

  const latencies = new Float64Array(inputs.length);
  const labels = new Map<string, number>();
  const t0 = performance.now();
  for (let i = 0; i < inputs.length; i += 1) {
    const s = performance.now();
    const v = classifyFollowUp(inputs[i] as FollowUpInput);
    latencies[i] = performance.now() - s;
    labels.set(v.label, (labels.get(v.label) ?? 0) + 1);
  }
  const engineMs = performance.now() - t0;

  let sink = 0;
  const b0 = performance.now();
  for (const input of inputs) sink += naivePass(input);
  const baselineMs = performance.now() - b0;

  latencies.sort();
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const max = latencies[latencies.length - 1] as number;
  console.log(`signals: classifyFollowUp over ${PAIRS} generated turns (after ${WARMUP} warm-up)`);
  console.log(`  throughput: ${Math.round(PAIRS / (engineMs / 1000))} messages/s`);
  console.log(`  latency per message: p50 ${(p50 * 1000).toFixed(1)} µs, p99 ${(p99 * 1000).toFixed(1)} µs, max ${(max * 1000).toFixed(1)} µs`);
  console.log(`  p99 < 1 ms: ${p99 < 1 ? 'yes' : 'NO'}`);
  console.log(`  labels: ${[...labels].map(([l, n]) => `${l} ${n}`).join(', ')}`);
  console.log(`  baseline (lowercase + split + set lookup): ${Math.round(PAIRS / (baselineMs / 1000))} messages/s (checksum ${sink})`);
  console.log(`  ratio engine/baseline time: ${(engineMs / baselineMs).toFixed(1)}x`);
}
