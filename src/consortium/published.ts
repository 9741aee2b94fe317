// What a member published on-chain. The ledger stores one word per commitment set (its status and the top 184 bits
// of its digest); every asset's root hash, root sum, reserves and blob digest are in the RootCommitted events, which
// are read here and checked against that digest, so a reader never trusts an event the ledger did not commit to.
import { Contract, type ContractRunner } from "ethers";

import type { CommitmentLedger } from "../../types/ethers-contracts/index.js";
import { setStatusName } from "../chain/enums.js";
import { ADJUDICATOR_ABI, COMMITMENT_LEDGER_ABI, CONSORTIUM_REGISTRY_ABI, SetStatus } from "../generated/abi.js";
import { privateEntryDigest } from "../private/ledger.js";
import { rootsDigest, setBlobDigest, setDigest, type AssetCommitment } from "./attestation.js";

/** A private asset's commitments as the ledger emitted them (PrivateRootCommitted), checked against its entry. */
export interface PrivateAssetRecord {
  asset: number;
  /** `[C_A.x, C_A.y, C_L.x, C_L.y, C_S.x, C_S.y]`. */
  commitments: bigint[];
  /** keccak256 of the encrypted blob (the set's entry holds the entry digest over this and the commitments). */
  blobDigest: string;
}

/** The PrivateRootCommitted events of `(member, t)`, ascending by asset (not yet checked). */
export async function privateAssetsOf(
  runner: ContractRunner | null,
  ledger: string,
  member: string,
  t: bigint,
): Promise<PrivateAssetRecord[]> {
  const l = new Contract(ledger, COMMITMENT_LEDGER_ABI, runner);
  const logs = await l.queryFilter(l.filters.PrivateRootCommitted(member, null, t), 0, "latest");
  const out: PrivateAssetRecord[] = [];
  for (const log of logs) {
    if (!("args" in log)) continue;
    const a = log.args;
    out.push({ asset: Number(a[1]), commitments: [...(a[3] as bigint[])], blobDigest: a[4] as string });
  }
  return out.sort((x, y) => x.asset - y.asset);
}

/** The commitments of `(member, t)` from the ledger's RootCommitted events, ascending by asset (not yet checked). */
export async function commitmentsOf(
  runner: ContractRunner | null,
  ledger: string,
  member: string,
  t: bigint,
): Promise<AssetCommitment[]> {
  const l = new Contract(ledger, COMMITMENT_LEDGER_ABI, runner);
  const logs = await l.queryFilter(l.filters.RootCommitted(member, null, t), 0, "latest");
  const out: AssetCommitment[] = [];
  for (const log of logs) {
    if (!("args" in log)) continue;
    const a = log.args;
    out.push({
      asset: Number(a[1]),
      rootHash: a[3] as bigint,
      rootSum: a[4] as bigint,
      reserves: a[5] as bigint,
      blobDigest: a[6] as string,
    });
  }
  return out.sort((x, y) => x.asset - y.asset);
}

/** Thrown by {@link committedSet} when the member committed no set at `t` on this chain. */
export class NoCommittedSetError extends Error {
  override name = "NoCommittedSetError";
}

/** A commitment set as committed: its events, checked against the stored digest, and its status. */
export interface CommittedSet {
  commitments: AssetCommitment[];
  /** The set's digests (what an attestation signs), computed from the commitments. */
  rootsDigest: string;
  blobDigest: string;
  /** `ICommitmentLedger.SetStatus` (see SetStatus). */
  status: number;
  /** Asset ids proven fraudulent (the ledger's adjudicator's FraudProven events of the set), ascending. */
  fraudulentAssets: number[];
  /** A private set (docs/protocol.md section 17): its entries carry zero sums and an entry digest. */
  isPrivate: boolean;
  /** A private set's commitments per asset, each checked against its entry (empty for a public set). */
  privateAssets: PrivateAssetRecord[];
}

/**
 * Reads the set `(member, t)` and checks its RootCommitted events against the ledger's stored digest; throws in words
 * when there is no set or the events do not match it (an incomplete or reorganised log view: try again later).
 */
export async function committedSet(
  runner: ContractRunner | null,
  ledger: string,
  member: string,
  t: bigint,
): Promise<CommittedSet> {
  const l = new Contract(ledger, COMMITMENT_LEDGER_ABI, runner);
  const set = (await l.getFunction("setOf")(member, t)) as {
    status: bigint;
    assetCount: bigint;
    digest: string;
    isPrivate: boolean;
  };
  if (Number(set.status) === SetStatus.None) {
    throw new NoCommittedSetError(`member ${member} committed no set at t ${t} on this chain`);
  }
  const commitments = await commitmentsOf(runner, ledger, member, t);
  const rd = rootsDigest(commitments);
  const bd = setBlobDigest(commitments);
  if (commitments.length !== Number(set.assetCount) || setDigest(rd, bd) !== set.digest.toLowerCase()) {
    throw new Error(
      `the RootCommitted events of member ${member} at t ${t} (${commitments.length} assets) do not match the ` +
        `set the ledger stores (${set.assetCount} assets, digest ${set.digest})`,
    );
  }
  // Only a Fraudulent set has any (a proven fraud is the only way in, and the status never leaves it).
  const fraudulentAssets =
    Number(set.status) === SetStatus.Fraudulent
      ? await fraudulentAssetsOf(runner, (await l.getFunction("adjudicator")()) as string, member, t)
      : [];
  const privateAssets = set.isPrivate ? await privateAssetsOf(runner, ledger, member, t) : [];
  if (set.isPrivate) {
    const matches =
      privateAssets.length === commitments.length &&
      privateAssets.every(
        (p, i) =>
          p.asset === commitments[i].asset &&
          privateEntryDigest(p.commitments, p.blobDigest) === commitments[i].blobDigest.toLowerCase(),
      );
    if (!matches) {
      throw new Error(
        `the PrivateRootCommitted events of member ${member} at t ${t} do not match the entries of its private set`,
      );
    }
  }
  return {
    commitments,
    rootsDigest: rd,
    blobDigest: bd,
    status: Number(set.status),
    fraudulentAssets,
    isPrivate: set.isPrivate,
    privateAssets,
  };
}

/**
 * Asset ids of the set `(member, t)` proven fraudulent, ascending: from the FraudProven events of `adjudicator` (the
 * ledger's `adjudicator()`), which index the member and the asset and carry t in their data. A zero adjudicator (none
 * set yet) has proven nothing.
 */
export async function fraudulentAssetsOf(
  runner: ContractRunner | null,
  adjudicator: string,
  member: string,
  t: bigint,
): Promise<number[]> {
  if (BigInt(adjudicator) === 0n) return [];
  const a = new Contract(adjudicator, ADJUDICATOR_ABI, runner);
  const proven = await a.queryFilter(a.filters.FraudProven(member), 0, "latest");
  const assets = proven.flatMap((log) => ("args" in log && (log.args[3] as bigint) === t ? [Number(log.args[2])] : []));
  return [...new Set(assets)].sort((x, y) => x - y);
}

/** What a member published for one tree: the committed root, its reserves, and the key hash valid at `t`. */
export interface PublishedTree {
  root: { h: bigint; s: bigint };
  keyHash: bigint;
  reserves: bigint;
  fraudulent: boolean;
  /** keccak256 of the asset's DA blob (its PoA and leaves), 0x hex; zero when the member committed none. */
  blobDigest: string;
  /**
   * A private set (docs/protocol.md section 17): `root.s` and `reserves` are 0 on-chain (the sums are committed in
   * C_L and C_A), so only `root.h` is the published root; `blobDigest` is the encrypted blob's.
   */
  isPrivate: boolean;
}

/** The root a user's path must reach: the published hash and sum; a private set's sum is hidden (undefined). */
export function expectedRootOf(p: PublishedTree): { h: bigint; s: bigint | undefined } {
  return { h: p.root.h, s: p.isPrivate ? undefined : p.root.s };
}

/** Reads the published commitment of `(member, asset, t)`; throws in words when there is none. */
export async function publishedTree(
  runner: ContractRunner | null,
  addresses: { ledger: string; registry: string },
  member: string,
  asset: number,
  t: bigint,
): Promise<PublishedTree> {
  let set: CommittedSet;
  try {
    set = await committedSet(runner, addresses.ledger, member, t);
  } catch (e) {
    if (e instanceof NoCommittedSetError) {
      throw new Error(`member ${member} committed no root for asset ${asset} at t ${t} on this chain`);
    }
    throw e;
  }
  const c = set.commitments.find((x) => x.asset === asset);
  if (c === undefined) throw new Error(`member ${member} committed no root for asset ${asset} at t ${t} on this chain`);
  const registry = new Contract(addresses.registry, CONSORTIUM_REGISTRY_ABI, runner);
  const priv = set.isPrivate ? set.privateAssets.find((x) => x.asset === asset) : undefined;
  return {
    root: { h: c.rootHash, s: c.rootSum },
    keyHash: (await registry.getFunction("keyHashAt")(member, t)) as bigint,
    reserves: c.reserves,
    fraudulent: set.fraudulentAssets.includes(asset),
    blobDigest: priv?.blobDigest ?? c.blobDigest,
    isPrivate: set.isPrivate,
  };
}

/** A member's most recently committed set: its time and status (a `SetStatus` name). */
export interface LatestSet {
  t: bigint;
  status: string;
}

/**
 * The set the member committed last (its last `SetCommitted` event, which need not have the highest t: an answer to a
 * proof request may commit an older t) and its status now; undefined when the member never committed one.
 */
export async function latestSetOf(
  ledger: Pick<CommitmentLedger, "queryFilter" | "filters" | "setOf">,
  member: string,
  fromBlock = 0,
): Promise<LatestSet | undefined> {
  const sets = await ledger.queryFilter(ledger.filters.SetCommitted(member), fromBlock);
  const last = sets.at(-1);
  if (last === undefined) return undefined;
  const { t } = last.args;
  return { t, status: setStatusName((await ledger.setOf(member, t)).status) };
}
