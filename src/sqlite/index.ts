// The embedded SQLite every service uses (Node's built-in `node:sqlite`): opened durable (WAL, full sync, a busy
// timeout so two processes never fail on a lock), and a transaction helper that always rolls back on error.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Opens (creating the directory and the file) a durable SQLite database and runs `schema` statements. */
export function openSqlite(path: string, schema: readonly string[] = []): DatabaseSync {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  for (const statement of schema) db.exec(statement);
  return db;
}

/** Runs `fn` in one write transaction (BEGIN IMMEDIATE); rolls back and rethrows if it throws. */
export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

/** Like {@link inTransaction} for an async body (the caller serialises access to `db`). */
export async function inTransactionAsync<T>(db: DatabaseSync, fn: () => Promise<T>): Promise<T> {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = await fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}
