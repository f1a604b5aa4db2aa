import type { SglangClient } from '../sglang/sglang-client';

export interface RegeneratedResponse {
  ids: number[];
  logprobs: number[];
  text: string;
  finishReason: string | null;
  weightVersion: string | null;
}

/**
 * Samples a fresh reply to the same prompt ids from the current policy. /generate with
 * return_logprob gives the exact sampled ids and their rollout log-probs, so these samples are
 * on-policy by construction (no re-tokenization, no drift).
 */
export async function regenerateOnPolicy(
  policy: SglangClient,
  promptIds: readonly number[],
  opts: { temperature: number; maxNewTokens: number; stopTokenIds: readonly number[] },
  signal?: AbortSignal,
): Promise<RegeneratedResponse> {
  const answer = await policy.generate(
    {
      input_ids: [...promptIds],
      sampling_params: {
        max_new_tokens: opts.maxNewTokens,
        temperature: opts.temperature,
        top_p: 1,
        top_k: -1,
        stop_token_ids: [...opts.stopTokenIds],
        skip_special_tokens: false,
      },
      return_logprob: true,
    },
    signal,
  );
  const triples = answer.meta_info.output_token_logprobs;
  if (!triples) throw new Error('SGLang returned no output_token_logprobs for a regeneration');
  const ids: number[] = [];
  const logprobs: number[] = [];
  for (const [logprob, id] of triples) {
    if (logprob === null || !Number.isFinite(logprob) || logprob > 0) throw new Error(`regenerated token ${ids.length} has no valid log-prob`);
    ids.push(id);
    logprobs.push(logprob);
  }
  return {
    ids,
    logprobs,
    text: answer.text,
    finishReason: answer.meta_info.finish_reason?.type ?? null,
    weightVersion: answer.meta_info.weight_version ?? null,
  };
}
