import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { learningCurveSvg } from './learning-curve-svg';
import { REPO_ROOT } from './python-process';
import { DEFAULT_LEARNING_EVAL, learningSummaryLine, runLearningEval } from './run-learning-eval';

/**
 * `npm run eval:learning` — the tiny model learns through the real loop in three settings. Writes the
 * curve to docs/learning-curve.svg and every interaction to test-results/learning/interactions.json,
 * and prints, last: `learning: combined K1, rl-only K2, opd-only K3 interactions to 0.9 (start S)`.
 */
const COLORS: Record<string, string> = { combined: '#1f77b4', 'rl-only': '#d62728', 'opd-only': '#2ca02c' };

async function main(): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const result = await runLearningEval(DEFAULT_LEARNING_EVAL, (line) => console.log(line));
  const { config } = result;
  const svg = learningCurveSvg({
    title: 'The tiny model learns a user’s preferred style through Apprentice’s loop',
    subtitle:
      `casual-reply rate over the last ${config.window} interactions (each: the served reply + ${config.probes} more from the same policy); ` +
      `start ${result.startRate.toFixed(2)}, seeded`,
    lines: result.settings.map((s) => ({ label: s.setting.name, color: COLORS[s.setting.name] ?? '#000', rates: s.rates })),
    target: config.target,
    start: result.startRate,
    interactions: config.budget,
    window: config.window,
  });
  mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'docs', 'learning-curve.svg'), svg);
  const outDir = join(REPO_ROOT, 'test-results', 'learning');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'interactions.json'),
    `${JSON.stringify({ config, startRate: result.startRate, seconds: result.seconds, interactions: result.settings.flatMap((s) => s.records) }, null, 1)}\n`,
  );
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    `wall ${result.seconds.total.toFixed(1)} s (pretraining ${result.seconds.pretrain.toFixed(1)} s); ` +
      `this process used ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU (the Python processes are not counted here)`,
  );
  console.log(learningSummaryLine(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
