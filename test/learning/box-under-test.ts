import type { ProgressEvent, SignalSample } from '../../shared/protocol/box-stream';
import { startGateway, type Gateway } from '../../box/gateway/server';
import { createTrainingPlugin, type TrainingHandle, type TrainingOptions } from '../../box/training/training-plugin';

/**
 * The box gateway with the training plugin, in this process, pointed at the tiny engines, plus what the
 * eval reads from it through the gateway's hooks (stored samples, progress events) and the training
 * queue (whether a delivered sample's build has settled).
 */
export interface BoxUnderTest {
  readonly gateway: Gateway;
  readonly training: TrainingHandle;
  readonly progress: ProgressEvent[];
  stored(sampleId: string): SignalSample | undefined;
  /** The build of a delivered sample is over: built (trainable or skipped), failed or superseded. */
  settled(sampleId: string): boolean;
  /** Rollouts a source became: its served reply is one, its on-policy regenerations another. */
  rolloutsOf(sampleId: string): number;
  /** What the build of a delivered sample noted (null: not built). */
  buildNote(sampleId: string): { retokenizedBecause: string | null; regenerationErrors: string[] } | null;
  trainingSteps(): ProgressEvent[];
  close(): Promise<void>;
}

export async function startBox(options: {
  policyUrl: string;
  teacherUrl: string;
  dataDir: string;
  token: string;
  training: Omit<TrainingOptions, 'modelDir'>;
  log: (line: string) => void;
}): Promise<BoxUnderTest> {
  let training: TrainingHandle | null = null;
  const gateway = await startGateway(
    {
      sglangUrl: options.policyUrl,
      teacherSglangUrl: options.teacherUrl,
      token: options.token,
      dataDir: options.dataDir,
      port: 0,
      sglangOriginalLogprobs: true,
    },
    {
      log: (level, message) => options.log(`[box ${level}] ${message}`),
      // modelDir null: the tokenizer comes from the folder the policy engine reports, as on a real box.
      plugins: [createTrainingPlugin({ ...options.training, modelDir: null }, (handle) => (training = handle))],
    },
  );
  if (!training) throw new Error('the training plugin did not start');
  const handle: TrainingHandle = training;
  const samples = new Map<string, SignalSample>();
  const progress: ProgressEvent[] = [];
  gateway.hooks.on('sampleStored', ({ sample }) => void samples.set(sample.sampleId, sample));
  gateway.hooks.on('progressPublished', (event) => void progress.push(event));

  return {
    gateway,
    training: handle,
    progress,
    stored: (sampleId) => samples.get(sampleId),
    settled(sampleId) {
      const state = handle.queue.sourceState(sampleId)?.state;
      return state !== undefined && state !== 'pending';
    },
    rolloutsOf(sampleId) {
      const ready = progress.find((e) => e.kind === 'sample_ready' && e.sampleIds.includes(sampleId));
      if (!ready) return 0;
      const regenerated = ready.metrics.onPolicySamples ?? 0;
      const served = (ready.metrics.samples ?? 0) - regenerated;
      return (served > 0 ? 1 : 0) + (regenerated > 0 ? 1 : 0);
    },
    buildNote(sampleId) {
      const note = handle.queue.sourceState(sampleId)?.note as { retokenizedBecause?: unknown; regenerationErrors?: unknown } | null | undefined;
      if (!note) return null;
      return {
        retokenizedBecause: typeof note.retokenizedBecause === 'string' ? note.retokenizedBecause : null,
        regenerationErrors: Array.isArray(note.regenerationErrors) ? note.regenerationErrors.map(String) : [],
      };
    },
    trainingSteps: () => progress.filter((e) => e.kind === 'training_step'),
    close: () => gateway.close(),
  };
}
