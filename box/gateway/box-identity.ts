import { randomUUID } from 'node:crypto';
import type { BoxDb } from './box-database';

/**
 * This box's id: made once, at random, and kept in box.sqlite for as long as the data lives. Apps
 * key their progress cursor by it, so a reset data dir (new id, seqs from 1 again) is replayed in full.
 */
export function readOrCreateBoxId(db: BoxDb, now = Date.now()): string {
  db.prepare('INSERT OR IGNORE INTO box_identity (singleton, box_id, created_at) VALUES (1, ?, ?)').run(`box-${randomUUID()}`, now);
  return (db.prepare('SELECT box_id FROM box_identity WHERE singleton = 1').get() as { box_id: string }).box_id;
}
