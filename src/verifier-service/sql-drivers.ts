// The two SQL drivers of the verifier's store: SQLite through Node's built-in node:sqlite (embedded default) and
// PostgreSQL through pg. Both expose `?` placeholders and serialisable transactions to SqlRecordStore.
import type { DatabaseSync, StatementSync } from "node:sqlite";

import pg from "pg";

import {
  inTransactionAsync,
  isDamage,
  migrate,
  openSqlite,
  storageFault,
  watchDatabaseFiles,
} from "../sqlite/index.js";
import { MIGRATIONS, SqlRecordStore, type Querier, type SqlDriver, type SqlValue } from "./store.js";

const isRead = (sql: string) => /^\s*(SELECT|WITH)\b/i.test(sql);

/** SQLite driver: one connection, WAL journal, full fsync on commit; every operation serialised by a mutex. */
export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The first damage seen (a corrupt file): health stays degraded after it. */
  private damage: string | undefined;
  /** The last other storage fault (an I/O error, a full disk, a read-only file), until a write succeeds again. */
  private fault: string | undefined;
  private readonly filesChanged: () => string | undefined;

  constructor(path: string) {
    this.db = openSqlite(path);
    this.filesChanged = watchDatabaseFiles(path);
  }

  problem(): string | undefined {
    return this.damage ?? this.fault ?? this.filesChanged();
  }

  /** Runs `fn` after every operation queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private exec<T>(sql: string, params: readonly SqlValue[]): { rows: T[]; changes: number } {
    if (this.closed) throw new Error("the SQLite store is closed");
    try {
      let st = this.statements.get(sql);
      if (st === undefined) {
        st = this.db.prepare(sql);
        this.statements.set(sql, st);
      }
      if (isRead(sql)) return { rows: st.all(...params) as T[], changes: 0 };
      const r = st.run(...params);
      this.fault = undefined;
      return { rows: [], changes: Number(r.changes) };
    } catch (e) {
      if (isDamage(e)) this.damage ??= storageFault(e);
      else this.fault = storageFault(e) ?? this.fault;
      throw e;
    }
  }

  query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []) {
    return this.serial(async () => this.exec<T>(sql, params));
  }

  transaction<T>(fn: (q: Querier) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const inner: Querier = {
        query: async <R>(sql: string, params: readonly SqlValue[] = []) => this.exec<R>(sql, params),
      };
      return inTransactionAsync(this.db, () => fn(inner));
    });
  }

  async lockForMigration(): Promise<void> {
    // BEGIN IMMEDIATE already holds SQLite's write lock.
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      this.statements.clear();
      this.db.close();
    });
  }
}

/** `?` placeholders to PostgreSQL's `$1, $2, ...` (our SQL never has a literal `?`). */
export function toPgPlaceholders(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** Advisory-lock key under which migrations run, so two instances never migrate at once. */
const MIGRATION_LOCK = 0x706f7276; // "porv"

/** PostgreSQL driver on a connection pool. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = "postgres" as const;
  private readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 5 });
    // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
    this.pool.on("error", () => undefined);
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []) {
    const r = await this.pool.query(toPgPlaceholders(sql), params as unknown[]);
    return { rows: r.rows as T[], changes: r.rowCount ?? 0 };
  }

  async transaction<T>(fn: (q: Querier) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const q: Querier = {
      query: async <R>(sql: string, params: readonly SqlValue[] = []) => {
        const r = await client.query(toPgPlaceholders(sql), params as unknown[]);
        return { rows: r.rows as R[], changes: r.rowCount ?? 0 };
      },
    };
    let broken = false;
    try {
      await client.query("BEGIN");
      const out = await fn(q);
      await client.query("COMMIT");
      return out;
    } catch (e) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async lockForMigration(q: Querier): Promise<void> {
    await q.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
  }

  problem(): string | undefined {
    return undefined; // the server checks its own storage; an unreachable server fails ping()
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Opens (and migrates) the store named by `location`: a `postgres://` or `postgresql://` URL for PostgreSQL,
 * otherwise a SQLite file path (or `sqlite:<path>`, or `:memory:`).
 */
export async function openRecordStore(location: string): Promise<SqlRecordStore> {
  const driver: SqlDriver = /^postgres(ql)?:\/\//i.test(location)
    ? new PostgresDriver(location)
    : new SqliteDriver(location.replace(/^sqlite:/i, ""));
  try {
    await migrate(driver, MIGRATIONS, redactLocation(location));
  } catch (e) {
    await driver.close().catch(() => undefined);
    throw e;
  }
  return new SqlRecordStore(driver);
}

/** A store location for logs, with any password removed. */
export function redactLocation(location: string): string {
  return location.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, "$1:***@");
}
