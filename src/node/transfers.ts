// The recipient member's transfer watcher (issue 15): follows the notices addressed to its member, decides by its
// policy whether to credit the customer at once (amount per asset, the sender's reputation score, the sender's
// credited-and-open total, the notice's payload on the DA layer hashing to its digest and stating the notice's
// fields, the sender's on-chain standing: Active and owing no more than its credit limit), records every decision in its
// own SQLite database (src/sqlite), follows each credited or held notice to its settlement, and reports a default by
// itself once settle-by has passed. Each step is one transaction: a restart resumes from the database, nothing is
// credited or reported twice.
import { readFile } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";

import { Interface, getAddress, keccak256, type EventLog } from "ethers";

import type { LocalBlobStore } from "../blobstore/index.js";
import { contractRevert, errorMessage } from "../chain/rpc.js";
import { ADJUDICATOR_ABI, TRANSFERS_ABI } from "../generated/abi.js";
import { countRows, inTransaction, openSqlite, type Migration } from "../sqlite/index.js";
import type { Reputation, Transfers } from "../../types/ethers-contracts/index.js";
import { NOTICE_STATUS, noticePayloadMismatch, noticeRecordFromArgs, type NoticeRecord } from "../transfers/index.js";

/** The recipient's risk appetite. */
export interface CreditPolicy {
  /** Largest amount credited at once per notice, base units, by asset id (an asset absent: never at once). */
  maxAmount: Record<number, bigint>;
  /** The sender's reputation score (`Reputation.scoreOf`) below which nothing is credited at once. */
  minScore: bigint;
  /** Most value credited at once and still open per (sender, asset), base units (absent: maxAmount's). */
  maxOpenPerSender?: Record<number, bigint>;
}

export type CreditDecision = "credited" | "held";
/** `Paid`: defaulted, and the owed weight reached the recipient (`payDefault`, the unbonding delay after posting). */
export type CreditStatus = "Open" | "Settled" | "Defaulted" | "Paid";

/** One notice as the watcher recorded it. */
export interface CreditRow {
  noticeId: string;
  sender: string;
  asset: number;
  amount: bigint;
  settleBy: bigint;
  decision: CreditDecision;
  reason: string;
  status: CreditStatus;
  reportTx: string | null;
  payTx: string | null;
  record: NoticeRecord;
}

export const TRANSFER_WATCHER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "meta (cursor), credits",
    statements: [
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      `CREATE TABLE IF NOT EXISTS credits (
    notice_id TEXT PRIMARY KEY, sender TEXT NOT NULL, asset INTEGER NOT NULL, amount TEXT NOT NULL,
    settle_by TEXT NOT NULL, decision TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, report_tx TEXT,
    record TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
      "CREATE INDEX IF NOT EXISTS credits_by_status ON credits (status)",
    ],
  },
  {
    version: 2,
    name: "credits.pay_tx (a default's payout)",
    statements: ["ALTER TABLE credits ADD COLUMN pay_tx TEXT"],
  },
];

interface Row {
  notice_id: string;
  sender: string;
  asset: number;
  amount: string;
  settle_by: string;
  decision: string;
  reason: string;
  status: string;
  report_tx: string | null;
  pay_tx: string | null;
  record: string;
}

const recordJson = (r: NoticeRecord) =>
  JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
const recordOf = (text: string): NoticeRecord => {
  const j = JSON.parse(text) as { notice: Record<string, string | number>; postedAt: string; owedWeight: string };
  return noticeRecordFromArgs({ record: j });
};

/** The watcher's database. */
export class TransferWatcherDb {
  private readonly db: DatabaseSync;

  constructor(path: string) {
    this.db = openSqlite(path, TRANSFER_WATCHER_MIGRATIONS);
  }

  tx<T>(fn: () => T): T {
    return inTransaction(this.db, fn);
  }

  cursor(): number | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'cursor'").get() as { value: string } | undefined;
    return row === undefined ? undefined : Number(row.value);
  }

  setCursor(block: number): void {
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(String(block));
  }

  /** Adds a decision unless the notice has one; true when added. */
  add(noticeId: string, record: NoticeRecord, decision: CreditDecision, reason: string): boolean {
    const n = record.notice;
    const r = this.db
      .prepare(
        "INSERT INTO credits (notice_id, sender, asset, amount, settle_by, decision, reason, status, record, updated_at) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, 'Open', ?, ?) ON CONFLICT (notice_id) DO NOTHING",
      )
      .run(
        noticeId,
        getAddress(n.sender),
        n.asset,
        n.amount.toString(),
        n.settleBy.toString(),
        decision,
        reason,
        recordJson(record),
        Math.floor(Date.now() / 1000),
      );
    return Number(r.changes) === 1;
  }

  close(noticeId: string, status: CreditStatus, reportTx: string | null): void {
    this.db
      .prepare("UPDATE credits SET status = ?, report_tx = COALESCE(?, report_tx), updated_at = ? WHERE notice_id = ?")
      .run(status, reportTx, Math.floor(Date.now() / 1000), noticeId);
  }

  /** A defaulted notice's payout reached the recipient in `payTx` (null: someone else paid it). */
  paid(noticeId: string, payTx: string | null): void {
    this.db
      .prepare("UPDATE credits SET status = 'Paid', pay_tx = COALESCE(?, pay_tx), updated_at = ? WHERE notice_id = ?")
      .run(payTx, Math.floor(Date.now() / 1000), noticeId);
  }

  /** What is credited and still open from `sender` in `asset`, base units. */
  openCredited(sender: string, asset: number): bigint {
    const rows = this.db
      .prepare(
        "SELECT amount FROM credits WHERE sender = ? AND asset = ? AND decision = 'credited' AND status = 'Open'",
      )
      .all(getAddress(sender), asset) as Array<{ amount: string }>;
    return rows.reduce((sum, r) => sum + BigInt(r.amount), 0n);
  }

  rows(status?: CreditStatus): CreditRow[] {
    const rows = (status === undefined
      ? this.db.prepare("SELECT * FROM credits ORDER BY rowid").all()
      : this.db.prepare("SELECT * FROM credits WHERE status = ? ORDER BY rowid").all(status)) as unknown as Row[];
    return rows.map((r) => ({
      noticeId: r.notice_id,
      sender: r.sender,
      asset: r.asset,
      amount: BigInt(r.amount),
      settleBy: BigInt(r.settle_by),
      decision: r.decision as CreditDecision,
      reason: r.reason,
      status: r.status as CreditStatus,
      reportTx: r.report_tx,
      payTx: r.pay_tx,
      record: recordOf(r.record),
    }));
  }

  /** How many notices the watcher decided, by decision and by outcome (the node's health shows them). */
  counts(): Record<"credited" | "held" | "open" | "settled" | "defaulted" | "paid", number> {
    return countRows(this.db, "credits", {
      credited: "decision = 'credited'",
      held: "decision = 'held'",
      open: "status = 'Open'",
      settled: "status = 'Settled'",
      defaulted: "status = 'Defaulted'",
      paid: "status = 'Paid'",
    });
  }

  closeDb(): void {
    this.db.close();
  }
}

/** Payloads from a local blob store, by digest (the store's own integrity check is the watcher's hash check). */
export function localPayloads(store: LocalBlobStore): (digest: string) => Promise<Uint8Array> {
  return async (digest) => new Uint8Array(await readFile(store.pathOf(digest)));
}

/**
 * The operator node's transfer duty (configuration `transfers`; docs/guides/operator.md "Transfers"): the watcher
 * for the node's own member, the recipient, which is the node's operator address.
 */
export interface NodeTransfersOptions {
  /** The Transfers contract. */
  transfers: string;
  /** The Reputation contract (the policy's minimum score). */
  reputation: string;
  /** The watcher's own SQLite database. */
  dbPath: string;
  policy: CreditPolicy;
  /** Payloads by digest (the node's local blob store); absent, payloads are not checked. */
  payloads?: (digest: string) => Promise<Uint8Array>;
  /** First block when the watcher's database has no cursor (default: the node's startBlock). */
  startBlock?: number;
}

/** What the watcher works with. */
export interface TransferWatcherOptions {
  /** The Transfers contract, connected to the recipient node's signer (it reports defaults). */
  transfers: Transfers;
  reputation: Reputation;
  /** The recipient member. */
  recipient: string;
  policy: CreditPolicy;
  db: TransferWatcherDb;
  /**
   * Fetches a notice's payload by its digest (absent: the payload is not checked). The notice carries only the
   * digest: a local store finds the blob by it ({@link localPayloads}); an EigenDA ref comes from the sender with the
   * signed notice.
   */
  payloads?: (digest: string) => Promise<Uint8Array>;
  /** First block when the database has no cursor. */
  startBlock?: number;
  /** Called on each credit decision (the member's ledger credits its customer here). */
  onCredit?: (row: { noticeId: string; record: NoticeRecord; decision: CreditDecision; reason: string }) => void;
}

/** The outcome of one poll. */
export interface WatchStep {
  decided: Array<{ noticeId: string; decision: CreditDecision; reason: string }>;
  settled: string[];
  defaulted: Array<{ noticeId: string; tx: string }>;
  /** Defaults whose payout this poll collected for the recipient. */
  paid: Array<{ noticeId: string; tx: string }>;
  errors: string[];
}

/** Reverts that mean "not yet" for a payout: before the unbonding delay, users' claim round open, funds in transit. */
const PAYOUT_NOT_YET = new Set(["TransfersPayoutNotDue", "RestitutionRoundOpen", "TransfersAwaitingSlashedFunds"]);
/** The payout path's errors: the Adjudicator's (a claim round) bubble up through Transfers. */
const PAYOUT_ERRORS = new Interface([
  ...TRANSFERS_ABI.filter((f) => f.type === "error"),
  ...ADJUDICATOR_ABI.filter((f) => f.type === "error"),
]);

/** The recipient's watcher: call `poll()` on each tick of the node. */
export class TransferWatcher {
  constructor(private readonly o: TransferWatcherOptions) {}

  /** One policy decision (exported for tests and the demo's words). */
  async decide(record: NoticeRecord): Promise<{ decision: CreditDecision; reason: string }> {
    const n = record.notice;
    const max = this.o.policy.maxAmount[n.asset];
    if (max === undefined) return { decision: "held", reason: `asset ${n.asset} is never credited at once` };
    if (n.amount > max) return { decision: "held", reason: `amount ${n.amount} above the policy's ${max}` };
    const score = await this.o.reputation.scoreOf(n.sender);
    if (score < this.o.policy.minScore) {
      return { decision: "held", reason: `sender's reputation ${score} below the policy's ${this.o.policy.minScore}` };
    }
    const cap = this.o.policy.maxOpenPerSender?.[n.asset] ?? max;
    const open = this.o.db.openCredited(n.sender, n.asset);
    if (open + n.amount > cap) {
      return { decision: "held", reason: `${open} already credited and open from the sender (cap ${cap})` };
    }
    if (this.o.payloads !== undefined) {
      try {
        const bytes = await this.o.payloads(n.payloadDigest);
        if (keccak256(bytes) !== n.payloadDigest)
          return { decision: "held", reason: "payload does not hash to its digest" };
        const mismatch = noticePayloadMismatch(bytes, n);
        if (mismatch !== undefined) return { decision: "held", reason: mismatch };
      } catch (e) {
        return { decision: "held", reason: `payload not available: ${errorMessage(e)}` };
      }
    }
    // The sender's standing now, on-chain: a sender that is no longer Active (exit requested) has a limit of 0, and
    // one that has asked to withdraw stake has a lower limit; whatever it owes beyond its limit is not credited.
    const [limit, owed] = await this.o.transfers.creditWeightOf(n.sender);
    if (owed > limit) {
      return {
        decision: "held",
        reason: `sender owes ${owed} of weight beyond its credit limit ${limit} (exit or withdrawal requested?)`,
      };
    }
    return { decision: "credited", reason: "within policy" };
  }

  async poll(): Promise<WatchStep> {
    const step: WatchStep = { decided: [], settled: [], defaulted: [], paid: [], errors: [] };
    const { transfers, db } = this.o;
    const head = await transfers.runner!.provider!.getBlockNumber();
    const from = (db.cursor() ?? (this.o.startBlock ?? 0) - 1) + 1;
    if (from <= head) {
      const logs = (await transfers.queryFilter(
        transfers.filters.NoticePosted(undefined, undefined, this.o.recipient),
        from,
        head,
      )) as unknown as EventLog[];
      for (const log of logs) {
        const noticeId = log.args.noticeId as string;
        const record = noticeRecordFromArgs(log.args as unknown as { record: unknown });
        const { decision, reason } = await this.decide(record);
        if (db.tx(() => db.add(noticeId, record, decision, reason))) {
          step.decided.push({ noticeId, decision, reason });
          this.o.onCredit?.({ noticeId, record, decision, reason });
        }
      }
      db.tx(() => db.setCursor(head));
    }
    const now = BigInt((await transfers.runner!.provider!.getBlock("latest"))!.timestamp);
    for (const row of db.rows("Open")) {
      const status = NOTICE_STATUS[Number(await transfers.noticeStatusOf(row.record))];
      if (status === "Settled") {
        db.tx(() => db.close(row.noticeId, "Settled", null));
        step.settled.push(row.noticeId);
      } else if (status === "Defaulted") {
        db.tx(() => db.close(row.noticeId, "Defaulted", null));
      } else if (status === "Open" && now > row.settleBy) {
        try {
          const tx = await transfers.reportDefault(row.record);
          await tx.wait();
          db.tx(() => db.close(row.noticeId, "Defaulted", tx.hash));
          step.defaulted.push({ noticeId: row.noticeId, tx: tx.hash });
        } catch (e) {
          step.errors.push(`report default of ${row.noticeId}: ${errorMessage(e)}`);
        }
      }
    }
    await this.collectPayouts(step);
    return step;
  }

  /** Collects each defaulted notice's payout for the recipient once it is due (and notes one someone else paid). */
  private async collectPayouts(step: WatchStep): Promise<void> {
    const { transfers, db } = this.o;
    for (const row of db.rows("Defaulted")) {
      const status = NOTICE_STATUS[Number(await transfers.noticeStatusOf(row.record))];
      if (status === "Paid") {
        db.tx(() => db.paid(row.noticeId, null));
        continue;
      }
      try {
        await transfers.payDefault.staticCall(row.record, this.o.recipient);
      } catch (e) {
        const revert = contractRevert(e, PAYOUT_ERRORS);
        if (revert === undefined || !PAYOUT_NOT_YET.has(revert.name)) {
          step.errors.push(`payout of ${row.noticeId}: ${revert?.name ?? errorMessage(e)}`);
        }
        continue;
      }
      try {
        const tx = await transfers.payDefault(row.record, this.o.recipient);
        await tx.wait();
        db.tx(() => db.paid(row.noticeId, tx.hash));
        step.paid.push({ noticeId: row.noticeId, tx: tx.hash });
      } catch (e) {
        step.errors.push(`payout of ${row.noticeId}: ${errorMessage(e)}`);
      }
    }
  }
}
