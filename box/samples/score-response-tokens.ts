import type { SglangClient } from '../sglang/sglang-client';

export interface ScoredTokens {
  logprobs: number[];
  /** The engine's weight version when it reported one (which policy the log-probs come from). */
  weightVersion: string | null;
}

export class TokenAlignmentError extends Error {
  override name = 'TokenAlignmentError';
}

/**
 * Log-probs an engine gives to exactly `responseIds` after `promptIds` (a teacher with the hint in
 * its prompt, or the policy to recover rollout log-probs). Ids are sent, never text, so the
 * response tokens cannot merge with the prompt's last token. SGLang's input_token_logprobs start
 * with a null (the first scored position has no context), so scoring starts one token earlier
 * and drops it; the returned ids must equal the response ids or nothing is returned.
 */
export async function scoreResponseTokens(
  client: SglangClient,
  promptIds: readonly number[],
  responseIds: readonly number[],
  signal?: AbortSignal,
): Promise<ScoredTokens> {
  if (promptIds.length === 0) throw new TokenAlignmentError('cannot score a response without a prompt');
  if (responseIds.length === 0) return { logprobs: [], weightVersion: null };
  const ids = [...promptIds, ...responseIds];
  const start = ids.length - responseIds.length - 1;
  const answer = await client.generate(
    {
      input_ids: ids,
      sampling_params: { max_new_tokens: 0, temperature: 0 },
      return_logprob: true,
      logprob_start_len: start,
    },
    signal,
  );
  const triples = answer.meta_info.input_token_logprobs;
  if (!triples) throw new TokenAlignmentError('SGLang returned no input_token_logprobs (is return_logprob supported?)');
  if (triples.length !== responseIds.length + 1) {
    throw new TokenAlignmentError(
      `SGLang scored ${triples.length} positions from ${start}; expected ${responseIds.length + 1} (response plus the leading null)`,
    );
  }
  if (triples[0]![1] !== ids[start]) {
    throw new TokenAlignmentError(`scoring started at id ${triples[0]![1]}, expected the last prompt token ${ids[start]}`);
  }
  const out: number[] = [];
  for (let i = 0; i < responseIds.length; i++) {
    const [logprob, id] = triples[i + 1]!;
    if (id !== responseIds[i]) {
      throw new TokenAlignmentError(`scored token ${i} is id ${id} but the response has ${responseIds[i]}`);
    }
    if (logprob === null || !Number.isFinite(logprob) || logprob > 0) {
      throw new TokenAlignmentError(`scored token ${i} has no valid log-prob (${String(logprob)})`);
    }
    out.push(logprob);
  }
  return { logprobs: out, weightVersion: answer.meta_info.weight_version ?? null };
}
