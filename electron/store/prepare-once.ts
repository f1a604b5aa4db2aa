import type { Statement } from 'better-sqlite3';
import type { Db } from './open-database';

const byConnection = new WeakMap<Db, Map<string, Statement>>();

/**
 * The prepared statement for `sql` on this connection, prepared on first use and kept: a turn runs
 * a dozen statements, and preparing each one again costs more than running it.
 */
export function prepareOnce(db: Db, sql: string): Statement {
  let statements = byConnection.get(db);
  if (!statements) {
    statements = new Map();
    byConnection.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
