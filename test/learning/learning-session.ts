import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SignalKind } from '../../shared/domain';
import { openApp, type AppUnderTest } from './app-under-test';
import { startBox, type BoxUnderTest } from './box-under-test';
import { probeLikedReplies } from './policy-probe';
import { classifyReplyStyle, type StyleVerdict } from './reply-style';
import { SimulatedUser, type ReactionKind } from './simulated-user';
import { startTinyDriver, type TinyDriver } from './tiny-driver';
import type { ReplyStyle, TinyWorld } from './tiny-world';

/** One way of training, configured as the plugin is on a box: the two advantage weights. */
export interface LearningSetting {
  name: 'combined' | 'rl-only' | 'opd-only';
  wRl: number;
  wOpd: number;
}

/** The app's default reply temperature (settings.policy.temperature), used by the eval as it is. */
export const APP_TEMPERATURE = 0.7;

export const LEARNING_SETTINGS: readonly LearningSetting[] = [
  { name: 'combined', wRl: 1, wOpd: 1 },
  { name: 'rl-only', wRl: 1, wOpd: 0 },
  { name: 'opd-only', wRl: 0, wOpd: 1 },
];

/** What happened in one interaction (request → reply → the user's reaction), for curves and the app's views. */
export interface InteractionRecord {
  setting: LearningSetting['name'];
  /** 1-based. */
  interaction: number;
  request: string;
  reply: string;
  style: StyleVerdict;
  liked: boolean;
  /** More replies of the same policy to the same request (asked of the engine, never shown or trained). */
  probes: { replies: number; liked: number };
  /** The liked-style rate of the policy at this interaction: over the served reply and the probes. */
  likedRate: number;
  /** The policy version that served the reply (the app's message, from the gateway's header). */
  policyVersion: string | null;
  reaction: ReactionKind;
  reactionText: string;
  /** The app's verdict on the reply (its detector; the judge is off). */
  signal: { kind: SignalKind; reward: number; confidence: number } | null;
  hint: string | null;
  /** Rollouts the box built from the signal (0: not trainable, not sent or given up). */
  rollouts: number;
  /** The box's build note: why it could not use the served ids (null: it did), regenerations that failed. */
  build: { retokenizedBecause: string | null; regenerationErrors: string[] } | null;
  /** The box gave the signal up (its 'error' event), or null. */
  boxError: string | null;
  /** Training steps reported before the reply was served. */
  stepsBefore: number;
  /** Where the interaction's time went: the reply, the reaction (with its reply), delivery and build, the step. */
  ms: { reply: number; probes: number; reaction: number; settle: number; step: number };
}

export interface LearningSessionOptions {
  setting: LearningSetting;
  world: TinyWorld;
  prefers: ReplyStyle;
  policyUrl: string;
  teacherUrl: string;
  pretrainedDir: string;
  workDir: string;
  interactions: number;
  userSeed: number;
  driverSeed: number;
  rolloutBatchSize: number;
  lr: number;
  /** Extra replies per interaction for measuring the policy (0: the served reply alone). */
  probes: number;
  log: (line: string) => void;
  onInteraction?: (record: InteractionRecord) => void;
}

const TOKEN = 'tiny-loop-box-token-0123456789';
const SETTLE_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 120_000;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, pollMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * One setting of the learning eval, through the real loop: a fresh box gateway (training plugin, judge
 * off) on the shared tiny engines, a fresh app core talking to it over its own sync worker, and the
 * training driver; the simulated user chats through the IPC contract.
 *
 * Pacing (what makes a run reproducible): after each reaction the user waits until the app has
 * delivered it and the box has built it, and, when the box now holds another full rollout batch, until
 * that training step is reported and its weights serve. A user who chats slower than the box trains.
 */
export async function runLearningSession(options: LearningSessionOptions): Promise<{ records: InteractionRecord[]; trainingSteps: number }> {
  const { setting, log } = options;
  const dir = join(options.workDir, setting.name);
  mkdirSync(dir, { recursive: true });
  let box: BoxUnderTest | null = null;
  let driver: TinyDriver | null = null;
  let app: AppUnderTest | null = null;
  try {
    box = await startBox({
      policyUrl: options.policyUrl,
      teacherUrl: options.teacherUrl,
      dataDir: join(dir, 'box'),
      token: TOKEN,
      // The LLM judge cannot run on a tiny model: it is off here and in the app, so the detector's
      // verdicts are the rewards. Regenerations stop well before 64 tokens on this model.
      training: { judge: null, onPolicySamplesPerHint: 2, regenerateMaxNewTokens: 64 },
      log,
    });
    driver = await startTinyDriver({
      pretrainedDir: options.pretrainedDir,
      saveDir: join(dir, 'weights'),
      engineUrl: options.policyUrl,
      gatewayUrl: box.gateway.url,
      token: TOKEN,
      wRl: setting.wRl,
      wOpd: setting.wOpd,
      rolloutBatchSize: options.rolloutBatchSize,
      lr: options.lr,
      seed: options.driverSeed,
    });
    const gateway = box.gateway;
    await until(() => gateway.policy.version === '1', 'the trainer announced the initial weights (policy 1)', 30_000);

    app = openApp({ dataDir: join(dir, 'app'), log });
    await app.invoke('settings:update', {
      box: { url: gateway.url },
      policy: { temperature: APP_TEMPERATURE, maxTokens: 64 },
      judge: { mode: 'off' },
    });
    await app.invoke('settings:setBoxToken', { token: TOKEN });
    const persona = (await app.invoke('personas:list', {}))[0]!;
    await app.invoke('personas:update', { id: persona.id, systemPrompt: options.world.systemPrompt, hintMode: 'auto' });
    const connectedApp = app;
    await until(async () => (await connectedApp.invoke('box:status', {})).state === 'connected', 'the app is connected to the box', 30_000, 50);

    const user = new SimulatedUser(options.world, options.prefers, options.userSeed);
    const records: InteractionRecord[] = [];
    let rollouts = 0;
    for (let n = 1; n <= options.interactions; n++) {
      const conversation = await app.invoke('conversations:create', { personaId: persona.id });
      const request = user.nextRequest();
      const stepsBefore = box.trainingSteps().length;
      let mark = Date.now();
      const lap = (): number => {
        const now = Date.now();
        const ms = now - mark;
        mark = now;
        return ms;
      };
      const { reply } = await app.send(conversation.id, request.text);
      const replyMs = lap();
      const style = classifyReplyStyle(reply.content, options.world);
      const probedLiked = await probeLikedReplies({
        engineUrl: options.policyUrl,
        messages: [
          { role: 'system', content: options.world.systemPrompt },
          { role: 'user', content: request.text },
        ],
        count: options.probes,
        temperature: APP_TEMPERATURE,
        world: options.world,
        prefers: options.prefers,
      });
      const probeMs = lap();
      const reaction = user.react(style, request);
      const { signal } = await app.send(conversation.id, reaction.text);
      const reactionMs = lap();
      let hint: string | null = null;
      let built = 0;
      let build: InteractionRecord['build'] = null;
      let boxError: string | null = null;
      if (signal) {
        const { hints } = await app.invoke('signals:listForConversation', { conversationId: conversation.id });
        hint = hints.find((h) => h.signalId === signal.id)?.text ?? null;
        const readyApp = app;
        const readyBox = box;
        await until(
          async () => (await readyApp.invoke('box:status', {})).pending === 0 && (readyBox.stored(signal.id) === undefined || readyBox.settled(signal.id)),
          `the app delivered signal ${signal.id} and the box built it`,
          SETTLE_TIMEOUT_MS,
        );
        built = box.rolloutsOf(signal.id);
        build = box.buildNote(signal.id);
        boxError = box.progress.find((e) => e.kind === 'error' && e.sampleIds.includes(signal.id))?.message ?? null;
      }
      const settleMs = lap();
      rollouts += built;
      const due = Math.floor(rollouts / options.rolloutBatchSize);
      const stepsBox = box;
      await until(() => stepsBox.trainingSteps().length >= due, `training step ${due - 1} was reported`, STEP_TIMEOUT_MS);
      const record: InteractionRecord = {
        setting: setting.name,
        interaction: n,
        request: request.text,
        reply: reply.content,
        style,
        liked: user.likes(style),
        probes: { replies: options.probes, liked: probedLiked },
        likedRate: ((user.likes(style) ? 1 : 0) + probedLiked) / (1 + options.probes),
        policyVersion: reply.policyVersion,
        reaction: reaction.kind,
        reactionText: reaction.text,
        signal: signal ? { kind: signal.kind, reward: signal.reward, confidence: signal.confidence } : null,
        hint,
        rollouts: built,
        build,
        boxError,
        stepsBefore,
        ms: { reply: replyMs, probes: probeMs, reaction: reactionMs, settle: settleMs, step: lap() },
      };
      records.push(record);
      options.onInteraction?.(record);
    }
    const steps = box.trainingSteps();
    // The version the plugin announced for each step is the one the driver (slime's weight updater)
    // gave the engine with those weights.
    for (const step of driver.steps) {
      const reported = steps.find((s) => s.step === step.step);
      if (reported && reported.policyVersion !== step.weight_version) {
        throw new Error(`step ${step.step}: the plugin announced policy ${reported.policyVersion}, the engine serves ${step.weight_version}`);
      }
    }
    return { records, trainingSteps: steps.length };
  } catch (error) {
    const tail = driver ? `\n--- training driver output ---\n${driver.process.output().slice(-3000)}` : '';
    throw new Error(`${setting.name}: ${error instanceof Error ? error.message : String(error)}${tail}`, { cause: error });
  } finally {
    await app?.close().catch((e: unknown) => log(`closing the app failed: ${String(e)}`));
    await driver?.stop();
    await box?.close().catch((e: unknown) => log(`closing the box failed: ${String(e)}`));
  }
}
