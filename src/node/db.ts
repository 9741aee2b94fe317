// The operator node's own database (node:sqlite): the chain cursor, one job per attestation subject and one row per
// fraud proof (keyed by nullifier). Every state change is one transaction, so a crash at any point leaves either the
// old or the new state, and a restart resumes from it: jobs are keyed by subject and fraud rows by nullifier, so
// nothing is done twice and nothing is lost.
import type { DatabaseSync } from "node:sqlite";

import { countRows, inTransaction, openSqlite, type Migration } from "../sqlite/index.js";

/** Lifecycle of a job: pending -> signed (verdict and signature stored) -> sent (aggregator acknowledged). */
export type JobStatus = "pending" | "signed" | "sent";

/** One attestation job. */
export interface Job {
  subject: string;
  kind: "set" | "request";
  member: string;
  t: bigint;
  requestId: bigint;
  block: number;
  status: JobStatus;
  attempts: number;
  nextAt: number;
  verdict: number | null;
  rootsDigest: string | null;
  blobDigest: string | null;
  signature: string | null;
  reasons: string[];
}

/** Lifecycle of an IA: pending -> signed (the verdict file stored) -> sent | closed (settled on-chain unsigned). */
export type InterimJobStatus = "pending" | "signed" | "sent" | "closed";

/** One IA the node judges. */
export interface InterimJob {
  interimId: string;
  /** The record (JSON, decimal strings). */
  record: string;
  block: number;
  status: InterimJobStatus;
  attempts: number;
  nextAt: number;
  /** When every source first found the IA missed (unix s), or null. */
  missedSeenAt: number | null;
  settled: boolean | null;
  reason: string | null;
  /** The signed `por.interim-verdict` file (JSON). */
  file: string | null;
  lastError: string | null;
}

interface InterimRow {
  interim_id: string;
  record: string;
  block: number;
  status: string;
  attempts: number;
  next_at: number;
  missed_seen_at: number | null;
  settled: number | null;
  reason: string | null;
  file: string | null;
  last_error: string | null;
}

const interimOf = (r: InterimRow): InterimJob => ({
  interimId: r.interim_id,
  record: r.record,
  block: Number(r.block),
  status: r.status as InterimJobStatus,
  attempts: Number(r.attempts),
  nextAt: Number(r.next_at),
  missedSeenAt: r.missed_seen_at === null ? null : Number(r.missed_seen_at),
  settled: r.settled === null ? null : r.settled === 1,
  reason: r.reason,
  file: r.file,
  lastError: r.last_error,
});

/** Lifecycle of a fraud proof: submitted (tx sent) -> done (nullifier spent) | refused (nothing to prove). */
export type FraudStatus = "submitted" | "done" | "refused" | "failed";

/** One fraud-proof row. */
export interface FraudRow {
  nullifier: string;
  member: string;
  asset: number;
  t: bigint;
  status: FraudStatus;
  txHash: string | null;
  error: string | null;
}

interface JobRow {
  subject: string;
  kind: string;
  member: string;
  t: string;
  request_id: string;
  block: number;
  status: string;
  attempts: number;
  next_at: number;
  verdict: number | null;
  roots_digest: string | null;
  blob_digest: string | null;
  signature: string | null;
  reasons: string;
}

/**
 * The node database's migrations (applied by src/sqlite/migrate.ts when the database opens). Version 1 is the schema
 * databases had before they were versioned: its `IF NOT EXISTS` lets such a database adopt version 1 unchanged.
 * Never edit a released migration: append.
 */
export const NODE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "meta (cursor), jobs, fraud",
    statements: [
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      `CREATE TABLE IF NOT EXISTS jobs (
    subject TEXT PRIMARY KEY, kind TEXT NOT NULL, member TEXT NOT NULL, t TEXT NOT NULL, request_id TEXT NOT NULL,
    block INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL DEFAULT 0,
    verdict INTEGER, roots_digest TEXT, blob_digest TEXT, signature TEXT, reasons TEXT NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL)`,
      "CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, next_at)",
      `CREATE TABLE IF NOT EXISTS fraud (
    nullifier TEXT PRIMARY KEY, member TEXT NOT NULL, asset INTEGER NOT NULL, t TEXT NOT NULL, status TEXT NOT NULL,
    tx_hash TEXT, error TEXT, updated_at INTEGER NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: "interims (IA verdicts)",
    statements: [
      // One row per IA: pending -> signed (verdict, reason and the verdict file stored) -> sent | closed.
      `CREATE TABLE interims (
    interim_id TEXT PRIMARY KEY, record TEXT NOT NULL, block INTEGER NOT NULL, status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL DEFAULT 0, missed_seen_at INTEGER,
    settled INTEGER, reason TEXT, file TEXT, last_error TEXT, updated_at INTEGER NOT NULL)`,
      "CREATE INDEX interims_by_status ON interims (status, next_at)",
    ],
  },
];

const now = () => Math.floor(Date.now() / 1000);

/** The node's database. */
export class NodeDb {
  private readonly db: DatabaseSync;

  /**
   * Opens (creating) the database at `path` (`:memory:` for tests) and migrates it to the newest schema; a database
   * written by a newer release is refused (`SchemaTooNewError`).
   */
  constructor(path: string) {
    this.db = openSqlite(path, NODE_MIGRATIONS);
  }

  /** Runs `fn` in one transaction. */
  tx<T>(fn: () => T): T {
    return inTransaction(this.db, fn);
  }

  /** The last block fully processed, with its hash; undefined before the first poll. */
  cursor(): { block: number; hash: string } | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'cursor'").get() as { value: string } | undefined;
    if (row === undefined) return undefined;
    return JSON.parse(row.value) as { block: number; hash: string };
  }

  /** Sets the cursor (call inside the transaction that stored the range's jobs). */
  setCursor(block: number, hash: string): void {
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(JSON.stringify({ block, hash }));
  }

  /** Adds a job unless one exists for the subject; true when added. */
  addJob(j: Pick<Job, "subject" | "kind" | "member" | "t" | "requestId" | "block">): boolean {
    const r = this.db
      .prepare(
        "INSERT INTO jobs (subject, kind, member, t, request_id, block, status, updated_at) " +
          "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (subject) DO NOTHING",
      )
      .run(j.subject, j.kind, j.member, j.t.toString(), j.requestId.toString(), j.block, now());
    return Number(r.changes) === 1;
  }

  /** Pending or signed jobs due at `at` (unix seconds), oldest block first. */
  dueJobs(at: number, limit = 20): Job[] {
    const rows = this.db
      .prepare(
        "SELECT * FROM jobs WHERE status IN ('pending', 'signed') AND next_at <= ? ORDER BY block, subject LIMIT ?",
      )
      .all(at, limit) as unknown as JobRow[];
    return rows.map(toJob);
  }

  /** A job by subject. */
  job(subject: string): Job | undefined {
    const row = this.db.prepare("SELECT * FROM jobs WHERE subject = ?").get(subject) as unknown as JobRow | undefined;
    return row === undefined ? undefined : toJob(row);
  }

  /** Every job (tests, health). */
  jobs(): Job[] {
    return (this.db.prepare("SELECT * FROM jobs ORDER BY block, subject").all() as unknown as JobRow[]).map(toJob);
  }

  /** Counts per status. */
  jobCounts(): Record<string, number> {
    const rows = this.db.prepare("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status").all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /**
   * The IA duty's rows by state (`pending`: not judged yet; `signed`: verdict stored, not delivered; `sent`;
   * `closed`: finalized on-chain before this node judged it), and the node's own verdicts: `settled` and `missed`.
   */
  interimCounts(): Record<"pending" | "signed" | "sent" | "closed" | "settled" | "missed", number> {
    return countRows(this.db, "interims", {
      pending: "status = 'pending'",
      signed: "status = 'signed'",
      sent: "status = 'sent'",
      closed: "status = 'closed'",
      settled: "settled = 1",
      missed: "settled = 0",
    });
  }

  /** Jobs not done that failed at least once and wait for their retry (health). */
  postponedCount(): number {
    const r = this.db
      .prepare("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'signed') AND attempts > 0")
      .get() as { n: number };
    return Number(r.n);
  }

  /** Stores the verdict and signature of a pending job (pending -> signed). */
  markSigned(
    subject: string,
    v: { verdict: number; rootsDigest: string; blobDigest: string; signature: string; reasons: string[] },
  ): void {
    this.db
      .prepare(
        "UPDATE jobs SET status = 'signed', verdict = ?, roots_digest = ?, blob_digest = ?, signature = ?, reasons = ?, " +
          "updated_at = ? WHERE subject = ? AND status = 'pending'",
      )
      .run(v.verdict, v.rootsDigest, v.blobDigest, v.signature, JSON.stringify(v.reasons), now(), subject);
  }

  /** The aggregator acknowledged the attestation (signed -> sent). */
  markSent(subject: string): void {
    this.db.prepare("UPDATE jobs SET status = 'sent', updated_at = ? WHERE subject = ?").run(now(), subject);
  }

  /**
   * Postpones a job after a failure. A pending job keeps the failure as its reasons; a signed job keeps the reasons of
   * the verdict it signed (a failed send is logged and counted in `attempts`, and must not erase why it voted so).
   */
  postpone(subject: string, delaySeconds: number, reason: string): void {
    this.db
      .prepare(
        "UPDATE jobs SET attempts = attempts + 1, next_at = ?, " +
          "reasons = CASE WHEN status = 'pending' THEN ? ELSE reasons END, updated_at = ? WHERE subject = ?",
      )
      .run(now() + delaySeconds, JSON.stringify([reason]), now(), subject);
  }

  /** A fraud row by nullifier. */
  fraud(nullifier: string): FraudRow | undefined {
    const r = this.db.prepare("SELECT * FROM fraud WHERE nullifier = ?").get(nullifier) as
      | {
          nullifier: string;
          member: string;
          asset: number;
          t: string;
          status: string;
          tx_hash: string | null;
          error: string | null;
        }
      | undefined;
    if (r === undefined) return undefined;
    return {
      nullifier: r.nullifier,
      member: r.member,
      asset: Number(r.asset),
      t: BigInt(r.t),
      status: r.status as FraudStatus,
      txHash: r.tx_hash,
      error: r.error,
    };
  }

  /** Every fraud row. */
  frauds(): FraudRow[] {
    const rows = this.db.prepare("SELECT nullifier FROM fraud ORDER BY nullifier").all() as Array<{
      nullifier: string;
    }>;
    return rows.map((r) => this.fraud(r.nullifier) as FraudRow);
  }

  /** Inserts or updates a fraud row. */
  setFraud(f: FraudRow): void {
    this.db
      .prepare(
        "INSERT INTO fraud (nullifier, member, asset, t, status, tx_hash, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT (nullifier) DO UPDATE SET status = excluded.status, tx_hash = COALESCE(excluded.tx_hash, fraud.tx_hash), " +
          "error = excluded.error, updated_at = excluded.updated_at",
      )
      .run(f.nullifier, f.member, f.asset, f.t.toString(), f.status, f.txHash, f.error, now());
  }

  /** The last block scanned for `InterimPosted`. */
  interimCursor(): number | undefined {
    const r = this.db.prepare("SELECT value FROM meta WHERE key = 'interim_cursor'").get() as
      { value: string } | undefined;
    return r === undefined ? undefined : Number(r.value);
  }

  setInterimCursor(block: number): void {
    this.db
      .prepare("INSERT INTO meta (key, value) VALUES ('interim_cursor', ?) ON CONFLICT (key) DO UPDATE SET value = ?")
      .run(String(block), String(block));
  }

  /** Adds a pending IA; false when it is known already (a rescan never resets a judged IA). */
  addInterimJob(interimId: string, record: string, block: number): boolean {
    const r = this.db
      .prepare(
        "INSERT INTO interims (interim_id, record, block, status, updated_at) VALUES (?, ?, ?, 'pending', ?) " +
          "ON CONFLICT (interim_id) DO NOTHING",
      )
      .run(interimId, record, block, now());
    return Number(r.changes) === 1;
  }

  interimJob(interimId: string): InterimJob | undefined {
    const r = this.db.prepare("SELECT * FROM interims WHERE interim_id = ?").get(interimId) as InterimRow | undefined;
    return r === undefined ? undefined : interimOf(r);
  }

  interimJobs(): InterimJob[] {
    return (this.db.prepare("SELECT * FROM interims ORDER BY block, interim_id").all() as unknown as InterimRow[]).map(
      interimOf,
    );
  }

  /** Every IA record the node has seen (for the one-payment-one-IA rule). */
  interimRecords(): string[] {
    return (this.db.prepare("SELECT record FROM interims").all() as Array<{ record: string }>).map((r) => r.record);
  }

  /** IAs due for work (pending or signed, next_at reached). */
  dueInterimJobs(at: number, limit = 20): InterimJob[] {
    const rows = this.db
      .prepare(
        "SELECT * FROM interims WHERE status IN ('pending', 'signed') AND next_at <= ? ORDER BY next_at, block LIMIT ?",
      )
      .all(at, limit) as unknown as InterimRow[];
    return rows.map(interimOf);
  }

  /**
   * Stores the IA's verdict: only a pending IA takes one, so a verdict once signed is never replaced (no two
   * conflicting signatures for one IA). Throws when the IA is not pending.
   */
  signInterim(interimId: string, settled: boolean, reason: string, file: string): void {
    const r = this.db
      .prepare(
        "UPDATE interims SET status = 'signed', settled = ?, reason = ?, file = ?, next_at = 0, updated_at = ? " +
          "WHERE interim_id = ? AND status = 'pending'",
      )
      .run(settled ? 1 : 0, reason, file, now(), interimId);
    if (Number(r.changes) !== 1) throw new Error(`IA ${interimId} is not pending: its verdict is signed already`);
  }

  markInterimSent(interimId: string): void {
    this.db
      .prepare("UPDATE interims SET status = 'sent', updated_at = ? WHERE interim_id = ? AND status = 'signed'")
      .run(now(), interimId);
  }

  /** Closes a pending IA the chain settled without this node's verdict. */
  closeInterim(interimId: string): void {
    this.db
      .prepare("UPDATE interims SET status = 'closed', updated_at = ? WHERE interim_id = ? AND status = 'pending'")
      .run(now(), interimId);
  }

  /** Notes the first all-sources "missed" finding; the IA is checked again after `recheckSeconds`. */
  noteInterimMissed(interimId: string, at: number, recheckSeconds: number): void {
    this.db
      .prepare("UPDATE interims SET missed_seen_at = ?, next_at = ?, updated_at = ? WHERE interim_id = ?")
      .run(at, at + recheckSeconds, now(), interimId);
  }

  /**
   * Postpones an IA by `delaySeconds`. `failure` (an RPC error) counts an attempt for the backoff; a "not decidable
   * yet" finding also forgets an earlier missed finding (the sources no longer agree).
   */
  postponeInterim(interimId: string, delaySeconds: number, reason: string, failure = true): void {
    this.db
      .prepare(
        "UPDATE interims SET attempts = attempts + ?, next_at = ?, last_error = ?, " +
          "missed_seen_at = CASE WHEN ? THEN missed_seen_at ELSE NULL END, updated_at = ? WHERE interim_id = ?",
      )
      .run(failure ? 1 : 0, now() + delaySeconds, reason, failure ? 1 : 0, now(), interimId);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

function toJob(r: JobRow): Job {
  return {
    subject: r.subject,
    kind: r.kind === "request" ? "request" : "set",
    member: r.member,
    t: BigInt(r.t),
    requestId: BigInt(r.request_id),
    block: Number(r.block),
    status: r.status as JobStatus,
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
    verdict: r.verdict === null ? null : Number(r.verdict),
    rootsDigest: r.roots_digest,
    blobDigest: r.blob_digest,
    signature: r.signature,
    reasons: JSON.parse(r.reasons) as string[],
  };
}
