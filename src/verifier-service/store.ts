// The verifier's storage (docs/protocol.md "Verifier service", storage): one schema and one migration list shared by
// SQLite (node:sqlite, the embedded default) and PostgreSQL (pg, by URL). Records are keyed by nullifier: inserting
// a record twice is a no-op, and a batch is inserted in one transaction (all or nothing).
import type { Migration } from "../sqlite/migrate.js";

/** One stored record (numbers as decimal strings; `member` a checksummed address). */
export interface StoredRecord {
  nullifier: string;
  member: string;
  asset: number;
  t: number;
  slot: number;
  accountKey: string;
  balance: string;
  /**
   * The record's payout hash (decimal; "0" = no payout registered). Null only for rows stored before schema
   * version 2: their `message` is a record message v1, which no fraud proof accepts any more.
   */
  payoutHash: string | null;
  message: string;
  r8x: string;
  r8y: string;
  s: string;
  ax: string;
  ay: string;
  keyHash: string;
  /** Unix seconds, rounded down to the hour (coarse on purpose: see docs, B12). */
  receivedAt: number;
  /** When the record was checked against the member's tree (operator node), or null. */
  checkedAt: number | null;
  /** Outcome of that check: `ok` or `mismatch`, or null. */
  checkResult: "ok" | "mismatch" | null;
}

/** Record counts of one tree `(member, asset, t)`. */
export interface SnapshotStats {
  member: string;
  asset: number;
  t: number;
  /** Valid records collected. */
  records: number;
  /** Records already checked against the member's published tree. */
  checked: number;
}

/** The population size `n` of one tree and where it came from. */
export interface Population {
  member: string;
  asset: number;
  t: number;
  n: number;
  /** `leaves` (the committed tree's published leaf count) or `declared` (the member's declared count). */
  source: "leaves" | "declared";
}

/** Lifecycle of a back-in-time proof request this verifier decided to make. */
export type RequestStatus = "pending" | "sent" | "exists" | "failed";

/** A proof request as persisted (one per `(member, t)`). */
export interface ProofRequestRow {
  member: string;
  t: number;
  status: RequestStatus;
  requestId: string | null;
  txHash: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The storage interface of the verifier service. */
export interface RecordStore {
  /** `sqlite` or `postgres`. */
  readonly kind: "sqlite" | "postgres";
  /** Inserts records in one transaction, skipping nullifiers already stored; returns how many were new. */
  insertRecords(rows: readonly StoredRecord[]): Promise<number>;
  /** The record with this nullifier, if stored. */
  getRecord(nullifier: string): Promise<StoredRecord | undefined>;
  /** Total stored records. */
  countRecords(): Promise<number>;
  /** Counts per tree, ordered by member, t, asset. */
  snapshotStats(): Promise<SnapshotStats[]>;
  /** Records (or replaces) the population size of a tree. */
  setPopulation(p: Population): Promise<void>;
  /** Every known population size. */
  populations(): Promise<Population[]>;
  /** Every stored record of one tree `(member, asset, t)`, by slot (for the operator node). */
  recordsOf(member: string, asset: number, t: bigint): Promise<StoredRecord[]>;
  /** Trees `(member, asset, t)` holding records not yet checked against a committed tree. */
  uncheckedTrees(): Promise<Array<{ member: string; asset: number; t: bigint }>>;
  /** Marks records as checked against the tree (by the operator node). Returns how many rows changed. */
  markChecked(nullifiers: readonly string[], result: "ok" | "mismatch", at: number): Promise<number>;
  /** Persists the intent to request `(member, t)`; false if a row already exists (never request twice). */
  addRequestIntent(member: string, t: number, now: number): Promise<boolean>;
  /** Updates a request row. */
  updateRequest(
    member: string,
    t: number,
    update: { status: RequestStatus; requestId?: string | null; txHash?: string | null; error?: string | null },
    now: number,
  ): Promise<void>;
  /** Request rows, optionally only those with this status. */
  requests(status?: RequestStatus): Promise<ProofRequestRow[]>;
  /** Throws if the database is unreachable, damaged, or its files vanished since it was opened. */
  ping(): Promise<void>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

/** A query runner; `?` placeholders (the PostgreSQL driver rewrites them to `$n`). */
export interface Querier {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<{ rows: T[]; changes: number }>;
}

/** Values bound to placeholders. */
export type SqlValue = string | number | bigint | null;

/** What a dialect provides to {@link SqlRecordStore}. */
export interface SqlDriver extends Querier {
  readonly dialect: "sqlite" | "postgres";
  /** Runs `fn` in one transaction (serialised with other transactions); rolls back if it throws. */
  transaction<T>(fn: (q: Querier) => Promise<T>): Promise<T>;
  /** Takes the migration lock inside a migration transaction (PostgreSQL: an advisory lock; SQLite: no-op). */
  lockForMigration(q: Querier): Promise<void>;
  /** A storage fault seen since opening, or files deleted or replaced under the open database (health). */
  problem(): string | undefined;
  /** Runs `SELECT 1` (health): throws if the database does not answer. Need not wait for queued writes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store's migrations, in order (portable SQL: TEXT, BIGINT and composite primary keys mean the same in both
 * dialects), applied by the shared `migrate` of src/sqlite/migrate.ts. Never edit a released one: append.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "records, populations, proof requests",
    statements: [
      `CREATE TABLE records (
        nullifier TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        asset BIGINT NOT NULL,
        t BIGINT NOT NULL,
        slot BIGINT NOT NULL,
        account_key TEXT NOT NULL,
        balance TEXT NOT NULL,
        message TEXT NOT NULL,
        r8x TEXT NOT NULL,
        r8y TEXT NOT NULL,
        s TEXT NOT NULL,
        ax TEXT NOT NULL,
        ay TEXT NOT NULL,
        key_hash TEXT NOT NULL,
        payout TEXT,
        received_at BIGINT NOT NULL,
        checked_at BIGINT,
        check_result TEXT
      )`,
      `CREATE INDEX records_by_tree ON records (member, t, asset)`,
      `CREATE TABLE populations (
        member TEXT NOT NULL,
        asset BIGINT NOT NULL,
        t BIGINT NOT NULL,
        n BIGINT NOT NULL,
        source TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (member, asset, t)
      )`,
      `CREATE TABLE proof_requests (
        member TEXT NOT NULL,
        t BIGINT NOT NULL,
        status TEXT NOT NULL,
        request_id TEXT,
        tx_hash TEXT,
        error TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (member, t)
      )`,
    ],
  },
  {
    version: 2,
    name: "record message v2: payout hash",
    // Forwarded records v2 carry the payout hash (signed in the message) instead of a payout address; the old
    // column `payout` stays for the rows stored before and is no longer written.
    statements: [`ALTER TABLE records ADD COLUMN payout_hash TEXT`],
  },
];

const RECORD_COLUMNS =
  "nullifier, member, asset, t, slot, account_key, balance, payout_hash, message, r8x, r8y, s, ax, ay, key_hash, " +
  "received_at, checked_at, check_result";

interface RecordRow {
  nullifier: string;
  member: string;
  asset: number | string;
  t: number | string;
  slot: number | string;
  account_key: string;
  balance: string;
  payout_hash: string | null;
  message: string;
  r8x: string;
  r8y: string;
  s: string;
  ax: string;
  ay: string;
  key_hash: string;
  received_at: number | string;
  checked_at: number | string | null;
  check_result: string | null;
}

interface RequestRow {
  member: string;
  t: number | string;
  status: string;
  request_id: string | null;
  tx_hash: string | null;
  error: string | null;
  created_at: number | string;
  updated_at: number | string;
}

const num = (v: number | string | bigint): number => Number(v);

/** Rows per INSERT statement (18 parameters each: far below SQLite's and PostgreSQL's parameter limits). */
const INSERT_ROWS = 100;
const ROW_PLACEHOLDERS = `(${Array.from({ length: 18 }, () => "?").join(", ")})`;

/** The store logic on top of a dialect driver; both SQLite and PostgreSQL use it. */
export class SqlRecordStore implements RecordStore {
  constructor(private readonly driver: SqlDriver) {}

  get kind(): "sqlite" | "postgres" {
    return this.driver.dialect;
  }

  async insertRecords(rows: readonly StoredRecord[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Multi-row statements of up to INSERT_ROWS rows (one round trip each on PostgreSQL); a nullifier already stored,
    // or twice in the batch, is skipped by ON CONFLICT as before, and `changes` counts the rows really inserted.
    return this.driver.transaction(async (q) => {
      let inserted = 0;
      for (let start = 0; start < rows.length; start += INSERT_ROWS) {
        const chunk = rows.slice(start, start + INSERT_ROWS);
        const res = await q.query(
          `INSERT INTO records (${RECORD_COLUMNS}) VALUES ${chunk.map(() => ROW_PLACEHOLDERS).join(", ")} ` +
            "ON CONFLICT (nullifier) DO NOTHING",
          chunk.flatMap((r) => [
            r.nullifier,
            r.member,
            r.asset,
            r.t,
            r.slot,
            r.accountKey,
            r.balance,
            r.payoutHash,
            r.message,
            r.r8x,
            r.r8y,
            r.s,
            r.ax,
            r.ay,
            r.keyHash,
            r.receivedAt,
            r.checkedAt,
            r.checkResult,
          ]),
        );
        inserted += res.changes;
      }
      return inserted;
    });
  }

  async getRecord(nullifier: string): Promise<StoredRecord | undefined> {
    const { rows } = await this.driver.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM records WHERE nullifier = ?`, [
      nullifier,
    ]);
    return rows[0] === undefined ? undefined : storedRecordOf(rows[0]);
  }

  async recordsOf(member: string, asset: number, t: bigint): Promise<StoredRecord[]> {
    const { rows } = await this.driver.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM records WHERE member = ? AND asset = ? AND t = ? ORDER BY slot, nullifier`,
      [member, asset, Number(t)],
    );
    return rows.map(storedRecordOf);
  }

  async uncheckedTrees(): Promise<Array<{ member: string; asset: number; t: bigint }>> {
    const { rows } = await this.driver.query<{ member: string; asset: number | string; t: number | string }>(
      "SELECT DISTINCT member, asset, t FROM records WHERE checked_at IS NULL ORDER BY t, member, asset",
    );
    return rows.map((r) => ({ member: r.member, asset: Number(r.asset), t: BigInt(r.t) }));
  }

  async countRecords(): Promise<number> {
    const { rows } = await this.driver.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM records");
    return num(rows[0].n);
  }

  async snapshotStats(): Promise<SnapshotStats[]> {
    const { rows } = await this.driver.query<{
      member: string;
      asset: number | string;
      t: number | string;
      records: number | string;
      checked: number | string;
    }>(
      "SELECT member, asset, t, COUNT(*) AS records, COUNT(checked_at) AS checked FROM records " +
        "GROUP BY member, asset, t ORDER BY member, t, asset",
    );
    return rows.map((r) => ({
      member: r.member,
      asset: num(r.asset),
      t: num(r.t),
      records: num(r.records),
      checked: num(r.checked),
    }));
  }

  async setPopulation(p: Population): Promise<void> {
    await this.driver.transaction((q) =>
      q.query(
        "INSERT INTO populations (member, asset, t, n, source, updated_at) VALUES (?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT (member, asset, t) DO UPDATE SET n = excluded.n, source = excluded.source, " +
          "updated_at = excluded.updated_at",
        [p.member, p.asset, p.t, p.n, p.source, Math.floor(Date.now() / 1000)],
      ),
    );
  }

  async populations(): Promise<Population[]> {
    const { rows } = await this.driver.query<{
      member: string;
      asset: number | string;
      t: number | string;
      n: number | string;
      source: string;
    }>("SELECT member, asset, t, n, source FROM populations ORDER BY member, t, asset");
    return rows.map((r) => ({
      member: r.member,
      asset: num(r.asset),
      t: num(r.t),
      n: num(r.n),
      source: r.source === "leaves" ? "leaves" : "declared",
    }));
  }

  async markChecked(nullifiers: readonly string[], result: "ok" | "mismatch", at: number): Promise<number> {
    return this.driver.transaction(async (q) => {
      let changed = 0;
      for (const n of nullifiers) {
        const res = await q.query("UPDATE records SET checked_at = ?, check_result = ? WHERE nullifier = ?", [
          at,
          result,
          n,
        ]);
        changed += res.changes;
      }
      return changed;
    });
  }

  async addRequestIntent(member: string, t: number, now: number): Promise<boolean> {
    return this.driver.transaction(async (q) => {
      const res = await q.query(
        "INSERT INTO proof_requests (member, t, status, request_id, tx_hash, error, created_at, updated_at) " +
          "VALUES (?, ?, 'pending', NULL, NULL, NULL, ?, ?) ON CONFLICT (member, t) DO NOTHING",
        [member, t, now, now],
      );
      return res.changes === 1;
    });
  }

  async updateRequest(
    member: string,
    t: number,
    update: { status: RequestStatus; requestId?: string | null; txHash?: string | null; error?: string | null },
    now: number,
  ): Promise<void> {
    await this.driver.transaction((q) =>
      q.query(
        "UPDATE proof_requests SET status = ?, request_id = COALESCE(?, request_id), " +
          "tx_hash = COALESCE(?, tx_hash), error = ?, updated_at = ? WHERE member = ? AND t = ?",
        [update.status, update.requestId ?? null, update.txHash ?? null, update.error ?? null, now, member, t],
      ),
    );
  }

  async requests(status?: RequestStatus): Promise<ProofRequestRow[]> {
    const where = status === undefined ? "" : " WHERE status = ?";
    const { rows } = await this.driver.query<RequestRow>(
      "SELECT member, t, status, request_id, tx_hash, error, created_at, updated_at FROM proof_requests" +
        where +
        " ORDER BY created_at, member, t",
      status === undefined ? [] : [status],
    );
    return rows.map((r) => ({
      member: r.member,
      t: num(r.t),
      status: r.status as RequestStatus,
      requestId: r.request_id,
      txHash: r.tx_hash,
      error: r.error,
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    }));
  }

  async ping(): Promise<void> {
    const known = this.driver.problem();
    if (known !== undefined) throw new Error(known);
    await this.driver.ping();
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

function storedRecordOf(r: RecordRow): StoredRecord {
  return {
    nullifier: r.nullifier,
    member: r.member,
    asset: num(r.asset),
    t: num(r.t),
    slot: num(r.slot),
    accountKey: r.account_key,
    balance: r.balance,
    payoutHash: r.payout_hash,
    message: r.message,
    r8x: r.r8x,
    r8y: r.r8y,
    s: r.s,
    ax: r.ax,
    ay: r.ay,
    keyHash: r.key_hash,
    receivedAt: num(r.received_at),
    checkedAt: r.checked_at === null ? null : num(r.checked_at),
    checkResult: r.check_result === "ok" || r.check_result === "mismatch" ? r.check_result : null,
  };
}
