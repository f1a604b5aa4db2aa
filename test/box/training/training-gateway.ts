import { afterAll, beforeAll } from 'vitest';
import type { GatewayConfig } from '../../../box/gateway/gateway-config';
import { createTrainingPlugin, type TrainingHandle, type TrainingOptions } from '../../../box/training/training-plugin';
import type { SglangTestEngineOptions } from '../../support/sglang-test-engine';
import { startGatewayFixture, type GatewayFixture } from '../gateway/gateway-fixture';
import { makeQwen3ModelFolder } from '../tokenizer/qwen3-model-folder';

export interface TrainingGatewaySetup {
  /** Training plugin options; the model folder is made by the helper. */
  training?: Omit<TrainingOptions, 'modelDir'>;
  config?: Partial<GatewayConfig>;
  engine?: SglangTestEngineOptions;
}

export interface TrainingGateway {
  readonly fixture: GatewayFixture;
  readonly training: TrainingHandle;
}

/**
 * For a describe block: before its tests, a Qwen3 model folder and a gateway (with its SGLang test
 * engine) running the training plugin; after them, everything closed and removed.
 */
export function useTrainingGateway(setup: TrainingGatewaySetup | (() => Promise<TrainingGatewaySetup>)): TrainingGateway {
  let folder: ReturnType<typeof makeQwen3ModelFolder> | null = null;
  let fixture: GatewayFixture | null = null;
  let training: TrainingHandle | null = null;
  beforeAll(async () => {
    const { training: options = {}, config = {}, engine = {} } = typeof setup === 'function' ? await setup() : setup;
    folder = makeQwen3ModelFolder();
    const plugin = createTrainingPlugin({ ...options, modelDir: folder.dir }, (handle) => (training = handle));
    fixture = await startGatewayFixture(config, engine, { plugins: [plugin] });
  });
  afterAll(async () => {
    await fixture?.close();
    folder?.remove();
  });
  return {
    get fixture() {
      if (!fixture) throw new Error('the training gateway is not started yet');
      return fixture;
    },
    get training() {
      if (!training) throw new Error('the training plugin has not started');
      return training;
    },
  };
}
