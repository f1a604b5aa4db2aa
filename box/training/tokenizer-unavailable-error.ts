/**
 * The policy's tokenizer could not be loaded (wrong or missing model folder): the box's setup is at
 * fault, not the sample, so a source given up on it is retried after the gateway restarts.
 */
export class TokenizerUnavailableError extends Error {
  override name = 'TokenizerUnavailableError';
}
