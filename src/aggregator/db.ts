// The aggregator's database (node:sqlite): every accepted attestation (keyed by subject, ballot and signer, so a
// re-sent attestation is stored once) and one row per subject with its submission state. A subject in `submitting`
// after a crash is resolved on restart by reading the chain before anything is sent again.
import type { DatabaseSync } from "node:sqlite";

import { inTransaction, openSqlite, type Migration } from "../sqlite/index.js";

/** Submission state of a subject. */
export type SubjectStatus = "collecting" | "submitting" | "finalized";

/**
 * What a subject is: a commitment set, an answered request (CommitmentLedger), or an interim attestation ("interim":
 * Attestations; `t` holds the IA's seq, `requestId` its asset, `verdict` 1 settled / 0 missed, `rootsDigest` the
 * record's hash, `blobDigest` zero).
 */
export type SubjectKind = "set" | "request" | "interim";

const kindOf = (k: string): SubjectKind => (k === "request" || k === "interim" ? k : "set");

/** A stored attestation. */
export interface StoredAttestation {
  subject: string;
  kind: SubjectKind;
  member: string;
  t: bigint;
  requestId: bigint;
  verdict: number;
  rootsDigest: string;
  blobDigest: string;
  signer: string;
  signature: string;
}

/** A subject row. */
export interface SubjectRow {
  subject: string;
  kind: SubjectKind;
  member: string;
  t: bigint;
  requestId: bigint;
  status: SubjectStatus;
  txHash: string | null;
  verdict: number | null;
}

const now = () => Math.floor(Date.now() / 1000);

interface AttRow {
  subject: string;
  kind: string;
  member: string;
  t: string;
  request_id: string;
  verdict: number;
  roots_digest: string;
  blob_digest: string;
  signer: string;
  signature: string;
}

/**
 * The aggregator database's migrations (applied by src/sqlite/migrate.ts when the database opens). Version 1 is the
 * schema databases had before they were versioned: its `IF NOT EXISTS` lets such a database adopt version 1
 * unchanged. Never edit a released migration: append.
 */
export const AGGREGATOR_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "attestations, subjects",
    statements: [
      `CREATE TABLE IF NOT EXISTS attestations (
      subject TEXT NOT NULL, kind TEXT NOT NULL, member TEXT NOT NULL, t TEXT NOT NULL, request_id TEXT NOT NULL,
      verdict INTEGER NOT NULL, roots_digest TEXT NOT NULL, blob_digest TEXT NOT NULL, signer TEXT NOT NULL,
      signature TEXT NOT NULL, received_at INTEGER NOT NULL,
      PRIMARY KEY (subject, verdict, roots_digest, blob_digest, signer))`,
      `CREATE TABLE IF NOT EXISTS subjects (
      subject TEXT PRIMARY KEY, kind TEXT NOT NULL, member TEXT NOT NULL, t TEXT NOT NULL, request_id TEXT NOT NULL,
      status TEXT NOT NULL, tx_hash TEXT, verdict INTEGER, updated_at INTEGER NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: "interim records",
    statements: [
      // The IA record (JSON, decimal strings) an "interim" subject's verdicts sign: attestInterim takes it whole.
      `CREATE TABLE interim_records (interim_id TEXT PRIMARY KEY, record TEXT NOT NULL)`,
    ],
  },
];

/** The aggregator's store. */
export class AggregatorDb {
  private readonly db: DatabaseSync;

  /**
   * Opens (creating) the database at `path` and migrates it to the newest schema; a database written by a newer
   * release is refused (`SchemaTooNewError`).
   */
  constructor(path: string) {
    this.db = openSqlite(path, AGGREGATOR_MIGRATIONS);
  }

  /** Stores an attestation (and its subject row) in one transaction; false when it was already stored. */
  addAttestation(a: StoredAttestation): boolean {
    return inTransaction(this.db, () => {
      const r = this.db
        .prepare(
          "INSERT INTO attestations (subject, kind, member, t, request_id, verdict, roots_digest, blob_digest, signer, " +
            "signature, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .run(
          a.subject,
          a.kind,
          a.member,
          a.t.toString(),
          a.requestId.toString(),
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          a.signer,
          a.signature,
          now(),
        );
      this.db
        .prepare(
          "INSERT INTO subjects (subject, kind, member, t, request_id, status, updated_at) " +
            "VALUES (?, ?, ?, ?, ?, 'collecting', ?) ON CONFLICT (subject) DO NOTHING",
        )
        .run(a.subject, a.kind, a.member, a.t.toString(), a.requestId.toString(), now());
      return Number(r.changes) === 1;
    });
  }

  /** Stores an IA's record (once: the first stored is kept; its hash is the subject's ballots' rootsDigest). */
  addInterimRecord(interimId: string, record: string): void {
    this.db
      .prepare("INSERT INTO interim_records (interim_id, record) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .run(interimId, record);
  }

  /** An IA's stored record (JSON), if any. */
  interimRecord(interimId: string): string | undefined {
    const r = this.db.prepare("SELECT record FROM interim_records WHERE interim_id = ?").get(interimId) as
      { record: string } | undefined;
    return r?.record;
  }

  /** Attestations of a subject. */
  attestations(subject: string): StoredAttestation[] {
    const rows = this.db
      .prepare("SELECT * FROM attestations WHERE subject = ? ORDER BY signer")
      .all(subject) as unknown as AttRow[];
    return rows.map((r) => ({
      subject: r.subject,
      kind: kindOf(r.kind),
      member: r.member,
      t: BigInt(r.t),
      requestId: BigInt(r.request_id),
      verdict: Number(r.verdict),
      rootsDigest: r.roots_digest,
      blobDigest: r.blob_digest,
      signer: r.signer,
      signature: r.signature,
    }));
  }

  /** Total attestations stored. */
  countAttestations(): number {
    return Number((this.db.prepare("SELECT COUNT(*) AS n FROM attestations").get() as { n: number }).n);
  }

  /** A subject row. */
  subject(subject: string): SubjectRow | undefined {
    const r = this.db.prepare("SELECT * FROM subjects WHERE subject = ?").get(subject) as
      | {
          subject: string;
          kind: string;
          member: string;
          t: string;
          request_id: string;
          status: string;
          tx_hash: string | null;
          verdict: number | null;
        }
      | undefined;
    if (r === undefined) return undefined;
    return {
      subject: r.subject,
      kind: kindOf(r.kind),
      member: r.member,
      t: BigInt(r.t),
      requestId: BigInt(r.request_id),
      status: r.status as SubjectStatus,
      txHash: r.tx_hash,
      verdict: r.verdict === null ? null : Number(r.verdict),
    };
  }

  /** Subjects not finalized yet. */
  openSubjects(): SubjectRow[] {
    const rows = this.db
      .prepare("SELECT subject FROM subjects WHERE status != 'finalized' ORDER BY updated_at, subject")
      .all() as Array<{ subject: string }>;
    return rows.map((r) => this.subject(r.subject) as SubjectRow);
  }

  /** Sets a subject's status (and the tx hash / verdict when known). */
  setStatus(subject: string, status: SubjectStatus, txHash: string | null = null, verdict: number | null = null): void {
    this.db
      .prepare(
        "UPDATE subjects SET status = ?, tx_hash = COALESCE(?, tx_hash), verdict = COALESCE(?, verdict), updated_at = ? WHERE subject = ?",
      )
      .run(status, txHash, verdict, now(), subject);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
