import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreResponseTokens, TokenAlignmentError } from '../../../box/samples/score-response-tokens';
import { SglangClient } from '../../../box/sglang/sglang-client';
import { appendHintToMessages } from '../../../box/samples/teacher-prompt';
import { loadModelTokenizer } from '../../../box/tokenizer/load-model-folder';
import type { ModelTokenizer } from '../../../box/tokenizer/model-tokenizer';
import { expectedTokenLogprob, startSglangTestEngine, type SglangTestEngine } from '../../support/sglang-test-engine';
import { makeQwen3ModelFolder } from '../tokenizer/qwen3-model-folder';

let folder: ReturnType<typeof makeQwen3ModelFolder>;
let tok: ModelTokenizer;
let engine: SglangTestEngine;
let client: SglangClient;

beforeAll(async () => {
  folder = makeQwen3ModelFolder();
  tok = loadModelTokenizer(folder.dir);
  engine = await startSglangTestEngine({ weightVersion: 'teacher-v1' });
  client = new SglangClient({ url: engine.url });
});
afterAll(async () => {
  await engine.close();
  folder.remove();
});

function expectedScores(promptIds: number[], responseIds: number[]): number[] {
  return responseIds.map((id, i) => expectedTokenLogprob([...promptIds, ...responseIds.slice(0, i)], id, 'teacher-v1'));
}

describe('scoreResponseTokens against the SGLang test engine (Qwen3 tokenizer)', () => {
  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Greet me in Chinese and add an emoji' },
  ];

  it('returns exactly the teacher log-probs of the same response tokens (leading null dropped)', async () => {
    const promptIds = tok.promptIds(appendHintToMessages(messages, 'Use a thumbs-up with a skin tone.'), { enable_thinking: false });
    const responseIds = tok.responseIdsFromText(messages, '你好！👍🏽 很高兴见到你。', { enable_thinking: false });
    const scored = await scoreResponseTokens(client, promptIds, responseIds);
    expect(scored.logprobs).toEqual(expectedScores(promptIds, responseIds));
    expect(scored.weightVersion).toBe('teacher-v1');
    const request = engine.requests.at(-1)!.body as Record<string, unknown>;
    expect(request.logprob_start_len).toBe(promptIds.length - 1);
    expect(request.sampling_params).toMatchObject({ max_new_tokens: 0 });
  });

  it('keeps the response tokens when the hint changes the prompt token boundaries', async () => {
    // The user message ends in "\n": appending the hint's "\n\n" merges into one "\n\n\n" token, so
    // the teacher prompt is not the student prompt plus extra tokens.
    const endsInNewline = [{ role: 'user' as const, content: 'List two fruits:\n' }];
    const student = tok.promptIds(endsInNewline, { enable_thinking: false });
    const teacher = tok.promptIds(appendHintToMessages(endsInNewline, 'Number them.'), { enable_thinking: false });
    const shared = student.findIndex((id, i) => id !== teacher[i]);
    const piece = (id: number | undefined) => tok.decode([id ?? -1], { skipSpecialTokens: false });
    expect(piece(student[shared])).toBe(':\n'); // the boundary really moved
    expect(piece(teacher[shared])).toBe(':\n\n\n');
    // A reply starting with "\n" would merge with the prompt's "\n\n" if text were concatenated.
    const responseIds = [...tok.encode('\n1. apple\n2. pear'), tok.endOfTurnId!];
    const textJoined = tok.encode(tok.decode([...teacher, ...responseIds], { skipSpecialTokens: false }));
    expect(textJoined.slice(-responseIds.length)).not.toEqual(responseIds);
    const scored = await scoreResponseTokens(client, teacher, responseIds);
    expect(scored.logprobs).toEqual(expectedScores(teacher, responseIds));
  });

  it('returns nothing for an empty response and refuses an empty prompt', async () => {
    expect((await scoreResponseTokens(client, [1, 2], [])).logprobs).toEqual([]);
    await expect(scoreResponseTokens(client, [], [1])).rejects.toThrow(TokenAlignmentError);
  });
});

describe('scoreResponseTokens refuses misaligned answers', () => {
  let server: Server;
  let answer: (ids: number[], start: number) => unknown;
  let fake: SglangClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { input_ids: number[]; logprob_start_len: number };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer(body.input_ids, body.logprob_start_len)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    fake = new SglangClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const triples = (ids: number[], from: number) => ids.slice(from).map((id, i) => [i === 0 ? null : -1, id, null]);

  it('detects a server that ignores the leading null (one position short)', async () => {
    answer = (ids, start) => ({ text: '', meta_info: { input_token_logprobs: triples(ids, start + 1) } });
    await expect(scoreResponseTokens(fake, [5, 6, 7], [8, 9])).rejects.toThrow(/expected 3/);
  });

  it('detects ids that do not match the response', async () => {
    answer = (ids, start) => ({ text: '', meta_info: { input_token_logprobs: triples(ids, start).map((t, i) => (i === 2 ? [-1, 4242, null] : t)) } });
    await expect(scoreResponseTokens(fake, [5, 6, 7], [8, 9])).rejects.toThrow(/id 4242/);
  });

  it('detects a null or positive log-prob inside the response', async () => {
    answer = (ids, start) => ({ text: '', meta_info: { input_token_logprobs: triples(ids, start).map((t, i) => (i === 1 ? [null, t[1], null] : t)) } });
    await expect(scoreResponseTokens(fake, [5, 6, 7], [8, 9])).rejects.toThrow(/no valid log-prob/);
  });

  it('rejects an answer of the wrong shape with a clear message', async () => {
    answer = () => ({ meta_info: 'nope' });
    await expect(scoreResponseTokens(fake, [5, 6, 7], [8, 9])).rejects.toThrow(/unexpected shape/);
  });
});
