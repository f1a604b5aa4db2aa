import {
  TRAINER_BATCH_PATH,
  TRAINER_REPORT_PATH,
  TRAINER_WEIGHTS_PATH,
  TrainerBatchResponseSchema,
  type TrainerReport,
  type TrainerWeights,
} from '../../../shared/protocol/trainer-api';

/**
 * Plays the slime trainer against the gateway's real trainer API (the GPU side's edge): take a
 * batch, report a step with metrics, announce the new weights. Returns how many samples trained.
 */
export async function runTrainingStep(options: {
  boxUrl: string;
  token: string;
  step: number;
  batchSize: number;
  loss: number;
  policyVersion: string;
  waitMs?: number;
}): Promise<number> {
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const batchUrl = new URL(TRAINER_BATCH_PATH, options.boxUrl);
  batchUrl.searchParams.set('size', String(options.batchSize));
  batchUrl.searchParams.set('timeoutMs', String(options.waitMs ?? 5_000));
  const batchResponse = await fetch(batchUrl, { headers });
  if (!batchResponse.ok) throw new Error(`trainer batch: HTTP ${batchResponse.status} ${await batchResponse.text()}`);
  const { batch } = TrainerBatchResponseSchema.parse(await batchResponse.json());
  if (batch.length === 0) return 0;

  const post = async (path: string, body: TrainerReport | TrainerWeights) => {
    const response = await fetch(new URL(path, options.boxUrl), { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`trainer ${path}: HTTP ${response.status} ${await response.text()}`);
  };
  await post(TRAINER_WEIGHTS_PATH, { state: 'updating', policyVersion: null });
  await post(TRAINER_REPORT_PATH, {
    step: options.step,
    policyVersion: options.policyVersion,
    metrics: { loss: options.loss },
    sampleIds: batch.map((s) => s.sampleId),
  });
  await post(TRAINER_WEIGHTS_PATH, { state: 'ready', policyVersion: options.policyVersion });
  return batch.length;
}
