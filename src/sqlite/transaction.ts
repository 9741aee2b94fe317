// Transactions on a `node:sqlite` connection that always roll back on error.
import type { DatabaseSync } from "node:sqlite";

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
