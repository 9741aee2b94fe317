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
import { WalSync, type SyncFile } from "../sqlite/wal-sync.js";
import { MIGRATIONS, SqlRecordStore, type Querier, type SqlDriver, type SqlValue } from "./store.js";

/** A transaction waiting for its group. */
interface PendingTransaction {
  fn: (q: Querier) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const isRead = (sql: string) => /^\s*(SELECT|WITH)\b/i.test(sql);

/**
 * SQLite driver: one connection, WAL journal, every operation serialised by a mutex. A write is reported done only once
 * it is on disk: the COMMIT appends to the WAL (`synchronous = NORMAL`) and the WAL is synced on Node's thread pool
 * before the write's promise settles (src/sqlite/wal-sync.ts), so the event loop never waits for an fsync and the
 * next group of batches is written while the last one is synced.
 */
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

  /** Syncs the WAL before a write is reported done (none for `:memory:`). */
  private readonly wal: WalSync | undefined;

  /** `syncFile` replaces the file sync of the WAL (tests). */
  constructor(path: string, o: { syncFile?: SyncFile } = {}) {
    this.db = openSqlite(path);
    this.filesChanged = watchDatabaseFiles(path);
    if (path !== ":memory:") {
      this.db.exec("PRAGMA synchronous = NORMAL");
      this.wal = new WalSync(path, o.syncFile);
    }
  }

  /** WAL syncs done (tests, benches). */
  get walSyncs(): number {
    return this.wal?.syncs ?? 0;
  }

  /**
   * Resolves once every write committed so far is on disk. A failed sync is a storage fault: the write is visible to
   * this connection's readers but may not survive a power loss, so it is reported as failed (the client sends again;
   * the store skips what it already holds).
   */
  private async durable(): Promise<void> {
    if (this.wal === undefined) return;
    try {
      await this.wal.durable();
    } catch (e) {
      const fault = storageFault(e) ?? (e as Error).message;
      this.fault = `the write-ahead log could not be synced to disk: ${fault}`;
      throw new Error(`${this.fault} (the write may not survive a power loss; send it again)`, { cause: e });
    }
  }

  /** Calls `settle` once the commits so far are on disk ({@link durable}), or `reject` with the failed sync's error. */
  private settleDurable(settle: () => void, reject: (e: unknown) => void): void {
    this.durable().then(settle, reject);
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

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []) {
    const out = await this.serial(async () => this.exec<T>(sql, params));
    if (!isRead(sql)) await this.durable();
    return out;
  }

  /**
   * Runs `fn` in a transaction of its own: all of it or none of it is stored, and the promise settles once the
   * commit is on disk (the WAL synced off the event loop: {@link durable}). Group commit (issue 18): transactions queued while another one runs share
   * one BEGIN ... COMMIT, each inside its own SAVEPOINT, so N concurrent batches cost one fsync instead of N (the
   * commit blocks the event loop: node:sqlite is synchronous, and an fsync here is ~5-10 ms); a body
   * that throws is rolled back to its savepoint (nothing of it stored) and rejects alone, the others commit.
   */
  transaction<T>(fn: (q: Querier) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve, reject } as PendingTransaction);
      // The group starts a turn of the event loop later, so batches whose checks finish in the same turn join it.
      if (this.pending.length === 1) setImmediate(() => void this.serial(() => this.runGroup()));
    });
  }

  /** Transactions waiting for the next group (see {@link transaction}). */
  private pending: PendingTransaction[] = [];
  /** Groups of more than one transaction committed so far, and the transactions in them (for tests and benches). */
  readonly groupCommits = { groups: 0, transactions: 0 };

  private async runGroup(): Promise<void> {
    const group = this.pending.splice(0);
    const inner: Querier = {
      query: async <R>(sql: string, params: readonly SqlValue[] = []) => this.exec<R>(sql, params),
    };
    if (group.length === 1) {
      const [{ fn, resolve, reject }] = group;
      let value: unknown;
      try {
        if (this.closed) throw new Error("the SQLite store is closed");
        value = await inTransactionAsync(this.db, () => fn(inner));
      } catch (e) {
        reject(e);
        return;
      }
      this.settleDurable(() => resolve(value), reject);
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      if (this.closed) throw new Error("the SQLite store is closed");
      this.db.exec("BEGIN IMMEDIATE");
    } catch (e) {
      for (const g of group) g.reject(e);
      return;
    }
    for (const [i, g] of group.entries()) {
      const name = `batch_${i}`;
      try {
        if (!this.db.isTransaction) throw new Error("the group transaction was aborted by an earlier storage fault");
        this.db.exec(`SAVEPOINT ${name}`);
        const value = await g.fn(inner);
        this.db.exec(`RELEASE ${name}`);
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (this.db.isTransaction) {
          try {
            this.db.exec(`ROLLBACK TO ${name}`);
            this.db.exec(`RELEASE ${name}`);
          } catch {
            // the savepoint never started (SAVEPOINT itself failed): nothing of this body to undo
          }
        }
        outcomes.push({ ok: false, error });
      }
    }
    try {
      if (!this.db.isTransaction) throw new Error("the group transaction was aborted by a storage fault");
      this.db.exec("COMMIT");
    } catch (e) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      // Nothing of the group is stored: every body fails (those that failed on their own, with their own error).
      for (const [i, g] of group.entries()) {
        const o = outcomes[i];
        g.reject(o !== undefined && !o.ok ? o.error : e);
      }
      return;
    }
    this.groupCommits.groups++;
    this.groupCommits.transactions += group.length;
    // A body that failed rolled back to its savepoint: nothing of it to sync, it rejects at once.
    for (const [i, g] of group.entries()) {
      const o = outcomes[i];
      if (o.ok) this.settleDurable(() => g.resolve(o.value), g.reject);
      else g.reject(o.error);
    }
  }

  /**
   * `SELECT 1` for /health, at once when no transaction is open (the connection is synchronous: none is then half
   * done), so health never waits behind a group of queued batches; inside an open one, after it.
   */
  async ping(): Promise<void> {
    if (this.closed || this.db.isTransaction) {
      await this.query("SELECT 1 AS ok");
      return;
    }
    this.exec("SELECT 1 AS ok", []);
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

  async ping(): Promise<void> {
    await this.query("SELECT 1 AS ok");
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
