import { describe, expect, it } from 'vitest';
import { hindsightHintJudgeMessages, hintFollowJudgeMessages, nextStateJudgeMessages } from '../../../box/judge/judge-prompts';
import { JUDGE_VOTE_MAX_TOKENS } from '../../../box/training/training-plugin';
import { encodeText, renderChatTemplate } from '../../support/sglang-test-engine';

/**
 * The judge's vote budget, measured: each vote gets JUDGE_VOTE_MAX_TOKENS new tokens to think and
 * reach its \boxed{}; the prompt must leave room for them in the judge's context. Qwen3's native
 * context is 32,768 tokens. Prompts are rendered with the real Qwen3 chat template (thinking on: the
 * judge is asked without chat_template_kwargs) and counted with its real tokenizer.
 */
const QWEN3_CONTEXT = 32_768;

/** 20,000 characters of one kind of text: far past the judge prompt's clipping of each part. */
function long(unit: string): string {
  return unit.repeat(Math.ceil(20_000 / unit.length)).slice(0, 20_000);
}

const SCRIPTS: Record<string, string> = {
  'English prose': long('The committee debated the budget while the quick brown fox jumped over the lazy dog. '),
  code: long('function f(x) { return x.map((y) => y * 2).filter(Boolean); }\n'),
  Chinese: long('这是一个关于澳大利亚首都的问题，答案是堪培拉而不是悉尼。'),
  emoji: long('😀🎉👍🏽🚀'),
};

function promptTokens(messages: { role: string; content: string }[]): number {
  return encodeText(renderChatTemplate(messages, {})).length;
}

describe('judge vote budget', () => {
  it('keeps a typical judge prompt small', () => {
    const tokens = promptTokens(
      nextStateJudgeMessages([{ role: 'user', content: 'What is the capital of Australia?' }], 'The capital of Australia is Sydney.', {
        role: 'user',
        content: 'No, I meant the capital city — it is Canberra.',
      }),
    );
    expect(tokens).toBeGreaterThan(100);
    expect(tokens).toBeLessThan(400);
  });

  it('bounds the prompt whatever the turn holds, so prompt + budget fit the judge context', () => {
    const measured: Record<string, number> = {};
    for (const [script, text] of Object.entries(SCRIPTS)) {
      const state = { role: 'user', content: text };
      const worst = Math.max(
        promptTokens(nextStateJudgeMessages([{ role: 'user', content: text }], text, state)),
        promptTokens(hindsightHintJudgeMessages([{ role: 'user', content: text }], text, state)),
        promptTokens(hintFollowJudgeMessages([{ role: 'user', content: text }], text, text.slice(0, 2_000))),
      );
      measured[script] = worst;
      expect(worst + JUDGE_VOTE_MAX_TOKENS, script).toBeLessThanOrEqual(QWEN3_CONTEXT / 2);
    }
    // Recorded in box/README.md: English ~3.1k, code ~5.3k, Chinese and emoji ~7.7k tokens.
    expect(measured['English prose']).toBeLessThan(measured.Chinese!);
  });
});
