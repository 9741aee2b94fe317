// The records this operator's verifier service holds (src/verifier-service): read per tree and marked as checked.
// Opens the service's own store (SQLite file or PostgreSQL URL) through its drivers and migrations; the one query the
// RecordStore interface lacks (records of one tree) runs on the same driver.
import { PostgresDriver, SqliteDriver } from "../verifier-service/sql-drivers.js";
import { SqlRecordStore, migrate, type SqlDriver, type StoredRecord } from "../verifier-service/store.js";

/** Records held for a tree, and the check marks the node writes back. */
export interface HeldRecords {
  /** Every stored record of `(member, asset, t)`; `member` checksummed. */
  recordsFor(member: string, asset: number, t: bigint): Promise<StoredRecord[]>;
  /** Trees `(member, asset, t)` holding records not yet checked against a committed tree. */
  uncheckedTrees(): Promise<Array<{ member: string; asset: number; t: bigint }>>;
  /** Marks records as checked against the tree (`ok` or `mismatch`). */
  markChecked(nullifiers: readonly string[], result: "ok" | "mismatch", at: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens the verifier service's store at `location` (`postgres://…` or a SQLite path) as {@link HeldRecords}. */
export async function openHeldRecords(location: string): Promise<HeldRecords> {
  const driver: SqlDriver = /^postgres(ql)?:\/\//i.test(location)
    ? new PostgresDriver(location, { max: 2 })
    : new SqliteDriver(location.replace(/^sqlite:/i, ""));
  await migrate(driver);
  const store = new SqlRecordStore(driver);
  return {
    async recordsFor(member, asset, t) {
      const { rows } = await driver.query<{ nullifier: string }>(
        "SELECT nullifier FROM records WHERE member = ? AND asset = ? AND t = ? ORDER BY slot, nullifier",
        [member, asset, Number(t)],
      );
      const out: StoredRecord[] = [];
      for (const r of rows) {
        const rec = await store.getRecord(r.nullifier);
        if (rec !== undefined) out.push(rec);
      }
      return out;
    },
    async uncheckedTrees() {
      const { rows } = await driver.query<{ member: string; asset: number | string; t: number | string }>(
        "SELECT DISTINCT member, asset, t FROM records WHERE checked_at IS NULL ORDER BY t, member, asset",
      );
      return rows.map((r) => ({ member: r.member, asset: Number(r.asset), t: BigInt(r.t) }));
    },
    async markChecked(nullifiers, result, at) {
      if (nullifiers.length > 0) await store.markChecked(nullifiers, result, at);
    },
    close: () => store.close(),
  };
}

/** Held records from memory (tests, and an operator without a verifier service). */
export function memoryHeldRecords(records: StoredRecord[]): HeldRecords & { marks: Map<string, "ok" | "mismatch"> } {
  const marks = new Map<string, "ok" | "mismatch">();
  return {
    marks,
    recordsFor: (member, asset, t) =>
      Promise.resolve(
        records.filter(
          (r) => r.member.toLowerCase() === member.toLowerCase() && r.asset === asset && BigInt(r.t) === t,
        ),
      ),
    uncheckedTrees: () => {
      const seen = new Map<string, { member: string; asset: number; t: bigint }>();
      for (const r of records) {
        if (marks.has(r.nullifier)) continue;
        seen.set(`${r.member}:${r.asset}:${r.t}`, { member: r.member, asset: r.asset, t: BigInt(r.t) });
      }
      return Promise.resolve([...seen.values()]);
    },
    markChecked: (ns, result) => {
      for (const n of ns) marks.set(n, result);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
