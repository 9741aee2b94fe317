// Auditor sampling off-chain: which populated leaves a sample selects (from the set's leaves payload, section 5.4),
// the member's opening of them (its users' record files), and the auditor's check of each opened record against the
// committed tree (the same checks `record verify --chain` makes) — docs/protocol.md, "Attestations".
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import type { Crypto } from "../crypto/index.js";
import { parseRecordFile, verifyRecordFile, type RecordFile } from "../records/file.js";
import { decodeLeaves } from "../tree/leaves.js";
import { sampleRanks } from "./index.js";

/** The sampled slots, in draw order, and the tree they come from. */
export interface SampledSlots {
  member: bigint;
  asset: number;
  t: bigint;
  leafCount: number;
  slots: number[];
}

/** The slots a sample with `seed` and `size` selects among the populated leaves of `leavesPayload`. */
export function sampledSlots(leavesPayload: Uint8Array, seed: string, size: number): SampledSlots {
  const { header, leaves } = decodeLeaves(leavesPayload);
  const ranks = sampleRanks(seed, size, leaves.slots.length);
  return {
    member: header.member,
    asset: header.asset,
    t: header.t,
    leafCount: leaves.slots.length,
    slots: ranks.map((r) => leaves.slots[r]),
  };
}

/** Every `por.record` JSON file under `dir` (recursively), parsed; files of other formats are skipped. */
export async function readRecordFiles(dir: string): Promise<Array<{ file: string; record: RecordFile }>> {
  const out: Array<{ file: string; record: RecordFile }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, "utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    if ((json as { format?: unknown } | null)?.format !== "por.record") continue;
    out.push({ file, record: parseRecordFile(text, file) });
  }
  return out;
}

/** The member's records of the sampled slots (what it hands to the auditor); the slots it has no record of. */
export function openingsOf(
  records: ReadonlyArray<{ file: string; record: RecordFile }>,
  sample: SampledSlots,
): { opened: Array<{ file: string; record: RecordFile }>; missing: number[] } {
  const bySlot = new Map<number, { file: string; record: RecordFile }>();
  for (const r of records) {
    const rec = r.record.record;
    if (BigInt(rec.member) !== sample.member || rec.asset !== sample.asset || BigInt(rec.t) !== sample.t) continue;
    bySlot.set(rec.slot, r);
  }
  const opened = [];
  const missing = [];
  for (const slot of sample.slots) {
    const r = bySlot.get(slot);
    if (r === undefined) missing.push(slot);
    else opened.push(r);
  }
  return { opened, missing };
}

/** One sampled slot's outcome. */
export interface SampleCheck {
  slot: number;
  /** "ok", "failed" (opened, a check failed) or "not opened". */
  outcome: "ok" | "failed" | "not opened";
  detail: string;
}

/**
 * Checks the openings of `sample` against the committed root and key hash: each sampled slot must be opened by a
 * record of that slot that passes every check. Returns per slot, and the counts `reportSample` takes.
 */
export function checkOpenings(
  crypto: Crypto,
  sample: SampledSlots,
  records: ReadonlyArray<{ file: string; record: RecordFile }>,
  /** The committed root (`s` undefined: a private set's, whose sum is hidden) and the key hash valid at t. */
  committed: { root: { h: bigint; s: bigint | undefined }; keyHash: bigint },
): { checks: SampleCheck[]; opened: number; failures: number } {
  const { opened } = openingsOf(records, sample);
  const bySlot = new Map(opened.map((r) => [r.record.record.slot, r]));
  const checks: SampleCheck[] = [];
  let failures = 0;
  for (const slot of sample.slots) {
    const r = bySlot.get(slot);
    if (r === undefined) {
      checks.push({ slot, outcome: "not opened", detail: "no record of this slot was opened" });
      continue;
    }
    const verdict = verifyRecordFile(crypto, r.record, { root: committed.root, keyHash: committed.keyHash });
    if (verdict.ok) checks.push({ slot, outcome: "ok", detail: r.file });
    else {
      failures++;
      const failed = verdict.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      checks.push({ slot, outcome: "failed", detail: `${r.file}: ${failed.join("; ")}` });
    }
  }
  return { checks, opened: bySlot.size, failures };
}
