import { startPython, type PythonProcess } from './python-process';

export interface TinyEngine {
  readonly url: string;
  readonly process: PythonProcess;
  stop(): Promise<void>;
}

/**
 * One tiny engine (the SGLang stand-in) serving a model folder. Sampled log-probs are raw, as the box
 * README has the policy SGLang run (SGLANG_RETURN_ORIGINAL_LOGPROB=1).
 */
export async function startTinyEngine(name: string, modelDir: string, seed: number): Promise<TinyEngine> {
  const proc = startPython({
    name,
    module: 'tiny_model.engine',
    args: ['--model-path', modelDir, '--port', '0', '--seed', String(seed), '--exit-on-stdin-close'],
    env: { SGLANG_RETURN_ORIGINAL_LOGPROB: '1' },
  });
  try {
    const match = await proc.waitForLine(/tiny engine ready at (http:\/\/\S+)/, 60_000);
    return { url: match[1]!, process: proc, stop: () => proc.stop() };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
