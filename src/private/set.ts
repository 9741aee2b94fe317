// A member's private set from a private-mode snapshot (docs/protocol.md section 17.6): for every asset of the
// summary, the public-format blob (the PoA's asset and the leaves file) becomes the inner blob of a PORP blob sealed
// to the registry's recipients at t, and the asset is proven (PrivateAsset SNARK, zero-difference proof) with the
// PoA's total as the reserves A. The member keeps the openings and proofs in a file next to the summary
// (`private-openings-<chainId>.json`): the openings are secret (only the operators read them, from the blob).
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import type { ContractRunner } from "ethers";

import type { BlobRef, BlobStore } from "../blobstore/index.js";
import type { SnapshotSummary } from "../consortium/summary.js";
import { writeFileAtomic } from "../files/index.js";
import { encodeAssetBlob, type PoaDocument } from "../poa/index.js";
import { buildPrivateAsset, type PrivateAssetBuild } from "./member.js";

/** A private set could not be built from the snapshot; names the file and the asset. */
export class PrivateSetInputError extends Error {
  override name = "PrivateSetInputError";
}

/** What {@link privateSetFromSnapshot} needs. */
export interface PrivateSetInput {
  runner: ContractRunner;
  chainId: bigint;
  ledger: string;
  registry: string;
  summary: SnapshotSummary;
  summaryFile: string;
  poa: PoaDocument;
}

/** Builds every asset of a private-mode snapshot, ascending by asset id. */
export async function privateSetFromSnapshot(o: PrivateSetInput): Promise<PrivateAssetBuild[]> {
  const { summary, summaryFile, poa } = o;
  const fail = (m: string) => new PrivateSetInputError(`${summaryFile}: ${m}`);
  if (summary.private !== true) throw fail("not a private-mode snapshot (take it with snapshot --private)");
  if (poa.member.toLowerCase() !== summary.member.toLowerCase() || BigInt(poa.t) !== BigInt(summary.t)) {
    throw fail(
      `the PoA is member ${poa.member}'s at t ${poa.t}, the snapshot member ${summary.member}'s at ${summary.t}`,
    );
  }
  if (BigInt(poa.chainId) !== o.chainId || poa.ledger.toLowerCase() !== o.ledger.toLowerCase()) {
    throw fail(`the PoA is for chain ${poa.chainId} and ledger ${poa.ledger}, not this deployment's`);
  }
  const out: PrivateAssetBuild[] = [];
  for (const a of [...summary.assets].sort((x, y) => x.id - y.id)) {
    if (a.rootChildren === undefined) throw fail(`asset ${a.id} has no rootChildren`);
    const proven = poa.assets.find((p) => p.asset === a.id);
    if (proven === undefined) throw fail(`the PoA proves no reserves for asset ${a.id}`);
    const leavesPath = join(dirname(summaryFile), a.leavesFile);
    const leaves = await readFile(leavesPath).catch((e: unknown) => {
      throw fail(`asset ${a.id}: cannot read ${leavesPath} (${(e as Error).message})`);
    });
    const c = a.rootChildren;
    const build = await buildPrivateAsset({
      runner: o.runner,
      chainId: o.chainId,
      ledger: o.ledger,
      registry: o.registry,
      member: poa.member,
      t: BigInt(summary.t),
      asset: a.id,
      rootHash: BigInt(a.rootHash),
      children: { hL: BigInt(c.hL), sL: BigInt(c.sL), hR: BigInt(c.hR), sR: BigInt(c.sR) },
      inner: encodeAssetBlob(poa, a.id, leaves),
      reserves: BigInt(proven.total),
    });
    out.push(build);
  }
  return out;
}

/** The file of a snapshot's private openings and proofs on chain `chainId`, next to its summary. */
export function privateOpeningsFileOf(summaryFile: string, chainId: bigint): string {
  return join(dirname(summaryFile), `private-openings-${chainId}.json`);
}

/**
 * Writes the openings, commitments, proofs and blob digests of `builds` (atomically, replacing an earlier attempt's:
 * the caller checks first that nothing is committed for t). Secret: the blindings open the member's commitments.
 */
export async function writePrivateOpenings(
  file: string,
  o: { chainId: bigint; ledger: string; member: string; t: bigint; requestId: bigint },
  builds: readonly PrivateAssetBuild[],
): Promise<void> {
  const dec = (v: bigint) => v.toString();
  const doc = {
    format: "por.private-openings",
    version: 1,
    chainId: dec(o.chainId),
    ledger: o.ledger,
    member: o.member,
    t: dec(o.t),
    requestId: dec(o.requestId),
    assets: builds.map((b) => ({
      asset: b.commitment.asset,
      rootHash: dec(b.commitment.rootHash),
      blobDigest: b.commitment.blobDigest,
      recipients: b.recipients.map((r) => r.operator),
      openings: Object.fromEntries(Object.entries(b.proof.openings).map(([k, v]) => [k, dec(v as bigint)])),
      commitments: b.commitment.commitments.map(dec),
      eighths: b.commitment.eighths.map(dec),
      snark: b.commitment.snark.map(dec),
      zeroDifference: { c: dec(b.commitment.c), z: dec(b.commitment.z) },
    })),
  };
  await writeFileAtomic(file, JSON.stringify(doc, null, 2) + "\n", { overwrite: true });
}

/**
 * Builds a private-mode snapshot's set, stores each PORP blob in `store` (its digest checked against the committed
 * one) and writes the openings file; returns the calldata for `commitPrivate` / `respondToRequestPrivate`, the blobs'
 * refs and the openings file. Nothing is sent.
 */
export async function preparePrivateSet(
  o: PrivateSetInput & { store: BlobStore; requestId: bigint },
): Promise<{ builds: PrivateAssetBuild[]; refs: Array<{ asset: number; ref: BlobRef }>; openingsFile: string }> {
  const builds = await privateSetFromSnapshot(o);
  const refs: Array<{ asset: number; ref: BlobRef }> = [];
  for (const b of builds) {
    const ref = await o.store.put(b.blob);
    if (ref.keccak256.toLowerCase() !== b.commitment.blobDigest.toLowerCase()) {
      throw new PrivateSetInputError(
        `asset ${b.commitment.asset}: the store gave back digest ${ref.keccak256}, not ${b.commitment.blobDigest}`,
      );
    }
    refs.push({ asset: b.commitment.asset, ref });
  }
  const openingsFile = privateOpeningsFileOf(o.summaryFile, o.chainId);
  await writePrivateOpenings(
    openingsFile,
    { chainId: o.chainId, ledger: o.ledger, member: o.poa.member, t: BigInt(o.summary.t), requestId: o.requestId },
    builds,
  );
  return { builds, refs, openingsFile };
}
