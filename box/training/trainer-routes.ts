import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  TRAINER_BATCH_PATH,
  TRAINER_CONFIRM_PATH,
  TRAINER_REJECT_PATH,
  TRAINER_REPORT_PATH,
  TRAINER_WEIGHTS_PATH,
  TrainerBatchQuerySchema,
  TrainerConfirmSchema,
  TrainerRejectSchema,
  TrainerReportSchema,
  TrainerWeightsSchema,
  type TrainerBatchResponse,
  type TrainerConfirmResponse,
  type TrainerReject,
  type TrainerReport,
  type TrainerWeights,
  type TrainerWeightsResponse,
} from '../../shared/protocol/trainer-api';
import { BodyError, readJsonBody, sendJson } from '../gateway/json-body';
import { sendOpenAIError } from '../gateway/openai-error';
import type { RouteContext, RouteHandler } from '../gateway/http-router';
import type { ReportOutcome } from './training-queue';
import type { TrainerSample } from '../../shared/protocol/trainer-api';

export interface TrainerApi {
  waitForBatch(size: number, timeoutMs: number, signal: AbortSignal): Promise<TrainerSample[]>;
  policyVersion(): string | null;
  report(report: TrainerReport): ReportOutcome;
  /** Which of these samples the trainer must drop (see TrainingQueue.confirm). */
  confirm(sampleIds: readonly string[]): string[];
  /** Settles samples the trainer refused as failed; returns the ids it changed. */
  reject(body: TrainerReject): string[];
  weights(update: TrainerWeights): void;
  /** Whether chat is held for a weight update right now (a heartbeat sender stops when it is not). */
  weightsUpdating(): boolean;
  /** Resolves with the work still running on the policy engine once none is, or after `timeoutMs`. */
  drainEngine(timeoutMs: number, signal: AbortSignal): Promise<{ replies: number; builds: number }>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function badRequest(res: ServerResponse, message: string): void {
  sendOpenAIError(res, 400, 'invalid_request_error', message);
}

async function parseBody<T>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>, what: string): Promise<T | null> {
  let raw: unknown;
  try {
    raw = await readJsonBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyError) {
      sendOpenAIError(res, error.status, 'invalid_request_error', error.message);
      return null;
    }
    throw error;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    badRequest(res, `invalid ${what}: ${z.prettifyError(parsed.error)}`);
    return null;
  }
  return parsed.data;
}

/** The trainer API routes (shared/protocol/trainer-api.ts); the gateway guards them with its bearer token. */
export function trainerRoutes(api: TrainerApi): { method: 'GET' | 'POST'; path: string; handler: RouteHandler }[] {
  const batch: RouteHandler = async (req, res, { url }: RouteContext) => {
    const query = TrainerBatchQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return badRequest(res, `invalid batch query (size=1..4096, timeoutMs=0..600000): ${z.prettifyError(query.error)}`);
    const gone = new AbortController();
    // Leasing to a trainer that hung up would park samples until their lease lapses.
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let samples: TrainerSample[];
    try {
      samples = await api.waitForBatch(query.data.size, query.data.timeoutMs, gone.signal);
    } catch (error) {
      if (gone.signal.aborted) return;
      throw error;
    }
    const body: TrainerBatchResponse = { batch: samples, policyVersion: api.policyVersion() };
    sendJson(res, 200, body);
  };

  const report: RouteHandler = async (req, res) => {
    const parsed = await parseBody(req, res, TrainerReportSchema, 'trainer report');
    if (!parsed) return;
    const outcome = api.report(parsed);
    sendJson(res, 200, {
      trained: outcome.trained.map((t) => t.sampleId),
      alreadyTrained: outcome.alreadyTrained,
      unknown: outcome.unknown,
      withdrawn: outcome.withdrawn,
    });
  };

  const reject: RouteHandler = async (req, res) => {
    const parsed = await parseBody(req, res, TrainerRejectSchema, 'reject request');
    if (!parsed) return;
    sendJson(res, 200, { failed: api.reject(parsed) });
  };

  const confirm: RouteHandler = async (req, res) => {
    const parsed = await parseBody(req, res, TrainerConfirmSchema, 'confirm request');
    if (!parsed) return;
    const body: TrainerConfirmResponse = { withdrawn: api.confirm(parsed.sampleIds) };
    sendJson(res, 200, body);
  };

  const weights: RouteHandler = async (req, res) => {
    const parsed = await parseBody(req, res, TrainerWeightsSchema, 'weights update');
    if (!parsed) return;
    api.weights(parsed);
    const draining = parsed.state === 'updating' && !parsed.heartbeat && parsed.drainTimeoutMs !== undefined;
    // Chat is held from now on; with drainTimeoutMs the push waits for the work already running.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const left = await api.drainEngine(draining ? parsed.drainTimeoutMs! : 0, gone.signal);
    if (gone.signal.aborted && !res.writable) return;
    const body: TrainerWeightsResponse = {
      state: parsed.state,
      policyVersion: api.policyVersion(),
      updating: api.weightsUpdating(),
      activeReplies: left.replies,
      activeBuilds: left.builds,
    };
    sendJson(res, 200, body);
  };

  return [
    { method: 'GET', path: TRAINER_BATCH_PATH, handler: batch },
    { method: 'POST', path: TRAINER_REPORT_PATH, handler: report },
    { method: 'POST', path: TRAINER_CONFIRM_PATH, handler: confirm },
    { method: 'POST', path: TRAINER_REJECT_PATH, handler: reject },
    { method: 'POST', path: TRAINER_WEIGHTS_PATH, handler: weights },
  ];
}
