/**
 * The box's one log-prob convention: raw log softmax(logits), i.e. temperature 1, everywhere —
 * rollout (served and regenerated replies), teacher scoring and the trainer (slime
 * --rollout-temperature 1.0). SGLang reports a sampled token's log-prob as log softmax(logits/T)
 * unless it runs with SGLANG_RETURN_ORIGINAL_LOGPROB=1; prefill scoring (max_new_tokens 0,
 * temperature 0) is always raw. Mixing scales gives teacher − old a built-in bias and a PPO ratio
 * that is not 1 at the start of a step.
 */

/** SGLang samples greedily below this and then treats the temperature as 1. */
const GREEDY_TEMPERATURE = 1e-6;

/**
 * Whether SGLang's log-probs of tokens sampled at `temperature` are raw even without
 * SGLANG_RETURN_ORIGINAL_LOGPROB: only at T = 1 or greedy. null (the request named none) is
 * unknown — SGLang may apply the model's generation_config default — so it is not.
 */
export function sampledAtRawScale(temperature: number | null): boolean {
  return temperature !== null && (temperature === 1 || temperature < GREEDY_TEMPERATURE);
}
