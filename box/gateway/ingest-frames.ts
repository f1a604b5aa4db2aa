import { z } from 'zod';
import { IdSchema } from '../../shared/domain';
import {
  ClientFrameSchema,
  SampleBatchEnvelopeSchema,
  SignalSampleSchema,
  type ServerFrame,
  type SignalSample,
} from '../../shared/protocol/box-stream';
import type { SampleLog, SampleToStore } from './sample-log';
import type { Withdrawal, WithdrawalLog } from './withdrawal-log';

/** One frame an app sent after its hello, as text. */
export interface FrameInput {
  id: number;
  clientId: string;
  receivedAt: number;
  text: string;
}

/**
 * A sample this flush stored for the first time (hooks hear of it once the acks are out). Its body
 * stays behind: copying every sample back to the gateway's thread cost both threads more than the
 * parse it saved, and the training plugin needs only the ids; a hook listener that reads `sample`
 * has it read from the sample log.
 */
export interface StoredNote {
  sampleId: string;
  personaId: string;
  turnId: string;
  supersedes: string | null;
  clientId: string;
  receivedAt: number;
  /** Length of the stored JSON: plugins bound their work by it without reading the row again. */
  bodyChars: number;
}

export interface FrameOutcome {
  id: number;
  /** What to answer, in order. */
  replies: ServerFrame[];
  stored: StoredNote[];
  /** Withdrawals this frame recorded for the first time (hooks hear of them after the answer). */
  withdrawn: Withdrawal[];
}

export interface IngestLogLine {
  level: 'warn' | 'error';
  message: string;
}

interface Candidate extends SampleToStore {
  frame: number;
  /** Answer with `acks` (a batch) or `ack` (a single-sample frame). */
  batched: boolean;
}

interface Parsed {
  replies: ServerFrame[];
  candidates: Candidate[];
  withdrawal: Withdrawal | null;
}

/**
 * Answers every frame an app sent after hello: parses and validates each, stores the valid samples
 * of all of them in one transaction (each in its own savepoint) and acks them only after its commit.
 * `sample` frames get `ack`; `samples` frames get one `acks` for those stored, plus a `reject` (never
 * valid) or `retry` (not stored this time) for each of the others. Runs in the ingest worker thread,
 * so a 15 MB frame is parsed off the gateway's event loop.
 */
export function ingestFrames(
  frames: readonly FrameInput[],
  sampleLog: SampleLog,
  withdrawalLog: WithdrawalLog,
  log: (line: IngestLogLine) => void,
): FrameOutcome[] {
  const parsed = frames.map((frame, index) => parseFrame(frame, index));
  const candidates = parsed.flatMap((p) => p.candidates);
  let results: ({ duplicate: boolean } | { error: string })[];
  try {
    results = candidates.length > 0 ? sampleLog.storeBatch(candidates) : [];
  } catch (error) {
    // The commit failed: nothing of this flush is stored, and nothing is acked.
    const message = (error as Error).message;
    results = candidates.map(() => ({ error: message }));
  }

  const outcomes = frames.map((frame, index): FrameOutcome => ({ id: frame.id, replies: [...parsed[index]!.replies], stored: [], withdrawn: [] }));
  const acks = new Map<number, { sampleId: string; duplicate: boolean }[]>();
  candidates.forEach((candidate, i) => {
    const result = results[i]!;
    const outcome = outcomes[candidate.frame]!;
    const { sampleId } = candidate.sample;
    if ('error' in result) {
      log({ level: 'error', message: `could not store sample ${sampleId}: ${result.error}` });
      outcome.replies.push({ type: 'retry', sampleId, error: `the box could not store it: ${result.error}` });
      return;
    }
    if (candidate.batched) acks.set(candidate.frame, [...(acks.get(candidate.frame) ?? []), { sampleId, duplicate: result.duplicate }]);
    else outcome.replies.push({ type: 'ack', sampleId, duplicate: result.duplicate });
    if (!result.duplicate) {
      const { sample } = candidate;
      outcome.stored.push({
        sampleId,
        personaId: sample.personaId,
        turnId: sample.turnId,
        supersedes: sample.supersedes,
        clientId: candidate.clientId,
        receivedAt: candidate.receivedAt,
        bodyChars: candidate.body.length,
      });
    }
  });
  for (const [frame, list] of acks) outcomes[frame]!.replies.push({ type: 'acks', acks: list });
  parsed.forEach((p, index) => {
    if (!p.withdrawal) return;
    const outcome = outcomes[index]!;
    const { sampleId } = p.withdrawal;
    try {
      // Recorded durably first, then answered; a repeat is answered again and changes nothing.
      const { duplicate } = withdrawalLog.record(p.withdrawal, frames[index]!.receivedAt);
      outcome.replies.push({ type: 'withdrawn', sampleId });
      if (!duplicate) outcome.withdrawn.push(p.withdrawal);
    } catch (error) {
      // Not recorded, so no answer: the app keeps it and sends it again on its next pump or connection.
      log({ level: 'error', message: `could not record the withdrawal of ${sampleId}: ${(error as Error).message}` });
      outcome.replies.push({ type: 'error', message: `the box could not record the withdrawal of ${sampleId}: ${(error as Error).message}` });
    }
  });
  return outcomes;
}

function parseFrame(frame: FrameInput, index: number): Parsed {
  const out: Parsed = { replies: [], candidates: [], withdrawal: null };
  let raw: unknown;
  try {
    raw = JSON.parse(frame.text);
  } catch (error) {
    out.replies.push({ type: 'error', message: `frame is not valid JSON: ${(error as Error).message}` });
    return out;
  }
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  const candidate = (sample: SignalSample, batched: boolean): Candidate => ({
    sample,
    body: JSON.stringify(sample),
    clientId: frame.clientId,
    receivedAt: frame.receivedAt,
    frame: index,
    batched,
  });

  if (type === 'hello') {
    out.replies.push({ type: 'error', message: 'hello was already received on this connection; ignored' });
    return out;
  }
  if (type === 'samples') {
    const envelope = SampleBatchEnvelopeSchema.safeParse(raw);
    const items = Array.isArray((raw as { samples?: unknown }).samples) ? ((raw as { samples: unknown[] }).samples) : null;
    if (!envelope.success) {
      const error = `invalid "samples" frame: ${z.prettifyError(envelope.error)}`;
      // Refuse each sample that names itself, so the app settles them instead of resending forever.
      const ids = (items ?? []).flatMap((item) => sampleIdOf(item) ?? []);
      if (ids.length === 0) out.replies.push({ type: 'error', message: error });
      for (const sampleId of ids) out.replies.push({ type: 'reject', sampleId, error });
      return out;
    }
    for (const item of envelope.data.samples) {
      const sample = SignalSampleSchema.safeParse(item);
      if (sample.success) {
        out.candidates.push(candidate(sample.data, true));
        continue;
      }
      const error = `invalid sample in a "samples" frame: ${z.prettifyError(sample.error)}`;
      const sampleId = sampleIdOf(item);
      out.replies.push(sampleId ? { type: 'reject', sampleId, error } : { type: 'error', message: error });
    }
    return out;
  }
  const parsed = ClientFrameSchema.safeParse(raw);
  if (!parsed.success) {
    const sampleId = type === 'sample' ? sampleIdOf((raw as { sample?: unknown }).sample) : null;
    const error = `invalid ${typeof type === 'string' ? `"${type.slice(0, 40)}"` : 'untyped'} frame: ${z.prettifyError(parsed.error)}`;
    out.replies.push(sampleId ? { type: 'reject', sampleId, error } : { type: 'error', message: error });
    return out;
  }
  if (parsed.data.type === 'sample') out.candidates.push(candidate(parsed.data.sample, false));
  if (parsed.data.type === 'withdraw') {
    const { sampleId, personaId, at } = parsed.data;
    out.withdrawal = { sampleId, personaId, clientId: frame.clientId, at };
  }
  return out;
}

function sampleIdOf(item: unknown): string | null {
  const id = IdSchema.safeParse((item as { sampleId?: unknown } | null | undefined)?.sampleId);
  return id.success ? id.data : null;
}
