import type { TemplateKwargs } from '../tokenizer/model-tokenizer';

/** One token of a served reply as SGLang's chat completion logprobs report it. */
export interface ServedToken {
  token: string;
  /** UTF-8 bytes of the token text (null when SGLang gave none). */
  bytes: number[] | null;
  logprob: number;
}

/**
 * What the sample builder needs from the gateway's turn log: the turn as the policy served it.
 * The gateway's own record is adapted to this shape where the builder is wired in.
 */
export interface ServedTurn {
  turnId: string;
  messages: { role: string; content: string }[];
  /** The chat_template_kwargs the turn was served with ({} = the template's defaults). */
  templateKwargs: TemplateKwargs;
  responseText: string;
  tokens: ServedToken[];
  finishReason: string | null;
  policyVersion: string | null;
  /** The sampling temperature the turn was served with (null: the request named none). */
  temperature: number | null;
}
