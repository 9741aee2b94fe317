// Snapshot summary input of `commit-roots`: the liabilities engine's summary.json (version 1).
import { readFile } from "node:fs/promises";

import { z } from "zod";

import type { AssetCommitment } from "./attestation.js";

const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const MAX_SUM = 1n << 128n;
const ZERO_DIGEST = `0x${"0".repeat(64)}`;

const bigintString = z
  .union([
    z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/, "must be a decimal or 0x-hex integer"),
    z.number().int().nonnegative(),
  ])
  .transform((v) => BigInt(v));
const digest = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string");

/** Schema of a snapshot summary (only the fields commit-roots reads; others are ignored). */
export const snapshotSummarySchema = z.object({
  version: z.literal(1),
  member: z.string().optional(),
  t: bigintString.refine((v) => v > 0n && v < 1n << 64n, "must be a positive 64-bit time"),
  assets: z
    .array(
      z.object({
        asset: z.number().int().nonnegative().max(0xffffffff),
        rootHash: bigintString.refine((v) => v > 0n && v < FIELD_MODULUS, "must be a non-zero field element"),
        rootSum: bigintString.refine((v) => v < MAX_SUM, "must be below 2^128"),
        reserves: bigintString.refine((v) => v < MAX_SUM, "must be below 2^128").optional(),
        blobDigest: digest.optional(),
      }),
    )
    .min(1, "must list at least one asset"),
});

/** A parsed summary. */
export type SnapshotSummary = z.infer<typeof snapshotSummarySchema>;

/** Per-asset overrides from the command line (reserves totals, blob digests), keyed by asset id. */
export interface CommitOverrides {
  reserves?: Map<number, bigint>;
  blobDigest?: Map<number, string>;
}

/** Validate a parsed summary; errors name the file and the field. */
export function parseSnapshotSummary(json: unknown, file = "summary.json"): SnapshotSummary {
  const parsed = snapshotSummarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
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
 * The commitments to post for a summary, sorted by asset id; reserves and blob digest come from the overrides
 * first, then the summary. A missing reserves total is an error (committing zero reserves declares insolvency).
 */
export function commitmentsFromSummary(summary: SnapshotSummary, overrides: CommitOverrides = {}): AssetCommitment[] {
  const seen = new Set<number>();
  const out = summary.assets.map((a) => {
    if (seen.has(a.asset)) throw new Error(`summary lists asset ${a.asset} twice`);
    seen.add(a.asset);
    const reserves = overrides.reserves?.get(a.asset) ?? a.reserves;
    if (reserves === undefined)
      throw new Error(`no reserves total for asset ${a.asset} (pass --reserves ${a.asset}=<amount>)`);
    return {
      asset: a.asset,
      rootHash: a.rootHash,
      rootSum: a.rootSum,
      reserves,
      blobDigest: overrides.blobDigest?.get(a.asset) ?? a.blobDigest ?? ZERO_DIGEST,
    };
  });
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
