import { z } from 'zod';

/**
 * The shapes of SGLang's HTTP answers the box relies on. Lenient where SGLang versions drift
 * (unknown fields pass, optional fields stay optional), strict on what we read: engine output is
 * untrusted like any other input.
 */

export const ModelInfoSchema = z
  .object({
    model_path: z.string(),
    tokenizer_path: z.string().nullish(),
    is_generation: z.boolean().nullish(),
    /** Missing on older SGLang builds. */
    weight_version: z.string().nullish(),
  })
  .passthrough();
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const ServerInfoSchema = z
  .object({
    model_path: z.string().nullish(),
    version: z.string().nullish(),
    weight_version: z.string().nullish(),
  })
  .passthrough();
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

/** [logprob, token_id, text|null]; the logprob is null at the first scored position. */
export const LogprobTripleSchema = z
  .tuple([z.number().nullable(), z.number().int().nonnegative(), z.string().nullable()])
  .rest(z.unknown());

export const GenerateResponseSchema = z
  .object({
    text: z.string(),
    meta_info: z
      .object({
        id: z.string().nullish(),
        finish_reason: z.object({ type: z.string() }).passthrough().nullish(),
        prompt_tokens: z.number().int().nullish(),
        completion_tokens: z.number().int().nullish(),
        weight_version: z.string().nullish(),
        input_token_logprobs: z.array(LogprobTripleSchema).nullish(),
        output_token_logprobs: z.array(LogprobTripleSchema).nullish(),
      })
      .passthrough(),
  })
  .passthrough();
export type GenerateResponse = z.infer<typeof GenerateResponseSchema>;

export interface GenerateRequest {
  text?: string;
  input_ids?: number[];
  sampling_params?: {
    max_new_tokens?: number;
    temperature?: number;
    top_p?: number;
    top_k?: number;
    stop?: string | string[];
    stop_token_ids?: number[];
    skip_special_tokens?: boolean;
    no_stop_trim?: boolean;
  };
  return_logprob?: boolean;
  logprob_start_len?: number;
  top_logprobs_num?: number;
  return_text_in_logprobs?: boolean;
  lora_path?: string;
  rid?: string;
}

export const ControlAnswerSchema = z
  .object({ success: z.boolean(), message: z.string().nullish() })
  .passthrough();
export type ControlAnswer = z.infer<typeof ControlAnswerSchema>;

/** One `logprobs.content[]` entry of an OpenAI-compatible chat reply. */
export const TokenLogprobSchema = z
  .object({
    token: z.string(),
    bytes: z.array(z.number().int().min(0).max(255)).nullish(),
    logprob: z.number(),
  })
  .passthrough();
export type TokenLogprob = z.infer<typeof TokenLogprobSchema>;

const ChoiceLogprobsSchema = z.object({ content: z.array(TokenLogprobSchema).nullish() }).passthrough().nullish();

const UsageSchema = z
  .object({ prompt_tokens: z.number().int().nullish(), completion_tokens: z.number().int().nullish() })
  .passthrough()
  .nullish();

export const ChatCompletionSchema = z
  .object({
    model: z.string().nullish(),
    choices: z.array(
      z
        .object({
          index: z.number().int().nullish(),
          message: z
            .object({ content: z.string().nullish(), reasoning_content: z.string().nullish() })
            .passthrough(),
          logprobs: ChoiceLogprobsSchema,
          finish_reason: z.string().nullish(),
        })
        .passthrough(),
    ),
    usage: UsageSchema,
  })
  .passthrough();
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

export const ChatCompletionChunkSchema = z
  .object({
    model: z.string().nullish(),
    choices: z.array(
      z
        .object({
          index: z.number().int().nullish(),
          delta: z
            .object({ content: z.string().nullish(), reasoning_content: z.string().nullish() })
            .passthrough()
            .nullish(),
          logprobs: ChoiceLogprobsSchema,
          finish_reason: z.string().nullish(),
        })
        .passthrough(),
    ),
    usage: UsageSchema,
  })
  .passthrough();
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;
