import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import {
  BOX_PROTOCOL_VERSION,
  BOX_STREAM_PATH,
  ServerFrameSchema,
  SignalSampleSchema,
  type ProgressEvent,
  type ServerFrame,
  type SignalSample,
} from '../../shared/protocol/box-stream';
import { CHAT_HEADER_CONVERSATION, CHAT_HEADER_PERSONA, CHAT_HEADER_TURN } from '../../shared/protocol/chat-headers';

/**
 * Acts like the app towards a box gateway, for tests in other languages (pytest):
 *   npx tsx test/support/send-samples.ts --url http://127.0.0.1:PORT --token T [--timeout-ms N]
 *     [--wait-progress KIND [--wait-count N]] [--unserved]  < samples.json
 * stdin: a JSON array of SignalSamples (or {"samples": [...]}). First, as the app's chat does, each
 * sample's turn is served through the gateway (POST /v1/chat/completions with the x-apprentice-turn
 * header) and the sample's response becomes the text the box's policy wrote: only such replies train.
 * `--unserved` skips that (the samples then stand for replies from another endpoint). Then it opens
 * ws /v1/stream with the bearer token, says hello, sends every sample and waits for its ack/reject. With --wait-progress it then
 * keeps listening until N progress events of that kind arrived (e.g. training_step after a report).
 * Prints one JSON line {acked, duplicates, rejected, progress, policyVersion}; exits 0 when every
 * sample was acked (and the progress events came), 1 otherwise, 2 on bad input.
 */

const StdinSchema = z.union([z.array(SignalSampleSchema), z.object({ samples: z.array(SignalSampleSchema) })]);

interface Outcome {
  acked: string[];
  duplicates: string[];
  rejected: { sampleId: string; error: string }[];
  progress: ProgressEvent[];
  policyVersion: string | null;
  error?: string;
}

/** Serves the turn through the gateway's chat proxy (non-streamed) and returns the policy's reply text. */
async function serveTurn(base: string, token: string, sample: SignalSample): Promise<SignalSample> {
  const res = await fetch(new URL('/v1/chat/completions', base), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      [CHAT_HEADER_TURN]: sample.turnId,
      [CHAT_HEADER_PERSONA]: sample.personaId,
      [CHAT_HEADER_CONVERSATION]: sample.conversationId,
    },
    body: JSON.stringify({ messages: sample.messages, stream: false, chat_template_kwargs: { enable_thinking: false } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`serving turn ${sample.turnId} failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  const reply = ServedReplySchema.parse(JSON.parse(text));
  return { ...sample, response: reply.choices[0]?.message.content ?? '' };
}

const ServedReplySchema = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }) })) });

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function streamUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.pathname = BOX_STREAM_PATH;
  return url.toString();
}

function sendAll(
  url: string,
  token: string,
  samples: SignalSample[],
  waitKind: string | undefined,
  waitCount: number,
  timeoutMs: number,
): Promise<Outcome> {
  const outcome: Outcome = { acked: [], duplicates: [], rejected: [], progress: [], policyVersion: null };
  const outstanding = new Set(samples.map((s) => s.sampleId));
  let welcomed = false;
  return new Promise((resolve) => {
    const ws = new WebSocket(streamUrl(url), { headers: { Authorization: `Bearer ${token}` } });
    const finish = (error?: string): void => {
      clearTimeout(timer);
      if (error) outcome.error = error;
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.close();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish(`timed out after ${timeoutMs} ms: ${outstanding.size} sample(s) unanswered, ${outcome.progress.length} progress event(s)`);
    }, timeoutMs);
    const doneWaiting = (): boolean =>
      outstanding.size === 0 &&
      (waitKind === undefined || outcome.progress.filter((e) => e.kind === waitKind).length >= waitCount);

    ws.on('unexpected-response', (_req, res) => finish(`upgrade refused: HTTP ${res.statusCode}`));
    ws.on('error', (error) => finish(`ws error: ${error.message}`));
    ws.on('close', (code, reason) => finish(`closed by the box: ${code} ${reason.toString()}`));
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello', protocol: BOX_PROTOCOL_VERSION, clientId: `send-samples-${randomUUID()}`, progressAfter: 0 }));
    });
    ws.on('message', (data) => {
      let frame: ServerFrame;
      try {
        frame = ServerFrameSchema.parse(JSON.parse(data.toString()));
      } catch (error) {
        finish(`bad frame from the box: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      switch (frame.type) {
        case 'welcome':
          welcomed = true;
          outcome.policyVersion = frame.policyVersion;
          for (const sample of samples) ws.send(JSON.stringify({ type: 'sample', sample }));
          break;
        case 'ack':
          outstanding.delete(frame.sampleId);
          (frame.duplicate ? outcome.duplicates : outcome.acked).push(frame.sampleId);
          break;
        case 'retry': {
          // The box could not store it just now; send it again, as the app's sync worker does.
          const again = samples.find((s) => s.sampleId === frame.sampleId);
          if (again) setTimeout(() => ws.send(JSON.stringify({ type: 'sample', sample: again })), 500);
          break;
        }
        case 'reject':
          outstanding.delete(frame.sampleId);
          outcome.rejected.push({ sampleId: frame.sampleId, error: frame.error });
          break;
        case 'progress':
          outcome.progress.push(frame.event);
          break;
        case 'incompatible':
          finish(`incompatible box: ${frame.message}`);
          return;
        case 'error':
          finish(`box error: ${frame.message}`);
          return;
      }
      if (welcomed && doneWaiting()) finish();
    });
  });
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'wait-progress': { type: 'string' },
        'wait-count': { type: 'string' },
        unserved: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  if (!values.url || values.token === undefined) {
    console.error('usage: send-samples.ts --url http://HOST:PORT --token T [--timeout-ms N] [--wait-progress KIND] < samples.json');
    process.exit(2);
  }
  const timeoutMs = Number(values['timeout-ms'] ?? 30_000);
  const waitCount = Number(values['wait-count'] ?? 1);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || !Number.isInteger(waitCount) || waitCount < 1) {
    console.error('--timeout-ms and --wait-count must be positive integers');
    process.exit(2);
  }
  const parsed = StdinSchema.safeParse(JSON.parse(await readStdin()));
  if (!parsed.success) {
    console.error(`stdin is not a list of SignalSamples: ${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  const given = Array.isArray(parsed.data) ? parsed.data : parsed.data.samples;
  let samples: SignalSample[];
  try {
    samples = values.unserved ? given : await Promise.all(given.map((sample) => serveTurn(values.url!, values.token!, sample)));
  } catch (error) {
    console.log(JSON.stringify({ acked: [], duplicates: [], rejected: [], progress: [], policyVersion: null, error: String(error) }));
    process.exit(1);
  }
  const outcome = await sendAll(values.url, values.token, samples, values['wait-progress'], waitCount, timeoutMs);
  console.log(JSON.stringify(outcome));
  const ok = !outcome.error && outcome.rejected.length === 0 && outcome.acked.length + outcome.duplicates.length === samples.length;
  process.exit(ok ? 0 : 1);
}

void main();
