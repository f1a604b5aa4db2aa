import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { bytesToByteLevel } from './byte-level-alphabet';

export interface TemplateMessage {
  role: string;
  content: string;
}

/**
 * Extra template variables, exactly as SGLang's chat_template_kwargs (e.g. {enable_thinking: false},
 * which makes Qwen3's template open an empty think block). A sample must be rendered with the
 * kwargs its turn was served with, or its prompt ids are not the ones the policy saw.
 */
export type TemplateKwargs = Record<string, unknown>;

export interface ChatRenderOptions {
  addGenerationPrompt: boolean;
  templateKwargs: TemplateKwargs;
}

export interface ModelTokenizerParts {
  tokenizerJson: object;
  tokenizerConfig: object;
  chatTemplate: string;
  eosToken: string | null;
  bosToken: string | null;
  /** Ids that end a turn (eos_token plus generation_config's eos_token_id). */
  stopTokenIds: readonly number[];
}

/**
 * A model's own tokenizer and chat template, as loaded from its folder. Everything the sample
 * builder needs to turn messages into the exact ids the policy sees.
 */
export class ModelTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly template: Template;
  private readonly vocab: Map<string, number>;
  private readonly specialIdsByText: Map<string, number>;
  readonly eosToken: string | null;
  readonly bosToken: string | null;
  readonly stopTokenIds: ReadonlySet<number>;
  /** The id a sampled turn ends with (the template's end-of-turn token). */
  readonly endOfTurnId: number | null;

  constructor(parts: ModelTokenizerParts) {
    this.tokenizer = new Tokenizer(parts.tokenizerJson, parts.tokenizerConfig);
    this.template = new Template(parts.chatTemplate);
    this.vocab = this.tokenizer.get_vocab(false);
    this.specialIdsByText = new Map();
    for (const [id, added] of this.tokenizer.get_added_tokens_decoder()) this.specialIdsByText.set(added.content, id);
    this.eosToken = parts.eosToken;
    this.bosToken = parts.bosToken;
    const eosId = parts.eosToken === null ? undefined : this.tokenizer.token_to_id(parts.eosToken);
    this.endOfTurnId = eosId ?? parts.stopTokenIds[0] ?? null;
    this.stopTokenIds = new Set([...(eosId === undefined ? [] : [eosId]), ...parts.stopTokenIds]);
  }

  /** Plain text → ids; special-token text (e.g. <|im_start|>) becomes its special id. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], opts: { skipSpecialTokens: boolean }): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: opts.skipSpecialTokens, clean_up_tokenization_spaces: false });
  }

  renderChat(messages: readonly TemplateMessage[], opts: ChatRenderOptions): string {
    return this.template.render({
      ...opts.templateKwargs,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: opts.addGenerationPrompt,
      bos_token: this.bosToken ?? '',
      eos_token: this.eosToken ?? '',
    });
  }

  /** Prompt ids exactly as the server builds them for /v1/chat/completions. */
  promptIds(messages: readonly TemplateMessage[], templateKwargs: TemplateKwargs): number[] {
    return this.encode(this.renderChat(messages, { addGenerationPrompt: true, templateKwargs }));
  }

  /**
   * Re-tokenizes a reply as the template would store it after the prompt, ending with the
   * end-of-turn id (what a sampled turn that stopped naturally ends with). Used only when the
   * ids SGLang sampled are unknown.
   */
  responseIdsFromText(messages: readonly TemplateMessage[], response: string, templateKwargs: TemplateKwargs): number[] {
    const prompt = this.renderChat(messages, { addGenerationPrompt: true, templateKwargs });
    const full = this.renderChat([...messages, { role: 'assistant', content: response }], { addGenerationPrompt: false, templateKwargs });
    if (full.startsWith(prompt)) {
      const ids = this.encode(full.slice(prompt.length));
      const stop = ids.findIndex((id) => this.stopTokenIds.has(id));
      if (stop >= 0) return ids.slice(0, stop + 1);
    }
    // Templates that rewrite history (or render no end token) fall back to text + end of turn.
    const ids = this.encode(response);
    return this.endOfTurnId === null ? ids : [...ids, this.endOfTurnId];
  }

  /** The vocab id whose byte-level spelling is exactly these bytes (regular tokens only). */
  idForBytes(bytes: readonly number[]): number | undefined {
    if (bytes.length === 0) return undefined;
    return this.vocab.get(bytesToByteLevel(bytes));
  }

  /** The id of a special/added token written as its text, e.g. "<|im_end|>". */
  idForSpecialText(text: string): number | undefined {
    return this.specialIdsByText.get(text);
  }

  isSpecialId(id: number): boolean {
    const token = this.tokenizer.id_to_token(id);
    return token !== undefined && this.specialIdsByText.get(token) === id;
  }
}
