import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { SignalSampleSchema, type SignalSample } from '../../shared/protocol/box-stream';
import { TrainerSampleSchema, type TrainerReport, type TrainerSample } from '../../shared/protocol/trainer-api';
import { applyModuleMigrations, type BoxDb } from '../gateway/box-database';
import { isTrainable } from '../samples/loss-mask';
import type { BuiltTrainerSample } from '../samples/build-trainer-samples';
import { trainingMigrations } from './training-migrations';

export interface PendingSource {
  sample: SignalSample;
  attempts: number;
  /** Failed tries the engine's unavailability caused (not counted as attempts). */
  outages: number;
  /** Of those, the ones the engine answered with a 5xx. */
  serverErrors: number;
  /** When the source last changed (its previous try ended, or it arrived). */
  lastTriedAt: number;
}

export interface TrainedRow {
  sampleId: string;
  sourceSampleId: string;
  personaId: string;
  reward: number;
}

export interface ReportOutcome {
  /** Rows this report moved to trained (each sample is trained once). */
  trained: TrainedRow[];
  alreadyTrained: string[];
  unknown: string[];
  /** Rows withdrawn (superseded, failed) before the report: not marked trained. */
  withdrawn: string[];
}

export interface EnqueueOutcome {
  /** Samples now offered to the trainer. */
  ready: TrainerSample[];
  /** Built but not offered: all-zero loss mask (nothing to learn) or replaced meanwhile. */
  held: { sampleId: string; state: 'skipped' | 'superseded' }[];
}

/**
 * A delivered sample the gateway's sample log already holds: the source refers to that row for its
 * body instead of copying it. `bodyChars` is the length of the stored JSON.
 */
export interface StoredSourceNote {
  sampleId: string;
  personaId: string;
  turnId: string;
  supersedes: string | null;
  bodyChars: number;
  receivedAt: number;
}

export interface TrainingQueueOptions {
  /** The stored JSON of a sample in the gateway's sample log (for sources that refer to it). */
  sampleLogBody?: (sampleId: string) => string | null;
}

/** What a user's withdrawal found. */
export interface WithdrawOutcome {
  /** The step that already trained it (the latest, for a hinted group), or null when nothing of it trained. */
  trainedStep: number | null;
  /** Whether the box had received the sample (a withdrawal may come first, or alone). */
  known: boolean;
}

/** training_superseded.by_sample_id of a withdrawal: no newer sample replaces it, the user removed it. */
const WITHDRAWN_BY_USER = 'withdrawn-by-user';

/** A built sample settled as failed (the trainer refused it, or its stored row no longer parses). */
export interface FailedSample {
  sampleId: string;
  sourceSampleId: string;
  personaId: string;
  error: string;
}

interface SampleRow {
  seq: number;
  sample_id: string;
  source_sample_id: string;
  persona_id: string;
  body: string;
  state: string;
}

function toTrainerSample(row: SampleRow): TrainerSample {
  return TrainerSampleSchema.parse({ ...(JSON.parse(row.body) as object), index: row.seq });
}

/** A stored row as a TrainerSample, or why it is not one (stored by an older build, edited, corrupt). */
function parseStoredSample(row: SampleRow): { sample: TrainerSample } | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(row.body);
  } catch (error) {
    return { error: `the stored sample is not JSON (${(error as Error).message})` };
  }
  const parsed = TrainerSampleSchema.safeParse({ ...(body as object), index: row.seq });
  return parsed.success ? { sample: parsed.data } : { error: `the stored sample breaks the trainer contract: ${z.prettifyError(parsed.error)}` };
}

/**
 * The durable training queue in the gateway's SQLite file. Delivered app samples wait here to be
 * built; built TrainerSamples wait to be leased by the trainer; a lease that no report names in
 * time lapses and the sample is offered again; a reported sample is trained once and never again.
 * A newer sample that supersedes an older one withdraws every not-yet-trained sample built from it;
 * the trainer asks (`confirm`) right before a step which of its leased samples were withdrawn, and a
 * report never marks a withdrawn one trained.
 * Its transactions begin IMMEDIATE (the write lock first, waiting out the busy timeout): the gateway's
 * ingest worker writes the same file from another thread, and a deferred transaction that had read
 * before one of its commits could not write at all (SQLITE_BUSY_SNAPSHOT, with no wait).
 */
export class TrainingQueue {
  /** Each statement prepared once: a build runs a dozen, and preparing one again costs more than running it. */
  private readonly statements = new Map<string, Statement>();
  private readonly listeners = new Set<() => void>();
  private readonly failedListeners = new Set<(failed: FailedSample[]) => void>();

  constructor(
    private readonly db: BoxDb,
    private readonly options: TrainingQueueOptions = {},
  ) {
    applyModuleMigrations(db, 'training', trainingMigrations);
  }

  /** `sql` comes from a bounded set of texts (values are parameters), so the cache stays small. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Called whenever samples may have become ready (enqueue, lapsed lease); long-polls wake on it. */
  onReady(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called with rows lease() found unusable and settled as failed, so the user can be told. */
  onSamplesFailed(listener: (failed: FailedSample[]) => void): () => void {
    this.failedListeners.add(listener);
    return () => this.failedListeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  // ---- delivered samples (the build queue) ----------------------------------------------------

  /**
   * Records a delivered sample for building (idempotent). Returns the ids of sources it withdrew.
   * A source already named by a newer sample's `supersedes` is stored as superseded at once.
   */
  addSource(sample: SignalSample, now = Date.now()): { added: boolean; superseded: string[] } {
    return this.db.transaction(() => {
      const replaced = this.isReplaced(sample.sampleId);
      const info = this.statement(
          `INSERT INTO training_sources (sample_id, persona_id, turn_id, body, state, received_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sample_id) DO NOTHING`,
        )
        .run(sample.sampleId, sample.personaId, sample.turnId, JSON.stringify(sample), replaced ? 'superseded' : 'pending', now, now);
      const superseded = info.changes > 0 ? this.withdrawReplaced(sample.sampleId, sample.supersedes, now) : [];
      return { added: info.changes > 0, superseded };
    }).immediate();
  }

  /**
   * Records samples the gateway's sample log holds, in one transaction, each referring to its row
   * there (nothing is copied or parsed). A sample whose stored JSON is longer than `maxChars` is
   * settled at once as failed for good, with the sizes: it is kept in the sample log, but no trainer
   * context takes it and tokenizing it would only tie up the build. Idempotent, like addSource.
   */
  addStoredSources(
    notes: readonly StoredSourceNote[],
    maxChars: number,
    now = Date.now(),
  ): { added: string[]; tooLarge: (StoredSourceNote & { error: string })[]; superseded: string[] } {
    return this.db.transaction(() => {
      const insert = this.statement(
        `INSERT INTO training_sources (sample_id, persona_id, turn_id, body, body_in_sample_log, body_chars, state,
                                       last_error, failed_permanently, received_at, updated_at)
         VALUES (?, ?, ?, '', 1, ?, ?, ?, ?, ?, ?) ON CONFLICT(sample_id) DO NOTHING`,
      );
      const added: string[] = [];
      const tooLarge: (StoredSourceNote & { error: string })[] = [];
      const superseded: string[] = [];
      for (const note of notes) {
        const replaced = this.isReplaced(note.sampleId);
        const oversize = note.bodyChars > maxChars;
        const error = oversize
          ? `the sample is ${note.bodyChars.toLocaleString('en-US')} characters, more than the ${maxChars.toLocaleString('en-US')} this box builds training samples from (maxSampleChars); it stays in the sample log`
          : null;
        const state = replaced ? 'superseded' : oversize ? 'failed' : 'pending';
        const info = insert.run(note.sampleId, note.personaId, note.turnId, note.bodyChars, state, error, oversize ? 1 : 0, note.receivedAt, now);
        if (info.changes === 0) continue;
        added.push(note.sampleId);
        if (state === 'failed') tooLarge.push({ ...note, error: error! });
        superseded.push(...this.withdrawReplaced(note.sampleId, note.supersedes, now));
      }
      return { added, tooLarge, superseded };
    }).immediate();
  }

  private isReplaced(sampleId: string): boolean {
    return this.statement('SELECT 1 FROM training_superseded WHERE sample_id = ?').get(sampleId) !== undefined;
  }

  /**
   * Marks `sampleId` superseded by `by` (another sample, or the user's removal): its pending source
   * and whatever was built from it and not trained leave the queue.
   */
  private markSuperseded(sampleId: string, by: string, now: number): { source: { changes: number }; built: { changes: number } } {
    this.statement('INSERT INTO training_superseded (sample_id, by_sample_id, at) VALUES (?, ?, ?) ON CONFLICT(sample_id) DO NOTHING')
      .run(sampleId, by, now);
    const source = this.statement(`UPDATE training_sources SET state = 'superseded', updated_at = ? WHERE sample_id = ? AND state IN ('pending', 'failed')`)
      .run(now, sampleId);
    const built = this.statement(`UPDATE training_samples SET state = 'superseded', lease_until = NULL WHERE source_sample_id = ? AND state IN ('ready', 'leased', 'skipped')`)
      .run(sampleId);
    return { source, built };
  }

  /** A newly recorded sample that supersedes another withdraws it (and what was built from it). */
  private withdrawReplaced(sampleId: string, supersedes: string | null, now: number): string[] {
    if (!supersedes || supersedes === sampleId) return [];
    const { source, built } = this.markSuperseded(supersedes, sampleId, now);
    // Trained but not saved: it stays trained_unsaved (a later save makes it trained), and the
    // training_superseded row above marks it, so a restart withdraws it instead of re-offering it.
    const unsaved = this.statement(`SELECT 1 FROM training_samples WHERE source_sample_id = ? AND state = 'trained_unsaved' LIMIT 1`)
      .get(supersedes);
    return source.changes > 0 || built.changes > 0 || unsaved !== undefined ? [supersedes] : [];
  }

  /**
   * The user removed this signal. Like a supersede without a successor: nothing built from it is
   * offered or trained from now on (a batch the trainer holds drops it at confirm), a later delivery
   * of it is stored as superseded, and rows it trained without a save are withdrawn, not re-offered,
   * when the trainer restarts. What already trained stays trained; the caller reports it as reverted.
   */
  withdraw(sampleId: string, now = Date.now()): WithdrawOutcome {
    const outcome = this.db.transaction((): WithdrawOutcome => {
      this.markSuperseded(sampleId, WITHDRAWN_BY_USER, now);
      const trained = this.statement(`SELECT MAX(trained_step) AS step FROM training_samples WHERE source_sample_id = ? AND state IN ('trained', 'trained_unsaved')`)
        .get(sampleId) as { step: number | null };
      const known = this.statement('SELECT 1 FROM training_sources WHERE sample_id = ?').get(sampleId) !== undefined;
      return { trainedStep: trained.step, known };
    }).immediate();
    return outcome;
  }

  /** Sources due for a build attempt, oldest first. */
  dueSources(now = Date.now(), limit = 16): PendingSource[] {
    const rows = this.statement(
        `SELECT sample_id, body, body_in_sample_log, attempts, outages, server_errors, updated_at FROM training_sources
         WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY received_at, rowid LIMIT ?`,
      )
      .all(now, limit) as {
      sample_id: string;
      body: string;
      body_in_sample_log: number;
      attempts: number;
      outages: number;
      server_errors: number;
      updated_at: number;
    }[];
    const due: PendingSource[] = [];
    for (const r of rows) {
      const body = r.body_in_sample_log === 1 ? (this.options.sampleLogBody?.(r.sample_id) ?? null) : r.body;
      if (body === null) {
        // The row it refers to is gone (the sample log was edited by hand): nothing to build from.
        this.markBuildFailed(r.sample_id, 'the delivered sample is no longer in the sample log', null, now, true);
        continue;
      }
      due.push({
        sample: SignalSampleSchema.parse(JSON.parse(body)),
        attempts: r.attempts,
        outages: r.outages,
        serverErrors: r.server_errors,
        lastTriedAt: r.updated_at,
      });
    }
    return due;
  }

  /** When the next pending source becomes due (null: none pending). */
  nextSourceDueAt(): number | null {
    const row = this.statement(`SELECT MIN(next_attempt_at) AS at FROM training_sources WHERE state = 'pending'`).get() as { at: number | null };
    return row.at;
  }

  sourceState(
    sampleId: string,
  ): { state: string; attempts: number; outages: number; lastError: string | null; permanent: boolean; note: unknown } | null {
    const row = this.statement('SELECT state, attempts, outages, last_error, failed_permanently, build_note FROM training_sources WHERE sample_id = ?')
      .get(sampleId) as
      | { state: string; attempts: number; outages: number; last_error: string | null; failed_permanently: number; build_note: string | null }
      | undefined;
    return row
      ? {
          state: row.state,
          attempts: row.attempts,
          outages: row.outages,
          lastError: row.last_error,
          permanent: row.failed_permanently === 1,
          note: row.build_note ? JSON.parse(row.build_note) : null,
        }
      : null;
  }

  /**
   * The engine was unavailable (down, 5xx, loading weights): retry at `retryAt` without using up an
   * attempt. `serverError`: it answered with a 5xx (counted apart, see SampleBuildWorker).
   */
  markBuildDeferred(sampleId: string, error: string, retryAt: number, now = Date.now(), serverError = false): void {
    this.statement(
        `UPDATE training_sources SET outages = outages + 1, server_errors = server_errors + ?, last_error = ?, next_attempt_at = ?, updated_at = ?
         WHERE sample_id = ? AND state = 'pending'`,
      )
      .run(serverError ? 1 : 0, error, retryAt, now, sampleId);
  }

  /**
   * Gives sources that failed for a passing reason a fresh set of attempts (the engine is healthy
   * again, or the gateway restarted). Permanent failures stay failed: retrying cannot fix them, and
   * each retry would tell the user again that the signal was given up.
   */
  requeueFailedSources(now = Date.now()): number {
    return this.statement(
        `UPDATE training_sources SET state = 'pending', attempts = 0, outages = 0, server_errors = 0, next_attempt_at = ?, updated_at = ?
         WHERE state = 'failed' AND failed_permanently = 0`,
      )
      .run(now, now).changes;
  }

  /**
   * A failed attempt: retry at `retryAt`, or give up (null) and mark the source failed; `permanent`
   * (giving up only) says no later requeue may try it again.
   */
  markBuildFailed(sampleId: string, error: string, retryAt: number | null, now = Date.now(), permanent = true): void {
    this.statement(
        `UPDATE training_sources SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, state = ?, failed_permanently = ?, updated_at = ?
         WHERE sample_id = ? AND state = 'pending'`,
      )
      .run(error, retryAt ?? now, retryAt === null ? 'failed' : 'pending', retryAt === null && permanent ? 1 : 0, now, sampleId);
  }

  /**
   * Stores what a build produced and offers the trainable samples, in one transaction. If the
   * source was superseded while it was being built, everything is stored as superseded.
   */
  enqueueBuilt(sourceSampleId: string, built: readonly BuiltTrainerSample[], note: unknown, now = Date.now()): EnqueueOutcome {
    const outcome = this.db.transaction((): EnqueueOutcome => {
      const source = this.statement('SELECT state FROM training_sources WHERE sample_id = ?').get(sourceSampleId) as { state: string } | undefined;
      const withdrawn =
        source?.state === 'superseded' ||
        this.statement('SELECT 1 FROM training_superseded WHERE sample_id = ?').get(sourceSampleId) !== undefined;
      const insert = this.statement(
        `INSERT INTO training_samples (sample_id, source_sample_id, persona_id, body, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sample_id) DO NOTHING`,
      );
      const ready: TrainerSample[] = [];
      const held: EnqueueOutcome['held'] = [];
      for (const sample of built) {
        const state = withdrawn ? 'superseded' : isTrainable(sample.loss_mask) ? 'ready' : 'skipped';
        const info = insert.run(sample.sampleId, sourceSampleId, sample.personaId, JSON.stringify(sample), state, now);
        if (info.changes === 0) continue;
        if (state === 'ready') ready.push(TrainerSampleSchema.parse({ ...sample, index: Number(info.lastInsertRowid) }));
        else held.push({ sampleId: sample.sampleId, state });
      }
      this.statement(`UPDATE training_sources SET state = ?, build_note = ?, attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE sample_id = ?`)
        .run(withdrawn ? 'superseded' : 'built', JSON.stringify(note ?? null), now, sourceSampleId);
      return { ready, held };
    }).immediate();
    if (outcome.ready.length > 0) this.notify();
    return outcome;
  }

  // ---- built samples (the trainer side) ---------------------------------------------------------

  /** Returns lapsed leases to the queue; true when any did. */
  releaseLapsedLeases(now = Date.now()): boolean {
    const info = this.statement(`UPDATE training_samples SET state = 'ready', lease_until = NULL WHERE state = 'leased' AND lease_until <= ?`)
      .run(now);
    if (info.changes > 0) this.notify();
    return info.changes > 0;
  }

  readyCount(): number {
    return (this.statement(`SELECT COUNT(*) AS n FROM training_samples WHERE state = 'ready'`).get() as { n: number }).n;
  }

  /** When the earliest lease lapses (null: none out). */
  nextLeaseExpiry(): number | null {
    return (this.statement(`SELECT MIN(lease_until) AS at FROM training_samples WHERE state = 'leased'`).get() as { at: number | null }).at;
  }

  /**
   * Hands out up to `size` ready samples in queue order, leased until now + leaseMs. A stored row
   * that no longer parses is settled as failed (onSamplesFailed hears of it) instead of blocking
   * every batch behind it; the next ready rows take its place.
   */
  lease(size: number, leaseMs: number, now = Date.now()): TrainerSample[] {
    const { batch, failed } = this.db.transaction(() => {
      const select = this.statement(
        `SELECT seq, sample_id, source_sample_id, persona_id, body, state FROM training_samples WHERE state = 'ready' ORDER BY seq LIMIT ?`,
      );
      const mark = this.statement(`UPDATE training_samples SET state = 'leased', lease_until = ?, leases = leases + 1 WHERE seq = ?`);
      const fail = this.statement(`UPDATE training_samples SET state = 'failed', error = ?, lease_until = NULL WHERE seq = ?`);
      const batch: TrainerSample[] = [];
      const failed: FailedSample[] = [];
      while (batch.length < size) {
        const rows = select.all(size - batch.length) as SampleRow[];
        if (rows.length === 0) break;
        for (const row of rows) {
          const parsed = parseStoredSample(row);
          if ('error' in parsed) {
            fail.run(parsed.error, row.seq);
            failed.push({ sampleId: row.sample_id, sourceSampleId: row.source_sample_id, personaId: row.persona_id, error: parsed.error });
          } else {
            mark.run(now + leaseMs, row.seq);
            batch.push(parsed.sample);
          }
        }
      }
      return { batch, failed };
    }).immediate();
    if (failed.length > 0) for (const listener of this.failedListeners) listener(failed);
    return batch;
  }

  /**
   * The trainer is about to train these: returns the ones it must drop (withdrawn, already trained,
   * failed or unknown) and renews the lease of the rest, so the report that follows the step finds
   * them still leased.
   */
  confirm(sampleIds: readonly string[], leaseMs: number, now = Date.now()): string[] {
    return this.db.transaction(() => {
      const find = this.statement('SELECT seq, state FROM training_samples WHERE sample_id = ?');
      const renew = this.statement(`UPDATE training_samples SET state = 'leased', lease_until = ? WHERE seq = ?`);
      const withdrawn: string[] = [];
      for (const sampleId of new Set(sampleIds)) {
        const row = find.get(sampleId) as { seq: number; state: string } | undefined;
        if (row && (row.state === 'leased' || row.state === 'ready')) renew.run(now + leaseMs, row.seq);
        else withdrawn.push(sampleId);
      }
      return withdrawn;
    }).immediate();
  }

  /**
   * Marks the reported samples trained (a sample trains once; repeats and unknown ids are listed).
   * With `savedThroughStep`, rows trained in a later step are 'trained_unsaved' until a report says
   * their step is saved, or a trainer restart re-offers them (see trainerRestarted).
   */
  markTrained(report: TrainerReport, now = Date.now()): ReportOutcome {
    return this.db.transaction((): ReportOutcome => {
      const saved = report.savedThroughStep;
      if (saved !== undefined) {
        this.statement(`UPDATE training_samples SET state = 'trained' WHERE state = 'trained_unsaved' AND trained_step <= ?`).run(saved);
      }
      const state = saved === undefined || report.step <= saved ? 'trained' : 'trained_unsaved';
      const find = this.statement('SELECT seq, sample_id, source_sample_id, persona_id, body, state FROM training_samples WHERE sample_id = ?');
      const mark = this.statement(
        `UPDATE training_samples SET state = '${state}', lease_until = NULL, trained_step = ?, trained_policy_version = ?, trained_at = ? WHERE seq = ?`,
      );
      const outcome: ReportOutcome = { trained: [], alreadyTrained: [], unknown: [], withdrawn: [] };
      for (const sampleId of new Set(report.sampleIds)) {
        const row = find.get(sampleId) as SampleRow | undefined;
        if (!row) outcome.unknown.push(sampleId);
        else if (row.state === 'trained' || row.state === 'trained_unsaved') outcome.alreadyTrained.push(sampleId);
        else if (row.state === 'superseded' || row.state === 'failed') outcome.withdrawn.push(sampleId);
        else {
          mark.run(report.step, report.policyVersion, now, row.seq);
          const sample = toTrainerSample(row);
          outcome.trained.push({ sampleId, sourceSampleId: row.source_sample_id, personaId: row.persona_id, reward: sample.reward });
        }
      }
      return outcome;
    }).immediate();
  }

  /**
   * The trainer (re)started and resumes at `step`, from the checkpoint saved after step − 1: what it
   * trained in `step` or later without saving is lost with its weights and is offered again; unsaved
   * rows from earlier steps are in that checkpoint. Leases of the previous trainer process are void.
   */
  trainerRestarted(step: number): { reoffered: number } {
    const reoffered = this.db.transaction(() => {
      this.statement(`UPDATE training_samples SET state = 'trained' WHERE state = 'trained_unsaved' AND trained_step < ?`).run(step);
      // A lost row whose source a newer sample replaced meanwhile is withdrawn, never offered again.
      const replaced = `source_sample_id IN (SELECT sample_id FROM training_superseded)`;
      this.statement(
          `UPDATE training_samples SET state = 'superseded', lease_until = NULL, trained_step = NULL, trained_policy_version = NULL, trained_at = NULL
           WHERE ((state = 'trained_unsaved' AND trained_step >= ?) OR state = 'leased') AND ${replaced}`,
        )
        .run(step);
      const lost = this.statement(
          `UPDATE training_samples SET state = 'ready', lease_until = NULL, trained_step = NULL, trained_policy_version = NULL, trained_at = NULL
           WHERE state = 'trained_unsaved' AND trained_step >= ?`,
        )
        .run(step);
      const leased = this.statement(`UPDATE training_samples SET state = 'ready', lease_until = NULL WHERE state = 'leased'`).run();
      return lost.changes + leased.changes;
    }).immediate();
    if (reoffered > 0) this.notify();
    return { reoffered };
  }

  /** The trainer refused these (they broke the contract on its side): settled as failed, never re-offered. */
  markRejected(rejected: readonly { sampleId: string; error: string }[]): FailedSample[] {
    return this.db.transaction(() => {
      const find = this.statement('SELECT seq, source_sample_id, persona_id, state FROM training_samples WHERE sample_id = ?');
      const mark = this.statement(`UPDATE training_samples SET state = 'failed', error = ?, lease_until = NULL WHERE seq = ?`);
      const failed: FailedSample[] = [];
      for (const { sampleId, error } of rejected) {
        const row = find.get(sampleId) as { seq: number; source_sample_id: string; persona_id: string; state: string } | undefined;
        if (!row || (row.state !== 'leased' && row.state !== 'ready')) continue;
        mark.run(error, row.seq);
        failed.push({ sampleId, sourceSampleId: row.source_sample_id, personaId: row.persona_id, error });
      }
      return failed;
    }).immediate();
  }

  sampleState(sampleId: string): { state: string; leases: number; trainedStep: number | null } | null {
    const row = this.statement('SELECT state, leases, trained_step FROM training_samples WHERE sample_id = ?').get(sampleId) as
      | { state: string; leases: number; trained_step: number | null }
      | undefined;
    return row ? { state: row.state, leases: row.leases, trainedStep: row.trained_step } : null;
  }

  /** Personas that have samples on this box (policy-version news goes to each). */
  personas(): string[] {
    return (this.statement('SELECT DISTINCT persona_id FROM training_sources ORDER BY persona_id').all() as { persona_id: string }[]).map(
      (r) => r.persona_id,
    );
  }

  getState(key: string): string | null {
    return (this.statement('SELECT value FROM training_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setState(key: string, value: string): void {
    this.statement('INSERT INTO training_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
