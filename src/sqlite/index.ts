// The embedded SQLite every service uses (Node's built-in `node:sqlite`): opened durable (WAL, full sync, a busy
// timeout so two processes never fail on a lock) and checked (`PRAGMA quick_check`: a service never starts on a
// damaged database), versioned schema migrations (./migrate.ts), a transaction helper that always rolls back on
// error, the classification of storage faults (a damaged or vanished file, a full disk) and a watch on the files of
// an open database for health.
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

import { migrateSqlite, type Migration } from "./migrate.js";

export * from "./migrate.js";
export * from "./transaction.js";

/** The database file is damaged or is not a database: the service refuses to start on it. */
export class DatabaseDamagedError extends Error {
  override name = "DatabaseDamagedError";
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`the database ${path} is damaged (${detail}): restore it from a backup or move it away`);
  }
}

/** SQLite's primary result codes that mean the storage itself is failing (not a query's or a lock's problem). */
const STORAGE_FAULTS: Record<number, string> = {
  8: "read-only",
  10: "I/O error",
  11: "corrupt",
  13: "disk full",
  14: "cannot open",
  26: "not a database",
};

/** The storage faults that damage the file itself: health stays degraded until an operator looks. */
const DAMAGE = new Set([11, 26]);

/**
 * A description of a storage fault (a damaged or unreadable file, a full disk, a file that went read-only), or
 * undefined for any other error. After one, health degrades: for good after damage ({@link isDamage}), until the
 * next successful write after the others (a disk that was full and was freed).
 */
export function storageFault(e: unknown): string | undefined {
  const x = e as { code?: unknown; errcode?: unknown; message?: unknown } | null;
  if (x?.code !== "ERR_SQLITE_ERROR" || typeof x.errcode !== "number") return undefined;
  const kind = STORAGE_FAULTS[x.errcode & 0xff];
  return kind === undefined ? undefined : `${kind}: ${String(x.message)}`;
}

/** Whether `e` says the database file itself is damaged (corrupt, not a database). */
export function isDamage(e: unknown): boolean {
  const x = e as { code?: unknown; errcode?: unknown } | null;
  return x?.code === "ERR_SQLITE_ERROR" && typeof x.errcode === "number" && DAMAGE.has(x.errcode & 0xff);
}

/** Throws {@link DatabaseDamagedError} unless `PRAGMA quick_check` passes. */
export function checkIntegrity(db: DatabaseSync, path: string): void {
  let rows: Array<Record<string, unknown>>;
  try {
    rows = db.prepare("PRAGMA quick_check").all() as Array<Record<string, unknown>>;
  } catch (e) {
    throw new DatabaseDamagedError(path, storageFault(e) ?? (e as Error).message);
  }
  const lines = rows.map((r) => String(Object.values(r)[0]));
  if (lines.length !== 1 || lines[0] !== "ok") throw new DatabaseDamagedError(path, lines.slice(0, 3).join("; "));
}

/**
 * Opens (creating the directory and the file) a durable SQLite database, checks its integrity, and applies the
 * pending `migrations` (see ./migrate.ts). A damaged file throws {@link DatabaseDamagedError}; a database written
 * by a newer release throws {@link SchemaTooNewError}.
 */
export function openSqlite(path: string, migrations: readonly Migration[] = []): DatabaseSync {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA busy_timeout = 5000");
    checkIntegrity(db, path);
    if (migrations.length > 0) migrateSqlite(db, migrations, path);
  } catch (e) {
    db.close();
    const fault = storageFault(e);
    throw fault === undefined ? e : new DatabaseDamagedError(path, fault);
  }
  return db;
}

/**
 * Watches the files of an open database (the main file and its write-ahead log): the returned function reports a
 * file that was deleted or replaced since the watch began (writes would then go to a file no one will read again).
 * Start it right after {@link openSqlite} (which leaves the WAL in place).
 */
export function watchDatabaseFiles(path: string): () => string | undefined {
  if (path === ":memory:") return () => undefined;
  const inode = (p: string): number | undefined => {
    try {
      return statSync(p).ino;
    } catch {
      return undefined;
    }
  };
  const files = [path, `${path}-wal`]
    .map((p) => ({ p, ino: inode(p) }))
    .filter((f): f is { p: string; ino: number } => f.ino !== undefined);
  return () => {
    for (const f of files) {
      const now = inode(f.p);
      if (now === undefined) return `${f.p} was deleted while the database is open`;
      if (now !== f.ino) return `${f.p} was replaced while the database is open`;
    }
    return undefined;
  };
}

/**
 * Counts of `table`'s rows meeting each named SQL condition, in one scan (the services' health counts):
 * `countRows(db, "jobs", { open: "status = 'Open'" })` is `{ open: n }`. The conditions are the caller's constants.
 */
export function countRows<K extends string>(
  db: DatabaseSync,
  table: string,
  conditions: Record<K, string>,
): Record<K, number> {
  const names = Object.keys(conditions) as K[];
  const columns = names.map((k) => `COALESCE(SUM(${conditions[k]}), 0) AS "${k}"`).join(", ");
  const row = db.prepare(`SELECT ${columns} FROM ${table}`).get() as Record<string, number | bigint>;
  return Object.fromEntries(names.map((k) => [k, Number(row[k])])) as Record<K, number>;
}
