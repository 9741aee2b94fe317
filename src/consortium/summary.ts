// Snapshot summary input of `commit-roots`: the liabilities engine's summary.json (`por.snapshot` version 1,
// schema in src/snapshot), turned into the ledger's per-asset commitments.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { keccak256 } from "ethers";

import { summarySchema, type SnapshotSummary } from "../snapshot/index.js";
import type { AssetCommitment } from "./attestation.js";

export type { SnapshotSummary } from "../snapshot/index.js";

/** Per-asset values from the command line (reserves totals, blob digests), keyed by asset id. */
export interface CommitOverrides {
  reserves?: Map<number, bigint>;
  blobDigest?: Map<number, string>;
}

/** Validate a parsed summary; errors name the file and the field. */
export function parseSnapshotSummary(json: unknown, file = "summary.json"): SnapshotSummary {
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Read and validate a summary file. */
export async function readSnapshotSummary(file: string): Promise<SnapshotSummary> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseSnapshotSummary(json, file);
}

/**
 * The commitments to post for a summary, sorted by asset id. Reserves come from the overrides (required: the
 * engine knows liabilities only); the blob digest from the overrides, else keccak256 of the asset's leaves file
 * next to the summary (the public-mode DA blob), read through `readBlob`.
 */
export async function commitmentsFromSummary(
  summary: SnapshotSummary,
  summaryFile: string,
  overrides: CommitOverrides = {},
  readBlob: (path: string) => Promise<Uint8Array> = (p) => readFile(p),
): Promise<AssetCommitment[]> {
  const seen = new Set<number>();
  const out: AssetCommitment[] = [];
  for (const a of summary.assets) {
    if (seen.has(a.id)) throw new Error(`${summaryFile}: asset ${a.id} is listed twice`);
    seen.add(a.id);
    const reserves = overrides.reserves?.get(a.id);
    if (reserves === undefined) {
      throw new Error(`no reserves total for asset ${a.id} (pass --reserves ${a.id}=<base units>)`);
    }
    let blobDigest = overrides.blobDigest?.get(a.id);
    if (blobDigest === undefined) {
      const path = join(dirname(summaryFile), a.leavesFile);
      try {
        blobDigest = keccak256(await readBlob(path));
      } catch (e) {
        throw new Error(
          `asset ${a.id}: cannot read ${path} for the blob digest (${e instanceof Error ? e.message : String(e)}); ` +
            `pass --blob-digests ${a.id}=0x<keccak256 of the DA blob>`,
        );
      }
    }
    out.push({ asset: a.id, rootHash: BigInt(a.rootHash), rootSum: BigInt(a.rootSum), reserves, blobDigest });
  }
  return out.sort((x, y) => x.asset - y.asset);
}

/** Parse `1=1000,2=5000` into a map from asset id to value. */
export function parseAssetMap<T>(text: string, value: (s: string) => T, what: string): Map<number, T> {
  const map = new Map<number, T>();
  if (text.trim() === "") return map;
  for (const part of text.split(",")) {
    const m = /^\s*(\d+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m) throw new Error(`${what}: "${part}" is not <assetId>=<value>`);
    map.set(Number(m[1]), value(m[2]));
  }
  return map;
}
