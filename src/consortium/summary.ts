// Snapshot summary input of `ledger commit`: the liabilities engine's summary.json (`por.snapshot` version 1,
// schema in src/snapshot), turned into the ledger's per-asset commitments.
import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

import { keccak256 } from "ethers";

import { readBlobRefsFile } from "../poa/blob-refs.js";
import { readPoa } from "../poa/document.js";
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

/** The summary file of `path`: the path itself, or `<path>/summary.json` when it is a snapshot directory. */
export async function summaryFileOf(path: string): Promise<string> {
  const s = await stat(path).catch(() => undefined);
  return s?.isDirectory() === true ? join(path, "summary.json") : path;
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
      throw new Error(`no reserves total for asset ${a.id} (pass --poa <poa.json> or --reserves ${a.id}=<base units>)`);
    }
    let blobDigest = overrides.blobDigest?.get(a.id);
    if (blobDigest === undefined) {
      const path = join(dirname(summaryFile), a.leavesFile);
      try {
        blobDigest = keccak256(await readBlob(path));
      } catch (e) {
        throw new Error(
          `asset ${a.id}: cannot read ${path} for the blob digest (${e instanceof Error ? e.message : String(e)}); ` +
            `pass --refs <blob-refs.json> or --blob-digests ${a.id}=0x<keccak256 of the DA blob>`,
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

/**
 * Where the values of a commitment beyond the summary come from: the member's PoA (reserves: each asset's total),
 * its blob-refs file (blob digests: each blob's keccak256), or explicit `<id>=<value>,...` lists, which win.
 */
export interface CommitSources {
  /** The PoA file (`poa build --out`). */
  poa?: string;
  /** The blob-refs file (`poa build --refs`, default next to the PoA). */
  refs?: string;
  /** `<id>=<base units>,...`. */
  reserves?: string;
  /** `<id>=0x<keccak256>,...`. */
  blobDigests?: string;
}

function sameSnapshot(file: string, doc: { member: string; t: string }, summary: SnapshotSummary, what: string) {
  if (doc.member.toLowerCase() !== summary.member.toLowerCase() || BigInt(doc.t) !== BigInt(summary.t)) {
    throw new Error(
      `${file} is the ${what} of member ${doc.member} at t ${doc.t}; the summary is member ${summary.member}'s at t ${summary.t}`,
    );
  }
}

/** The overrides of {@link commitmentsFromSummary} from the PoA, the blob-refs file and the explicit lists. */
export async function commitOverridesFrom(summary: SnapshotSummary, sources: CommitSources): Promise<CommitOverrides> {
  const reserves = new Map<number, bigint>();
  const blobDigest = new Map<number, string>();
  if (sources.poa !== undefined && sources.poa !== "") {
    const poa = await readPoa(sources.poa);
    sameSnapshot(sources.poa, poa, summary, "PoA");
    for (const a of poa.assets) reserves.set(a.asset, BigInt(a.total));
  }
  if (sources.refs !== undefined && sources.refs !== "") {
    const refs = await readBlobRefsFile(sources.refs);
    sameSnapshot(sources.refs, refs, summary, "blob-refs file");
    for (const b of refs.blobs) blobDigest.set(b.asset, b.ref.keccak256);
  }
  const decimal = (v: string) => {
    if (!/^(0|[1-9][0-9]*)$/.test(v)) throw new Error(`--reserves: ${v} is not a decimal integer`);
    return BigInt(v);
  };
  const hex32 = (v: string) => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new Error(`--blob-digests: ${v} is not a 32-byte 0x hex`);
    return v;
  };
  for (const [asset, v] of parseAssetMap(sources.reserves ?? "", decimal, "--reserves")) reserves.set(asset, v);
  for (const [asset, v] of parseAssetMap(sources.blobDigests ?? "", hex32, "--blob-digests")) blobDigest.set(asset, v);
  return { reserves, blobDigest };
}
