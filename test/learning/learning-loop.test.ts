import { describe, expect, it } from 'vitest';
import { DEFAULT_LEARNING_EVAL, learningSummaryLine, runLearningEval, type SettingResult } from './run-learning-eval';

/**
 * The proof that Apprentice learns: a real (tiny) model, pretrained here, served by an engine that
 * speaks SGLang's HTTP, trained by the plugin's own loss from the gateway's trainer API, while a simulated
 * user chats through the real app core. Same code and settings as `npm run eval:learning`.
 */

const infinite = (k: number | null): number => k ?? Number.POSITIVE_INFINITY;

describe('learning through the whole loop (tiny model, CPU)', () => {
  it(
    'combined RL + OPD reaches a 0.9 liked-style rate from about 0.5 within the budget, not later than either alone',
    async () => {
      const lines: string[] = [];
      const result = await runLearningEval(DEFAULT_LEARNING_EVAL, (line) => lines.push(line));
      const summary = learningSummaryLine(result);
      const tabs = result.settings.map(({ setting, learningTab: { curve, window } }) => {
        const pct = (rate: number | undefined) => `${Math.round((rate ?? 0) * 100)}%`;
        return `${setting.name} ${pct(curve[window - 1]?.rate)} → ${pct(curve.at(-1)?.rate)}`;
      });
      console.log([...lines.filter((l) => !l.startsWith('[')), `Learning tab, replies accepted (first → last window): ${tabs.join(', ')}`, summary].join('\n'));

      const { budget } = result.config;
      const by = (name: SettingResult['setting']['name']): SettingResult => result.settings.find((s) => s.setting.name === name)!;
      expect(result.startRate).toBeGreaterThanOrEqual(0.35);
      expect(result.startRate).toBeLessThanOrEqual(0.65);
      const combined = by('combined').interactionsToTarget;
      expect(combined, summary).not.toBeNull();
      expect(combined!).toBeLessThanOrEqual(budget);
      expect(combined!, summary).toBeLessThanOrEqual(infinite(by('rl-only').interactionsToTarget));
      expect(combined!, summary).toBeLessThanOrEqual(infinite(by('opd-only').interactionsToTarget));

      for (const setting of result.settings) {
        const { records } = setting;
        expect(records).toHaveLength(budget);
        expect(setting.trainingSteps).toBeGreaterThan(0);
        // Every reply came from the box's policy, and the version only moved forward as steps landed.
        const versions = records.map((r) => Number(r.policyVersion));
        expect(versions.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
        expect(versions.every((v, i) => i === 0 || v >= versions[i - 1]!)).toBe(true);
        expect(versions.at(-1)).toBeGreaterThan(1);
        // The box trained on exactly what the engine sampled: no reply had to be re-tokenized, none was given up.
        const built = records.filter((r) => r.build !== null);
        expect(built.length).toBeGreaterThan(budget / 2);
        expect(built.filter((r) => r.build!.retokenizedBecause !== null).map((r) => r.build!.retokenizedBecause)).toEqual([]);
        expect(records.filter((r) => r.boxError !== null).map((r) => r.boxError)).toEqual([]);
        // Corrections reached the box with a hint, so OPD had something to distil.
        expect(records.some((r) => r.reaction === 'correction' && r.hint !== null && r.rollouts === 2)).toBe(true);
        // The persona's Learning tab shows it from the app's own store: one judged reply per signal, a
        // version marked per step, and the share of replies accepted rising from its first window.
        const { curve, versions: marked, window } = setting.learningTab;
        expect(curve).toHaveLength(records.filter((r) => r.signal !== null).length);
        expect(setting.stepVersions).toHaveLength(setting.trainingSteps);
        expect(marked.map((v) => v.version)).toEqual(expect.arrayContaining(setting.stepVersions));
        if (setting.setting.name === 'combined') expect(curve.at(-1)!.rate, summary).toBeGreaterThan(curve[window - 1]!.rate);
      }
    },
    20 * 60_000,
  );
});
