import { randomUUID } from 'node:crypto';
import type { Db } from '../store/open-database';

/**
 * The sync link's small durable facts in the store's sync_state table: this app's client id (so the
 * box can tell apps apart across reconnects), the highest progress seq already on the timeline
 * (sent as `progressAfter` so the box replays only what we lack) and the last policy version seen.
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

  /** Created once, then stable for the life of the database. */
  clientId(): string {
    const existing = this.get('clientId');
    if (existing) return existing;
    const id = `app-${randomUUID()}`;
    this.db.prepare(`INSERT OR IGNORE INTO sync_state (key, value) VALUES ('clientId', ?)`).run(id);
    return this.get('clientId') ?? id;
  }

  progressAfter(): number {
    const value = Number(this.get('progressAfter') ?? 0);
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  }

  /** Only ever moves forward, so an out-of-order replay cannot make us ask for events twice. */
  advanceProgressAfter(seq: number): void {
    if (seq > this.progressAfter()) this.set('progressAfter', String(seq));
  }

  policyVersion(): string | null {
    return this.get('policyVersion');
  }

  setPolicyVersion(version: string): void {
    this.set('policyVersion', version);
  }
}
