import type {
  Hint,
  HintSource,
  Message,
  Persona,
  Reward,
  Signal,
  SignalKind,
  SignalSource,
  TimelineEvent,
} from '../../shared/domain';
import type { SignalSample } from '../../shared/protocol/box-stream';
import { trustWords } from '../../shared/trust-words';
import type { AppStore } from '../store/app-store';
import type { SampleWithoutContext } from '../store/outbox-repository';
import { buildSignalSample } from './build-signal-sample';
import { learnsFrom } from './persona-chat-parameters';
import { SIGNAL_KIND_LABEL } from './signal-kind-label';
import type { SignalTrust } from './signal-trust';
import { assertTrainableReply } from './trainable-reply';
import { withheldNextState } from './withheld-next-state';
import { withdrawPendingHint } from './withdraw-pending-hint';

export interface RecordSignalInput {
  persona: Persona;
  reply: Message;
  kind: SignalKind;
  reward: Reward;
  confidence: number;
  source: SignalSource;
  evidence: string[];
  triggerMessageId: string | null;
  nextState: SignalSample['nextState'];
  hint: { text: string; source: HintSource } | null;
  /** Live signals of the same turn that this one replaces. */
  supersede: readonly Signal[];
  /** Who decided it and whether it trains (signal-trust.ts). */
  trust: SignalTrust;
  /** Inferred signals: the detector's verdict falls in a bucket trusted without a judge. */
  trainableWithoutJudge?: boolean;
}

export interface RecordedSignal {
  signal: Signal;
  hint: Hint | null;
  /** As enqueued: its context is the thread before the reply, which the outbox reads when it sends. */
  sample: SampleWithoutContext;
  /** Events to emit once the transaction has committed. */
  timeline: TimelineEvent[];
}

const HINT_MAX = 2_000;

/**
 * Writes a signal, its hint and its outbox row (plus timeline entries). It runs inside the caller's
 * db.transaction, so either all of them are stored or none is. In 'review' hint mode the hint waits
 * as 'pending' and the outbox row is 'held' without the hint and without the user's words it was
 * built from (the next state is kept aside), so nothing of an unreviewed hint can leave.
 */
export function recordSignal(store: AppStore, input: RecordSignalInput, now = Date.now()): RecordedSignal {
  const { persona, reply } = input;
  assertTrainableReply(reply);
  const signal = store.signals.insert(
    {
      personaId: persona.id,
      conversationId: reply.conversationId,
      messageId: reply.id,
      kind: input.kind,
      reward: input.reward,
      confidence: Math.min(1, Math.max(0, input.confidence)),
      source: input.source,
      evidence: input.evidence,
      triggerMessageId: input.triggerMessageId,
      decidedBy: input.trust.decidedBy,
      judgeTally: input.trust.judgeTally,
      fate: input.trust.fate,
    },
    now,
  );
  const replaced = input.supersede.filter((old) => store.signals.supersede(old.id, signal.id));
  const supersedes = replaced.reduce<Signal | null>((newest, old) => (!newest || old.createdAt >= newest.createdAt ? old : newest), null);

  const hintText = input.hint ? input.hint.text.trim().slice(0, HINT_MAX) : '';
  // Learning off: the signal and its hint are kept and shown, but nothing is queued for the box (so
  // there is nothing to review either).
  const learning = learnsFrom(persona);
  const review = learning && persona.hintMode === 'review';
  const hint =
    input.hint && hintText !== ''
      ? store.hints.insert(
          {
            signalId: signal.id,
            personaId: persona.id,
            messageId: reply.id,
            text: hintText,
            source: input.hint.source,
            status: review ? 'pending' : 'auto',
          },
          now,
        )
      : null;

  const held = hint !== null && review;
  // The context (the thread before the reply) is not copied: the outbox row refers to it, so this
  // costs the same at the 1,000th reply as at the first.
  const { messages: _context, ...sample } = buildSignalSample({
    persona,
    signal,
    context: [],
    reply,
    // The hint was built from these words: they wait beside the held row, not in it.
    nextState: held && input.nextState ? withheldNextState(input.kind, input.reward) : input.nextState,
    hint: hint && !review ? hint.text : null,
    supersedes: supersedes?.id ?? null,
    trainableWithoutJudge: input.trainableWithoutJudge,
  });
  if (learning) {
    // What the policy saw when it wrote the reply: the prompt it was asked with, the turns it answers,
    // rewrites made before then.
    const context = { replyId: reply.id, systemPrompt: store.messages.systemPromptOf(reply.id) ?? persona.systemPrompt, at: reply.createdAt };
    store.outbox.enqueueWithThreadContext(sample, signal.id, context, { held, now });
    if (held && input.nextState) store.heldNextStates.keep(sample.sampleId, input.nextState);
  }

  const timeline: TimelineEvent[] = [];
  const signalEvent = store.timeline.append({
    id: `signal:${signal.id}`,
    personaId: persona.id,
    kind: input.source === 'judge' ? 'judge' : 'signal',
    sampleId: signal.id,
    messageId: reply.id,
    summary: `${describeSignal(signal, supersedes)}${learning ? '' : ' (not sent: learning is off for this persona)'}`,
    data: {
      ...(learning ? {} : { learning: false }),
      signalId: signal.id,
      kind: signal.kind,
      reward: signal.reward,
      source: signal.source,
      confidence: signal.confidence,
      evidence: signal.evidence,
      supersedes: supersedes?.id ?? null,
      // Every signal this one replaced (usually one), so views can count only live signals.
      supersededIds: replaced.map((old) => old.id),
      decidedBy: signal.decidedBy,
      judgeTally: signal.judgeTally,
      fate: signal.fate,
    },
    createdAt: now,
  });
  if (signalEvent) timeline.push(signalEvent);
  if (hint) {
    const hintEvent = store.timeline.append({
      id: `hint:${hint.id}`,
      personaId: persona.id,
      kind: 'hint',
      sampleId: signal.id,
      messageId: reply.id,
      summary: `${hint.status === 'pending' ? 'Hint awaiting your review' : 'Hint'}: ${clip(hint.text, 160)}`,
      data: { hintId: hint.id, signalId: signal.id, status: hint.status, source: hint.source, text: hint.text },
      createdAt: now,
    });
    if (hintEvent) timeline.push(hintEvent);
  }
  // A replaced signal's hint can no longer be reviewed: withdraw it so its held row never waits forever.
  for (const old of replaced) {
    const withdrawn = withdrawPendingHint(store, old.id, 'superseded', now);
    if (withdrawn) timeline.push(withdrawn);
  }
  return { signal, hint, sample, timeline };
}

function describeSignal(signal: Signal, supersedes: Signal | null): string {
  const reward = signal.reward > 0 ? '+1' : signal.reward < 0 ? '−1' : '0';
  const by = signal.source === 'judge' ? ' (judge)' : '';
  const replaces = supersedes ? `, replaces ${SIGNAL_KIND_LABEL[supersedes.kind].toLowerCase()}` : '';
  return `${SIGNAL_KIND_LABEL[signal.kind]}${by}: reward ${reward}${replaces} — ${describeTrust(signal)}`;
}

/** What the timeline says about who decided a signal and whether it trains. */
export function describeTrust(signal: Pick<Signal, 'decidedBy' | 'judgeTally' | 'fate'>): string {
  return trustWords(signal);
}

export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The part of a signal that says what the user did; the reply, persona and supersede set are filled in. */
export type RecordInputWithoutTurn = Pick<RecordSignalInput, 'kind' | 'reward' | 'evidence' | 'nextState' | 'hint'>;
