// A member's private asset, end to end (docs/protocol.md section 17.6): from the asset's root, its public-format blob
// (PoA and leaves) and the reserves it claims, the proofs (provePrivateAsset, under the ledger's context with the
// set id as subject), the encrypted PORP blob sealed to the registry's recipients at t, and the calldata of
// `commitPrivate` / `respondToRequestPrivate`.
import type { ContractRunner } from "ethers";

import { rootChildren, type SumTree } from "../tree/index.js";
import type { BlobRecipient } from "./blob.js";
import { privateBlobDigest } from "./blob.js";
import { ledgerContext, privateCommitmentOf, type PrivateAssetCommitmentStruct } from "./ledger.js";
import { provePrivateAsset, type PrivateAssetProof, type RootChildren } from "./prove.js";
import { sealPrivateBlobForOperators } from "./recipients.js";

/** The root's two children of `tree` (what RootCommitment proves `rootHash` to be the hash of). */
export function rootChildrenOf(poseidon: (xs: readonly bigint[]) => bigint, tree: SumTree): RootChildren {
  const { left, right } = rootChildren(poseidon, tree);
  return { hL: left.h, sL: left.s, hR: right.h, sR: right.s };
}

/** What one private asset needs. */
export interface PrivateAssetBuildInput {
  /** Reads the registry (the blob's recipients at t). */
  runner: ContractRunner;
  chainId: bigint;
  ledger: string;
  registry: string;
  member: string;
  t: bigint;
  asset: number;
  /** The committed root hash and its two children (the snapshot summary's `rootChildren`, or {@link rootChildrenOf}). */
  rootHash: bigint;
  children: RootChildren;
  /** The asset's blob in the public format (PORB: the PoA and the leaves payload), encrypted inside the PORP blob. */
  inner: Uint8Array;
  /** The reserves A committed in C_A: the PoA's verified total (at least the liabilities). */
  reserves: bigint;
}

/** A proven and sealed private asset. */
export interface PrivateAssetBuild {
  commitment: PrivateAssetCommitmentStruct;
  /** The PORP blob to publish (its keccak256 is `commitment.blobDigest`). */
  blob: Uint8Array;
  proof: PrivateAssetProof;
  recipients: BlobRecipient[];
}

/** Proves one private asset and seals its blob to the operators with an encryption key in force at t. */
export async function buildPrivateAsset(o: PrivateAssetBuildInput): Promise<PrivateAssetBuild> {
  const proof = await provePrivateAsset({
    ctx: ledgerContext(o.chainId, o.ledger, o.member, o.asset, o.t),
    rootHash: o.rootHash,
    children: o.children,
    reserves: o.reserves,
  });
  const { blob, recipients } = await sealPrivateBlobForOperators(
    o.runner,
    o.registry,
    { inner: o.inner, openings: proof.openings },
    { chainId: o.chainId, ledger: o.ledger, member: o.member, asset: o.asset, t: o.t },
  );
  return {
    commitment: privateCommitmentOf(o.asset, o.rootHash, privateBlobDigest(blob), proof),
    blob,
    proof,
    recipients,
  };
}
