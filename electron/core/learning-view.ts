import type { DecidedBy, Hint, HintStatus, JudgeTally, Reward, SignalKind, SignalSource, TrainingFate } from '../../shared/domain';
import type { LearningSummary, SignalLife, SignalStage } from '../../shared/learning';
import { stripMarkdownMarkers } from '../signals/strip-markdown-markers';
import type { AppStore } from '../store/app-store';
import { isAcceptedReply } from './reply-acceptance';
import { rollingAcceptance, type JudgedReply } from './rolling-acceptance';
import { splitReasoning } from '../../shared/split-reasoning';
import { prepareOnce } from '../store/prepare-once';

/** How many judged replies each point of the acceptance curve looks back over. */
export const ACCEPTANCE_WINDOW = 20;
const WEEK_MS = 7 * 24 * 3_600_000;
const EXCERPT = 160;
/** Rows the list carries at most (newest first); the tiles count every signal. */
export const MAX_LIFE_ROWS = 5_000;

interface RawLife {
  id: string;
  persona_id: string;
  conversation_id: string;
  message_id: string;
  kind: SignalKind;
  reward: Reward;
  source: SignalSource;
  evidence: string;
  decided_by: DecidedBy;
  judge_tally: string | null;
  fate: TrainingFate;
  removed_at: number | null;
  created_at: number;
  trigger_text: string | null;
  reply_text: string | null;
  question_text: string | null;
  hint_text: string | null;
  hint_status: HintStatus | null;
  outbox_state: 'held' | 'pending' | 'acked' | 'rejected' | null;
  sent_at: number | null;
  acked_at: number | null;
  last_error: string | null;
}

/**
 * The signals that teach something: live ones (not replaced by a later signal on the same reply)
 * with a reward or a hint. Neutral follow-ups without a hint are left out: they judge a reply (see
 * the acceptance curve) but teach nothing. A signal the user removed stays, as not training. Walked
 * newest first through signals_by_persona_newest, each joined to its hint and outbox row by index.
 */
const LIVES_FROM = `FROM signals s LEFT JOIN hints h ON h.signal_id = s.id LEFT JOIN outbox o ON o.signal_id = s.id`;
const LIVES_WHERE = `WHERE s.persona_id = ? AND s.superseded_by IS NULL AND (s.reward <> 0 OR h.id IS NOT NULL)`;

/** The newest MAX_LIFE_ROWS of them with their texts and delivery state (exported so a test can check its plan). */
export const SIGNAL_LIVES_SQL = `SELECT s.id, s.persona_id, s.conversation_id, s.message_id, s.kind, s.reward, s.source, s.evidence, s.created_at,
          s.decided_by, s.judge_tally, s.fate, s.removed_at,
          t.content AS trigger_text,
          COALESCE((SELECT e.text FROM reply_corrections e WHERE e.message_id = r.id AND e.kind = 'edit'
                    ORDER BY e.created_at DESC, e.id DESC LIMIT 1), r.content) AS reply_text,
          q.content AS question_text,
          h.text AS hint_text, h.status AS hint_status,
          o.state AS outbox_state, o.sent_at, o.acked_at, o.last_error
   ${LIVES_FROM}
   JOIN messages r ON r.id = s.message_id
   LEFT JOIN messages q ON q.id = r.parent_id
   LEFT JOIN messages t ON t.id = s.trigger_message_id
   ${LIVES_WHERE}
   ORDER BY s.created_at DESC, s.rowid DESC
   LIMIT ?`;

/** A persona's signals that teach something (LIVES_WHERE), the newest MAX_LIFE_ROWS, each with its life folded in. */
export function signalLives(store: AppStore, personaId: string): SignalLife[] {
  const raws = prepareOnce(store.db, SIGNAL_LIVES_SQL).all(personaId, MAX_LIFE_ROWS) as RawLife[];
  const trained = trainedSteps(store, personaId);
  return raws.map((raw): SignalLife => {
    const step = trained.get(raw.id) ?? null;
    return {
      signalId: raw.id,
      personaId: raw.persona_id,
      conversationId: raw.conversation_id,
      messageId: raw.message_id,
      kind: raw.kind,
      reward: raw.reward,
      source: raw.source,
      evidence: JSON.parse(raw.evidence) as string[],
      decidedBy: raw.decided_by,
      judgeTally: raw.judge_tally === null ? null : (JSON.parse(raw.judge_tally) as JudgeTally),
      fate: raw.fate,
      removedAt: raw.removed_at,
      hint: raw.hint_text !== null && raw.hint_status !== null ? { text: raw.hint_text, status: raw.hint_status } : null,
      createdAt: raw.created_at,
      reply: excerpt(raw.reply_text),
      question: raw.question_text === null ? null : excerpt(raw.question_text),
      followUp: raw.trigger_text === null ? null : excerpt(raw.trigger_text),
      stage: stageOf(raw, step !== null),
      deliveredAt: raw.sent_at,
      acknowledgedAt: raw.acked_at,
      trained: step,
      error: raw.outbox_state === 'rejected' ? raw.last_error : null,
    };
  });
}

/** The curve, the tiles and the box's errors for the Learning tab. */
export function learningSummary(store: AppStore, personaId: string, now = Date.now()): LearningSummary {
  const judged = judgedReplies(store, personaId);
  const curve = rollingAcceptance(judged, ACCEPTANCE_WINDOW);
  const recent = judged.slice(-ACCEPTANCE_WINDOW);
  const stages = stageCounts(store, personaId, now - WEEK_MS);
  const count = (...wanted: SignalStage[]) => wanted.reduce((sum, stage) => sum + (stages.byStage.get(stage) ?? 0), 0);
  const versions = policyVersions(store, personaId);
  return {
    curve,
    window: ACCEPTANCE_WINDOW,
    versions,
    tiles: {
      acceptedRate: curve.at(-1)?.rate ?? null,
      reaskRate: recent.length === 0 ? null : recent.filter((r) => r.reasked).length / recent.length,
      judgedReplies: judged.length,
      signals: stages.total,
      signalsThisWeek: stages.since,
      waitingToTrain: count('queued', 'delivered', 'acknowledged'),
      heldForReview: count('held'),
      trained: count('trained'),
      rejected: count('rejected'),
      notTraining: count('not_training'),
      notSent: count('not_sent'),
      policyVersion: versions.at(-1)?.version ?? null,
    },
    boxErrors: store.timeline
      .list(personaId, { kinds: ['error'], limit: 5 })
      .map((e) => ({ at: e.createdAt, text: e.summary })),
  };
}

/**
 * Every signal of the list (LIVES_WHERE, not only the newest MAX_LIFE_ROWS) by stage, read without its
 * texts and put in its stage by the same stageOf as the rows.
 */
function stageCounts(store: AppStore, personaId: string, since: number): { total: number; since: number; byStage: Map<SignalStage, number> } {
  const rows = prepareOnce(
    store.db,
    `SELECT s.id, s.created_at, s.fate, s.removed_at, o.state AS outbox_state, o.sent_at ${LIVES_FROM} ${LIVES_WHERE}`,
  ).all(personaId) as StageFields[];
  const trained = trainedSteps(store, personaId);
  const byStage = new Map<SignalStage, number>();
  let recent = 0;
  for (const row of rows) {
    const stage = stageOf(row, trained.has(row.id));
    byStage.set(stage, (byStage.get(stage) ?? 0) + 1);
    if (row.created_at >= since) recent += 1;
  }
  return { total: rows.length, since: recent, byStage };
}

interface JudgedReplyRow extends JudgedReply {
  reasked: boolean;
}

/** Every reply of the persona the user reacted to (a live signal on it), oldest first. */
function judgedReplies(store: AppStore, personaId: string): JudgedReplyRow[] {
  const rows = store.db
    .prepare(
      `SELECT m.id, m.created_at, m.policy_version, s.reward, s.kind, s.decided_by, s.judge_tally
       FROM signals s JOIN messages m ON m.id = s.message_id
       WHERE s.persona_id = ? AND s.superseded_by IS NULL AND s.removed_at IS NULL
       ORDER BY m.created_at, m.seq`,
    )
    .all(personaId) as Array<{
    id: string;
    created_at: number;
    policy_version: string | null;
    reward: Reward;
    kind: SignalKind;
    decided_by: DecidedBy;
    judge_tally: string | null;
  }>;
  type Judgement = { reward: Reward; kind: SignalKind; decidedBy: DecidedBy; judgeTally: JudgeTally | null };
  const byReply = new Map<string, { at: number; policyVersion: string | null; signals: Judgement[] }>();
  for (const row of rows) {
    const reply = byReply.get(row.id) ?? { at: row.created_at, policyVersion: row.policy_version, signals: [] };
    reply.signals.push({
      reward: row.reward,
      kind: row.kind,
      decidedBy: row.decided_by,
      judgeTally: row.judge_tally === null ? null : (JSON.parse(row.judge_tally) as JudgeTally),
    });
    byReply.set(row.id, reply);
  }
  return [...byReply.values()].map((reply) => ({
    at: reply.at,
    policyVersion: reply.policyVersion,
    accepted: isAcceptedReply(reply.signals),
    reasked: reply.signals.some((s) => s.kind === 'requery' || s.kind === 'regenerate'),
  }));
}

/** Which training step used each signal (the box names the signals a step learned from). */
function trainedSteps(store: AppStore, personaId: string): Map<string, NonNullable<SignalLife['trained']>> {
  const steps = store.db
    .prepare(`SELECT data, created_at FROM timeline_events WHERE persona_id = ? AND kind = 'training_step' ORDER BY seq`)
    .all(personaId) as Array<{ data: string; created_at: number }>;
  const trained = new Map<string, NonNullable<SignalLife['trained']>>();
  for (const row of steps) {
    const data = JSON.parse(row.data) as { step?: unknown; policyVersion?: unknown; sampleIds?: unknown };
    if (!Array.isArray(data.sampleIds)) continue;
    const step = typeof data.step === 'number' ? data.step : null;
    const policyVersion = typeof data.policyVersion === 'string' ? data.policyVersion : null;
    for (const id of data.sampleIds) {
      // The first step that used it is when it trained.
      if (typeof id === 'string' && !trained.has(id)) trained.set(id, { step, at: row.created_at, policyVersion });
    }
  }
  return trained;
}

/** When each policy version was first announced or trained, oldest first. */
function policyVersions(store: AppStore, personaId: string): LearningSummary['versions'] {
  const rows = store.db
    .prepare(
      `SELECT json_extract(data, '$.policyVersion') AS version, MIN(created_at) AS at FROM timeline_events
       WHERE persona_id = ? AND kind IN ('policy_version', 'training_step') AND json_extract(data, '$.policyVersion') IS NOT NULL
       GROUP BY version ORDER BY at`,
    )
    .all(personaId) as Array<{ version: unknown; at: number }>;
  return rows.filter((r): r is { version: string; at: number } => typeof r.version === 'string' && r.version !== '');
}

/** Signals the box will not train, whatever the outbox says (trust's fate). */
const NOT_TRAINING: ReadonlySet<TrainingFate> = new Set(['removed', 'reverted', 'unsure', 'no_signal', 'not_from_policy']);

type StageFields = Pick<RawLife, 'id' | 'created_at' | 'fate' | 'removed_at' | 'outbox_state' | 'sent_at'>;

function stageOf(raw: StageFields, trained: boolean): SignalStage {
  if (raw.outbox_state === null && raw.removed_at === null) return 'not_sent';
  if (NOT_TRAINING.has(raw.fate)) return 'not_training';
  if (raw.outbox_state === null) return 'not_sent';
  if (raw.outbox_state === 'rejected') return 'rejected';
  if (trained || raw.fate === 'trained') return 'trained';
  if (raw.outbox_state === 'held') return 'held';
  if (raw.outbox_state === 'acked') return 'acknowledged';
  return raw.sent_at !== null ? 'delivered' : 'queued';
}

/** Hints with what they are about, so the review can be decided knowing the exchange. */
export function withHintContext<H extends Hint>(store: AppStore, hints: H[]) {
  const read = store.db.prepare(
    `SELECT r.conversation_id, r.content AS reply_text, q.content AS question_text, t.content AS trigger_text
     FROM hints h JOIN signals s ON s.id = h.signal_id JOIN messages r ON r.id = h.message_id
     LEFT JOIN messages q ON q.id = r.parent_id LEFT JOIN messages t ON t.id = s.trigger_message_id
     WHERE h.id = ?`,
  );
  return hints.map((hint) => {
    const row = read.get(hint.id) as
      | { conversation_id: string; reply_text: string; question_text: string | null; trigger_text: string | null }
      | undefined;
    if (!row) return hint;
    return {
      ...hint,
      context: {
        conversationId: row.conversation_id,
        question: row.question_text === null ? null : excerpt(row.question_text),
        reply: excerpt(row.reply_text),
        followUp: row.trigger_text === null ? null : excerpt(row.trigger_text),
      },
    };
  });
}

/** The start of a message as a reader sees it: no reasoning, no markdown markers, one line. */
function excerpt(text: string | null): string {
  const flat = stripMarkdownMarkers(splitReasoning(text ?? '').answer).replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT ? flat : `${flat.slice(0, EXCERPT - 1)}…`;
}
