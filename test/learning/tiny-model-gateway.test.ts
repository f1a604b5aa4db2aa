import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import { mapSampledTokens } from '../../box/samples/map-sampled-tokens';
import { regenerateOnPolicy } from '../../box/samples/regenerate-on-policy';
import { scoreResponseTokens } from '../../box/samples/score-response-tokens';
import { appendHintToMessages } from '../../box/samples/teacher-prompt';
import { SglangClient } from '../../box/sglang/sglang-client';
import { ChatCompletionChunkSchema } from '../../box/sglang/sglang-schemas';
import { sseDataEvents } from '../../box/sglang/sse-data-events';
import { loadModelTokenizer } from '../../box/tokenizer/load-model-folder';
import type { ModelTokenizer } from '../../box/tokenizer/model-tokenizer';
import { runPython, startPython } from './python-process';
import { startTinyEngine, type TinyEngine } from './tiny-engines';

/**
 * The tiny model's folder and engine as the gateway sees them: its loader reads the folder like a real
 * model's, its chat template and tokenizer give the same ids as the engine, the ids the engine samples
 * come back through the byte-level vocab, and teacher scoring lines up token for token.
 */

const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'how do i boil an egg?' },
];
const ODD_MESSAGES: ChatMessage[] = [
  { role: 'system', content: '' },
  { role: 'user', content: 'hi  there,\n\nsay "ünïcödé" 🥚 and tabs\tplease' },
  { role: 'assistant', content: 'Sure thing! Cheers!' },
  { role: 'user', content: "no, more casual please... isn't it 12:30?" },
];

let dir: string;
let tokenizer: ModelTokenizer;
let engine: TinyEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-tiny-model-'));
  // A barely trained model is enough here: the shapes and ids matter, not the replies.
  await runPython('pretraining', 'tiny_model.pretrain', ['--out', dir, '--steps', '20', '--corpus-size', '200', '--exit-on-stdin-close'], 120_000);
  tokenizer = loadModelTokenizer(dir);
  engine = await startTinyEngine('tiny engine', dir, 0);
}, 180_000);

afterAll(async () => {
  await engine?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function engineIds(requests: object[]): Promise<number[][]> {
  const proc = startPython({ name: 'prompt ids', module: 'tiny_model.prompt_ids', args: ['--model-path', dir] });
  proc.child.stdin!.end(requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const { code } = await proc.exited;
  expect(code, proc.output()).toBe(0);
  return proc
    .output()
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { ids: number[] }).ids);
}

describe('the tiny model through the gateway’s own code', () => {
  it('loads as a model folder whose end of turn is <|im_end|>', () => {
    expect(tokenizer.endOfTurnId).toBe(tokenizer.idForSpecialText('<|im_end|>'));
    expect(tokenizer.stopTokenIds.has(tokenizer.idForSpecialText('<|endoftext|>')!)).toBe(true);
  });

  it('renders and tokenizes prompts exactly as the engine does, teacher prompts included', async () => {
    const conversations = [MESSAGES, ODD_MESSAGES, appendHintToMessages(MESSAGES, 'Use a more casual, natural tone.')];
    const texts = ['Sure thing! Just drop the egg in boiling water.', ' leading space, trailing  ', 'a\n\n\nb', '¿qué? 12345'];
    const ids = await engineIds([...conversations.map((messages) => ({ messages })), ...texts.map((text) => ({ text }))]);
    conversations.forEach((messages, i) => expect(ids[i]).toEqual(tokenizer.promptIds(messages, { enable_thinking: false })));
    texts.forEach((text, i) => {
      expect(ids[conversations.length + i]).toEqual(tokenizer.encode(text));
      expect(tokenizer.decode(tokenizer.encode(text), { skipSpecialTokens: true })).toBe(text);
    });
  });

  it('streams sampled tokens whose ids the gateway recovers from their bytes', async () => {
    const client = new SglangClient({ url: engine.url });
    for (let n = 0; n < 5; n++) {
      const response = await client.openChatCompletion(
        { messages: MESSAGES, stream: true, logprobs: true, temperature: 1, max_tokens: 24 },
        AbortSignal.timeout(30_000),
      );
      expect(response.status).toBe(200);
      let text = '';
      let finish: string | null = null;
      const tokens: { token: string; bytes: number[] | null; logprob: number }[] = [];
      for await (const data of sseDataEvents(response.body as unknown as AsyncIterable<Uint8Array>)) {
        if (data === '[DONE]') continue;
        const choice = ChatCompletionChunkSchema.parse(JSON.parse(data)).choices[0];
        if (!choice) continue;
        text += choice.delta?.content ?? '';
        finish = choice.finish_reason ?? finish;
        for (const t of choice.logprobs?.content ?? []) tokens.push({ token: t.token, bytes: t.bytes ?? null, logprob: t.logprob });
      }
      const mapped = mapSampledTokens(tokens, finish, tokenizer);
      expect(mapped.ok, JSON.stringify(mapped)).toBe(true);
      if (!mapped.ok) return;
      expect(tokenizer.decode(mapped.ids, { skipSpecialTokens: true })).toBe(text);
      // The engine leaves the end token out of the log-probs; the gateway appends it on a natural stop.
      expect(mapped.missingEndOfTurn).toBe(finish === 'stop');
      // The served log-probs are the policy's raw ones: prefill scoring gives the same numbers.
      const scored = await scoreResponseTokens(client, tokenizer.promptIds(MESSAGES, {}), mapped.ids);
      expect(scored.logprobs.map((x) => x.toFixed(4))).toEqual(mapped.logprobs.map((x) => x.toFixed(4)));
    }
  });

  it('regenerates on policy and scores the same tokens under a hinted teacher prompt', async () => {
    const client = new SglangClient({ url: engine.url });
    const promptIds = tokenizer.promptIds(MESSAGES, {});
    const fresh = await regenerateOnPolicy(client, promptIds, { temperature: 0.6, maxNewTokens: 24, stopTokenIds: [...tokenizer.stopTokenIds] });
    expect(fresh.ids.length).toBeGreaterThan(0);
    if (fresh.finishReason === 'stop') expect(tokenizer.stopTokenIds.has(fresh.ids.at(-1)!)).toBe(true);
    const teacherPrompt = tokenizer.promptIds(appendHintToMessages(MESSAGES, 'Use a more casual, natural tone.'), {});
    const teacher = await scoreResponseTokens(client, teacherPrompt, fresh.ids);
    expect(teacher.logprobs).toHaveLength(fresh.ids.length);
    expect(teacher.weightVersion).toBe('default');
  });
});
