import { z } from 'zod';
import { startPython, type PythonProcess } from './python-process';

/** What the driver prints after each optimizer step (tiny_model/driver.py). */
const DriverStepSchema = z
  .object({ step: z.number().int(), weight_version: z.string(), samples: z.number().int(), sample_ids: z.array(z.string()) })
  .passthrough();
export type DriverStep = z.infer<typeof DriverStepSchema>;

export interface TinyDriver {
  readonly process: PythonProcess;
  readonly steps: DriverStep[];
  stop(): Promise<void>;
}

/**
 * Starts the training driver (slime's part) for one setting and waits until it has pushed the initial
 * weights. The plugin is configured exactly as on a box: APPRENTICE_* variables, w_rl / w_opd included.
 */
export async function startTinyDriver(options: {
  pretrainedDir: string;
  saveDir: string;
  engineUrl: string;
  gatewayUrl: string;
  token: string;
  wRl: number;
  wOpd: number;
  rolloutBatchSize: number;
  lr: number;
  seed: number;
}): Promise<TinyDriver> {
  const steps: DriverStep[] = [];
  const proc = startPython({
    name: 'tiny training driver',
    module: 'tiny_model.driver',
    args: [
      '--model-path', options.pretrainedDir,
      '--save-dir', options.saveDir,
      '--engine', options.engineUrl,
      '--rollout-batch-size', String(options.rolloutBatchSize),
      '--lr', String(options.lr),
      '--seed', String(options.seed),
      '--exit-on-stdin-close',
    ],
    env: {
      APPRENTICE_GATEWAY_URL: options.gatewayUrl,
      APPRENTICE_BOX_TOKEN: options.token,
      APPRENTICE_W_RL: String(options.wRl),
      APPRENTICE_W_OPD: String(options.wOpd),
      // Long-polls return within 0.2 s when too few rollouts are ready, so a group that ends a
      // fetch is known to be whole without waiting out slime's default 30 s.
      APPRENTICE_BATCH_TIMEOUT_MS: '200',
    },
    onLine(line) {
      if (!line.startsWith('{"step"')) return;
      steps.push(DriverStepSchema.parse(JSON.parse(line)));
    },
  });
  try {
    await proc.waitForLine(/^\{"initial_weights"/, 60_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { process: proc, steps, stop: () => proc.stop() };
}
