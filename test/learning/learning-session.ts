import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Persona, SignalKind } from '../../shared/domain';
import type { LearningSummary } from '../../shared/learning';
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
  /** Where the interaction's time went: the reply, the probes, the reaction (with its reply), delivery and build, the step. */
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

/** Milliseconds since the last lap. */
function stopwatch(): () => number {
  let mark = Date.now();
  return () => {
    const now = Date.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
}

interface SessionParts {
  box: BoxUnderTest;
  driver: TinyDriver;
  app: AppUnderTest;
  persona: Persona;
}

/**
 * One setting of the learning eval, through the real loop: a fresh box gateway (training plugin, judge
 * off) on its own tiny policy engine and the shared frozen teacher, a fresh app core talking to it over
 * its own sync worker, and the training driver; the simulated user chats through the IPC contract.
 *
 * Pacing (what makes a run reproducible): after each reaction the user waits until the app has
 * delivered it and the box has built it, and, when the box now holds another full rollout batch, until
 * that training step is reported and its weights serve. A user who chats slower than the box trains.
 */
export async function runLearningSession(
  options: LearningSessionOptions,
): Promise<{ records: InteractionRecord[]; trainingSteps: number; stepVersions: string[]; learningTab: LearningSummary }> {
  const dir = join(options.workDir, options.setting.name);
  mkdirSync(dir, { recursive: true });
  const parts: Partial<SessionParts> = {};
  try {
    const session = await startParts(options, dir, parts);
    const user = new SimulatedUser(options.world, options.prefers, options.userSeed);
    const records: InteractionRecord[] = [];
    let rollouts = 0;
    for (let n = 1; n <= options.interactions; n++) {
      const record = await interact(options, session, user, n, (built) => {
        rollouts += built;
        return Math.floor(rollouts / options.rolloutBatchSize);
      });
      records.push(record);
      options.onInteraction?.(record);
    }
    const steps = session.box.trainingSteps();
    // The version the plugin announced for each step is the one the driver (slime's weight updater)
    // gave the engine with those weights.
    for (const step of session.driver.steps) {
      const reported = steps.find((s) => s.step === step.step);
      if (reported && reported.policyVersion !== step.weight_version) {
        throw new Error(`step ${step.step}: the plugin announced policy ${reported.policyVersion}, the engine serves ${step.weight_version}`);
      }
    }
    // What the persona's Learning tab shows after the run: the app's own acceptance curve, from its store.
    // The last step's progress reaches the app through the box's stream and the sync worker, so it may
    // land a while after the last reply on a loaded machine: wait for every step's version (bounded).
    const stepVersions = steps.flatMap((s) => (s.policyVersion ? [s.policyVersion] : []));
    const unmarked = (tab: LearningSummary) => stepVersions.filter((v) => !tab.versions.some((marked) => marked.version === v));
    let learningTab = await session.app.invoke('learning:summary', { personaId: session.persona.id });
    for (const deadline = Date.now() + 60_000; unmarked(learningTab).length > 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      learningTab = await session.app.invoke('learning:summary', { personaId: session.persona.id });
    }
    if (unmarked(learningTab).length > 0) {
      const link = await session.app.invoke('box:status', {});
      options.log(`${options.setting.name}: versions ${unmarked(learningTab).join(', ')} not in the Learning tab after 60 s; link ${JSON.stringify(link)}`);
    }
    return { records, trainingSteps: steps.length, stepVersions, learningTab };
  } catch (error) {
    const tail = parts.driver ? `\n--- training driver output ---\n${parts.driver.process.output().slice(-3000)}` : '';
    throw new Error(`${options.setting.name}: ${error instanceof Error ? error.message : String(error)}${tail}`, { cause: error });
  } finally {
    await parts.app?.close().catch((e: unknown) => options.log(`closing the app failed: ${String(e)}`));
    await parts.driver?.stop();
    await parts.box?.close().catch((e: unknown) => options.log(`closing the box failed: ${String(e)}`));
  }
}

/** Box, driver (initial weights live) and a configured app connected to the box; `parts` fills as they start. */
async function startParts(options: LearningSessionOptions, dir: string, parts: Partial<SessionParts>): Promise<SessionParts> {
  const box = (parts.box = await startBox({
    policyUrl: options.policyUrl,
    teacherUrl: options.teacherUrl,
    dataDir: join(dir, 'box'),
    token: TOKEN,
    // The LLM judge cannot run on a tiny model: it is off here and in the app, so the detector's
    // verdicts are the rewards. Regenerations stop well before 64 tokens on this model.
    training: { judge: null, onPolicySamplesPerHint: 2, regenerateMaxNewTokens: 64 },
    log: options.log,
  }));
  const driver = (parts.driver = await startTinyDriver({
    pretrainedDir: options.pretrainedDir,
    saveDir: join(dir, 'weights'),
    engineUrl: options.policyUrl,
    gatewayUrl: box.gateway.url,
    token: TOKEN,
    wRl: options.setting.wRl,
    wOpd: options.setting.wOpd,
    rolloutBatchSize: options.rolloutBatchSize,
    lr: options.lr,
    seed: options.driverSeed,
  }));
  await until(() => box.gateway.policy.version === '1', 'the trainer announced the initial weights (policy 1)', 30_000);

  const app = (parts.app = openApp({ dataDir: join(dir, 'app'), log: options.log }));
  await app.invoke('settings:update', {
    box: { url: box.gateway.url },
    policy: { temperature: APP_TEMPERATURE, maxTokens: 64 },
    judge: { mode: 'off' },
  });
  await app.invoke('settings:setBoxToken', { token: TOKEN });
  const [first] = await app.invoke('personas:list', {});
  const persona = await app.invoke('personas:update', { id: first!.id, systemPrompt: options.world.systemPrompt, hintMode: 'auto' });
  await until(async () => (await app.invoke('box:status', {})).state === 'connected', 'the app is connected to the box', 30_000, 50);
  return { box, driver, app, persona };
}

/**
 * One interaction: a new conversation with a request, the reply (and probes of the same policy), the
 * user's reaction; then the wait until the box built the signal and, if `stepsDue` says a batch is
 * complete, until that step was reported.
 */
async function interact(
  options: LearningSessionOptions,
  { box, app, persona }: SessionParts,
  user: SimulatedUser,
  n: number,
  stepsDue: (builtRollouts: number) => number,
): Promise<InteractionRecord> {
  const lap = stopwatch();
  const conversation = await app.invoke('conversations:create', { personaId: persona.id });
  const request = user.nextRequest();
  const stepsBefore = box.trainingSteps().length;
  const { reply } = await app.send(conversation.id, request.text);
  const replyMs = lap();
  const style = classifyReplyStyle(reply.content, options.world);
  const probedLiked = await probeLikedReplies({
    engineUrl: options.policyUrl,
    messages: [
      { role: 'system', content: persona.systemPrompt },
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
    await until(
      async () => (await app.invoke('box:status', {})).pending === 0 && (box.stored(signal.id) === undefined || box.settled(signal.id)),
      `the app delivered signal ${signal.id} and the box built it`,
      SETTLE_TIMEOUT_MS,
    );
    built = box.rolloutsOf(signal.id);
    build = box.buildNote(signal.id);
    boxError = box.progress.find((e) => e.kind === 'error' && e.sampleIds.includes(signal.id))?.message ?? null;
  }
  const settleMs = lap();
  const due = stepsDue(built);
  await until(() => box.trainingSteps().length >= due, `training step ${due - 1} was reported`, STEP_TIMEOUT_MS);
  const liked = user.likes(style);
  return {
    setting: options.setting.name,
    interaction: n,
    request: request.text,
    reply: reply.content,
    style,
    liked,
    probes: { replies: options.probes, liked: probedLiked },
    likedRate: ((liked ? 1 : 0) + probedLiked) / (1 + options.probes),
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
}
