import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interactionsToReach, rollingRate } from './learning-curve';
import { APP_TEMPERATURE, LEARNING_SETTINGS, runLearningSession, type InteractionRecord, type LearningSetting } from './learning-session';
import { measureStartRate } from './measure-start-rate';
import { runPython, stopAllPythonProcesses } from './python-process';
import { startTinyEngine, type TinyEngine } from './tiny-engines';
import { loadTinyWorld, type ReplyStyle } from './tiny-world';
import type { LearningSummary } from '../../shared/learning';

export interface LearningEvalConfig {
  /** Interactions per setting (N). */
  budget: number;
  /** Trailing window of the liked-style rate, in interactions. */
  window: number;
  target: number;
  prefers: ReplyStyle;
  /** Extra replies per interaction that measure the policy (see learning-session.ts). */
  probes: number;
  rolloutBatchSize: number;
  lr: number;
  pretrainSeed: number;
  pretrainSteps: number;
  userSeed: number;
  driverSeed: number;
  engineSeed: number;
  /** Replies per request of the world for the start rate. */
  startRepeats: number;
}

export const DEFAULT_LEARNING_EVAL: LearningEvalConfig = {
  budget: 120,
  window: 20,
  target: 0.9,
  prefers: 'casual',
  probes: 4,
  rolloutBatchSize: 4,
  lr: 1e-4,
  pretrainSeed: 7,
  pretrainSteps: 400,
  userSeed: 1,
  driverSeed: 0,
  engineSeed: 0,
  startRepeats: 5,
};

export interface SettingResult {
  setting: LearningSetting;
  records: InteractionRecord[];
  /** The liked-style rate over the trailing window, per interaction. */
  rates: number[];
  /** Interactions to reach the target; null: not within the budget. */
  interactionsToTarget: number | null;
  trainingSteps: number;
  /** The policy version the box announced for each step. */
  stepVersions: string[];
  /** The persona's Learning tab at the end of the run (the app's acceptance curve and tiles). */
  learningTab: LearningSummary;
  seconds: number;
}

export interface LearningEvalResult {
  config: LearningEvalConfig;
  startRate: number;
  startReplies: number;
  settings: SettingResult[];
  seconds: { pretrain: number; startRate: number; settings: number; total: number };
}

/** `>N` when the target was never reached within the budget N. */
export function formatInteractions(k: number | null, budget: number): string {
  return k === null ? `>${budget}` : String(k);
}

/** The eval's last line, exactly as the issue asks for it. */
export function learningSummaryLine(result: LearningEvalResult): string {
  const k = (name: LearningSetting['name']): string => {
    const found = result.settings.find((s) => s.setting.name === name);
    return found ? formatInteractions(found.interactionsToTarget, result.config.budget) : '?';
  };
  return `learning: combined ${k('combined')}, rl-only ${k('rl-only')}, opd-only ${k('opd-only')} interactions to ${result.config.target} (start ${result.startRate.toFixed(2)})`;
}

/**
 * The whole learning eval: pretrain the tiny model, start one frozen teacher engine and a policy engine
 * per setting, measure the start rate, then run the settings side by side through the real loop
 * (learning-session.ts). Each setting has its own engine, box, app and driver, and every sample is
 * seeded per request, so running them together changes nothing but the wall time.
 */
export async function runLearningEval(
  config: LearningEvalConfig,
  log: (line: string) => void,
  options: {
    onInteraction?: (record: InteractionRecord) => void;
    /** A model folder pretrained with these same settings, to skip pretraining (repeated studies). */
    pretrainedDir?: string;
    /** Only these settings (default: all three). */
    settings?: readonly LearningSetting['name'][];
  } = {},
): Promise<LearningEvalResult> {
  const began = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'apprentice-learning-'));
  const engines: TinyEngine[] = [];
  try {
    const world = loadTinyWorld();
    const settings = LEARNING_SETTINGS.filter((s) => !options.settings || options.settings.includes(s.name));
    const pretrainedDir = options.pretrainedDir ?? join(workDir, 'pretrained');
    let t = Date.now();
    if (!options.pretrainedDir) {
      const args = ['--out', pretrainedDir, '--seed', String(config.pretrainSeed), '--steps', String(config.pretrainSteps), '--exit-on-stdin-close'];
      log((await runPython('pretraining', 'tiny_model.pretrain', args, 600_000)).trim());
    }
    const pretrainSeconds = (Date.now() - t) / 1000;

    const started = await Promise.all([
      startTinyEngine('teacher engine', pretrainedDir, config.engineSeed),
      ...settings.map((s) => startTinyEngine(`${s.name} policy engine`, pretrainedDir, config.engineSeed)),
    ]);
    engines.push(...started);
    const [teacher, ...policies] = started as [TinyEngine, ...TinyEngine[]];

    t = Date.now();
    const start = await measureStartRate({
      engineUrl: policies[0]!.url,
      world,
      prefers: config.prefers,
      temperature: APP_TEMPERATURE,
      repeats: config.startRepeats,
    });
    const startSeconds = (Date.now() - t) / 1000;
    log(`start: ${config.prefers} rate ${start.rate.toFixed(3)} over ${start.replies} replies of the pretrained policy`);

    t = Date.now();
    const results = await Promise.all(
      settings.map(async (setting, i): Promise<SettingResult> => {
        const began = Date.now();
        const { records, trainingSteps, stepVersions, learningTab } = await runLearningSession({
          setting,
          world,
          prefers: config.prefers,
          policyUrl: policies[i]!.url,
          teacherUrl: teacher.url,
          pretrainedDir,
          workDir,
          interactions: config.budget,
          userSeed: config.userSeed,
          driverSeed: config.driverSeed,
          rolloutBatchSize: config.rolloutBatchSize,
          lr: config.lr,
          probes: config.probes,
          log,
          onInteraction: options.onInteraction,
        });
        const rates = records.map((r) => r.likedRate);
        const result: SettingResult = {
          setting,
          records,
          rates: rollingRate(rates, config.window),
          interactionsToTarget: interactionsToReach(rates, config.window, config.target),
          trainingSteps,
          stepVersions,
          learningTab,
          seconds: (Date.now() - began) / 1000,
        };
        log(
          `${setting.name}: ${formatInteractions(result.interactionsToTarget, config.budget)} interactions to ${config.target}, ` +
            `${result.trainingSteps} training steps, ${result.seconds.toFixed(1)} s`,
        );
        return result;
      }),
    );
    return {
      config,
      startRate: start.rate,
      startReplies: start.replies,
      settings: results,
      seconds: { pretrain: pretrainSeconds, startRate: startSeconds, settings: (Date.now() - t) / 1000, total: (Date.now() - began) / 1000 },
    };
  } finally {
    await Promise.all(engines.map((e) => e.stop()));
    await stopAllPythonProcesses();
    rmSync(workDir, { recursive: true, force: true });
  }
}
