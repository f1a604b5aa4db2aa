import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ModelTokenizer } from './model-tokenizer';

/**
 * Loads the tokenizer and chat template from a Hugging Face model folder (the same folder SGLang
 * serves): tokenizer.json, tokenizer_config.json, optionally chat_template.jinja (newer exports keep
 * the template there) and generation_config.json (extra end-of-turn ids).
 */

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}

const SpecialTokenSchema = z.union([z.string(), z.object({ content: z.string() }).transform((t) => t.content)]).nullish();

const TokenizerConfigFileSchema = z
  .object({
    chat_template: z
      .union([z.string(), z.array(z.object({ name: z.string(), template: z.string() }))])
      .optional(),
    eos_token: SpecialTokenSchema,
    bos_token: SpecialTokenSchema,
  })
  .passthrough();

const TokenizerJsonFileSchema = z
  .object({ model: z.object({ type: z.string() }).passthrough(), added_tokens: z.array(z.unknown()).optional() })
  .passthrough();

const GenerationConfigFileSchema = z
  .object({ eos_token_id: z.union([z.number().int(), z.array(z.number().int())]).optional() })
  .passthrough();

function readJson<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelFolderError(`cannot read ${what} at ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ModelFolderError(`${what} at ${file} is not valid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function pickTemplate(config: z.infer<typeof TokenizerConfigFileSchema>, dir: string): string {
  const jinjaFile = join(dir, 'chat_template.jinja');
  if (existsSync(jinjaFile)) return readFileSync(jinjaFile, 'utf8');
  const tpl = config.chat_template;
  if (typeof tpl === 'string') return tpl;
  if (Array.isArray(tpl)) {
    const chosen = tpl.find((t) => t.name === 'default') ?? tpl[0];
    if (chosen) return chosen.template;
  }
  throw new ModelFolderError(`no chat template in ${dir} (tokenizer_config.json chat_template or chat_template.jinja)`);
}

export function loadModelTokenizer(dir: string): ModelTokenizer {
  if (!existsSync(dir)) throw new ModelFolderError(`model folder ${dir} does not exist`);
  const tokenizerJson = readJson(join(dir, 'tokenizer.json'), TokenizerJsonFileSchema, 'tokenizer.json');
  const tokenizerConfig = readJson(join(dir, 'tokenizer_config.json'), TokenizerConfigFileSchema, 'tokenizer_config.json');
  const generationFile = join(dir, 'generation_config.json');
  const generation = existsSync(generationFile)
    ? readJson(generationFile, GenerationConfigFileSchema, 'generation_config.json')
    : { eos_token_id: undefined };
  const extraStops = generation.eos_token_id === undefined ? [] : [generation.eos_token_id].flat();
  try {
    return new ModelTokenizer({
      tokenizerJson,
      tokenizerConfig,
      chatTemplate: pickTemplate(tokenizerConfig, dir),
      eosToken: tokenizerConfig.eos_token ?? null,
      bosToken: tokenizerConfig.bos_token ?? null,
      stopTokenIds: extraStops,
    });
  } catch (error) {
    if (error instanceof ModelFolderError) throw error;
    throw new ModelFolderError(`cannot build the tokenizer from ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
