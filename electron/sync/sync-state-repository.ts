import { randomUUID } from 'node:crypto';
import type { Db } from '../store/open-database';

/**
 * The sync link's small durable facts in the store's sync_state table: this app's client id (so the
 * box can tell apps apart across reconnects), the box it last talked to, and per box the highest
 * progress seq already on the timeline (sent as `progressAfter` so the box replays only what we lack)
 * and the last policy version seen. Seqs count per box, so a cursor is only good for its own box.
 * `boxId` null stands for a box too old to send an id (and for what was stored before ids existed).
 */
export class SyncStateRepository {
  constructor(private readonly db: Db) {}

  private get(key: string): string | null {
    const row = this.db.prepare(`SELECT value FROM sync_state WHERE key = ?`).get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  private set(key: string, value: string): void {
    this.db
      .prepare(`INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(key, value);
  }

  private remove(key: string): void {
    this.db.prepare(`DELETE FROM sync_state WHERE key = ?`).run(key);
  }

  /** Created once, then stable for the life of the database. */
  clientId(): string {
    const existing = this.get('clientId');
    if (existing) return existing;
    const id = `app-${randomUUID()}`;
    this.db.prepare(`INSERT OR IGNORE INTO sync_state (key, value) VALUES ('clientId', ?)`).run(id);
    return this.get('clientId') ?? id;
  }

  /** The box the app last talked to (whose cursor the next hello sends). */
  currentBoxId(): string | null {
    return this.get('boxId');
  }

  /**
   * Makes `boxId` the current box. The first box with an id inherits the unkeyed cursor and policy
   * version: they were written before boxes had ids, almost surely by this same box (now upgraded),
   * and inheriting them keeps its history from being replayed onto the timeline a second time.
   */
  useBox(boxId: string | null): void {
    this.db.transaction(() => {
      if (boxId === null) {
        this.remove('boxId');
        return;
      }
      const hadIdentifiedBox = this.get('boxId') !== null || this.get('boxSeen') !== null;
      if (!hadIdentifiedBox && this.get(scoped('progressAfter', boxId)) === null) {
        const cursor = this.get('progressAfter');
        const version = this.get('policyVersion');
        if (cursor !== null) this.set(scoped('progressAfter', boxId), cursor);
        if (version !== null) this.set(scoped('policyVersion', boxId), version);
      }
      this.set('boxId', boxId);
      this.set('boxSeen', '1');
    })();
  }

  progressAfter(boxId: string | null): number {
    const value = Number(this.get(scoped('progressAfter', boxId)) ?? 0);
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  }

  /** Only ever moves forward, so an out-of-order replay cannot make us ask for events twice. */
  advanceProgressAfter(boxId: string | null, seq: number): void {
    if (seq > this.progressAfter(boxId)) this.set(scoped('progressAfter', boxId), String(seq));
  }

  policyVersion(boxId: string | null): string | null {
    return this.get(scoped('policyVersion', boxId));
  }

  setPolicyVersion(boxId: string | null, version: string): void {
    this.set(scoped('policyVersion', boxId), version);
  }
}

/** `name` for a box without an id (the keys used before ids existed), `name:<boxId>` otherwise. */
function scoped(name: string, boxId: string | null): string {
  return boxId === null ? name : `${name}:${boxId}`;
}
