// The records this operator's verifier service holds (src/verifier-service): read per tree and marked as checked,
// through the service's own RecordStore (SQLite file or PostgreSQL URL).
import { openRecordStore } from "../verifier-service/sql-drivers.js";
import type { StoredRecord } from "../verifier-service/store.js";

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
  const store = await openRecordStore(location);
  return {
    recordsFor: (member, asset, t) => store.recordsOf(member, asset, t),
    uncheckedTrees: () => store.uncheckedTrees(),
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
