// A private asset on the ledger (docs/protocol.md section 17.6): the `PrivateAssetCommitment` calldata that
// `CommitmentLedger.commitPrivate` and `respondToRequestPrivate` take, the context the ledger computes for it (the set
// id as subject), and the entry the ledger keeps in the set's digest, `(asset, rootHash, 0, 0, entry digest)`, which
// the quorum attests and a fraud proof supplies as for a public set.
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

import { setSubject } from "../consortium/attestation.js";
import type { PrivateAssetProof } from "./prove.js";
import type { PrivateContext } from "./pedersen.js";

const coder = AbiCoder.defaultAbiCoder();

/** `keccak256("por.private.entry.v1")`: the domain of a private asset's entry digest (CommitmentSets.sol). */
export const PRIVATE_ENTRY_DOMAIN = keccak256(toUtf8Bytes("por.private.entry.v1"));

/** The `ICommitmentLedger.PrivateAssetCommitment` struct, as ethers encodes it. */
export interface PrivateAssetCommitmentStruct {
  asset: number;
  rootHash: bigint;
  blobDigest: string;
  snark: bigint[];
  commitments: bigint[];
  eighths: bigint[];
  c: bigint;
  z: bigint;
}

/** The `ICommitmentLedger.AssetCommitment` the ledger keeps for a private asset (zero sums, the entry digest). */
export interface PrivateEntry {
  asset: number;
  rootHash: bigint;
  rootSum: bigint;
  reserves: bigint;
  blobDigest: string;
}

/** The context of a private asset of `member`'s set at `t` on `ledger` (the subject is the set id). */
export function ledgerContext(
  chainId: bigint,
  ledger: string,
  member: string,
  asset: number,
  t: bigint,
): PrivateContext {
  return { chainId, verifier: ledger, member, asset, t, subject: setSubject(member, t) };
}

/** The six commitment coordinates `[C_A, C_L, C_S]` of a proof, in calldata order. */
export function commitmentWords(proof: Pick<PrivateAssetProof, "commitments">): bigint[] {
  const cs = proof.commitments;
  return [...cs.assets, ...cs.liabilities, ...cs.surplus];
}

/** `keccak256(abi.encode(PRIVATE_ENTRY_DOMAIN, uint256[6] commitments, blobDigest))`. */
export function privateEntryDigest(commitments: readonly bigint[], blobDigest: string): string {
  if (commitments.length !== 6)
    throw new RangeError(`a private entry has 6 commitment words, not ${commitments.length}`);
  return keccak256(coder.encode(["bytes32", "uint256[6]", "bytes32"], [PRIVATE_ENTRY_DOMAIN, commitments, blobDigest]));
}

/** The calldata of one proven private asset. */
export function privateCommitmentOf(
  asset: number,
  rootHash: bigint,
  blobDigest: string,
  proof: PrivateAssetProof,
): PrivateAssetCommitmentStruct {
  const { a, b, c } = proof.privateAsset.proof;
  return {
    asset,
    rootHash,
    blobDigest,
    snark: [a[0], a[1], b[0][0], b[0][1], b[1][0], b[1][1], c[0], c[1]].map(BigInt),
    commitments: commitmentWords(proof),
    eighths: proof.eighths.flat(),
    c: proof.zeroDifference.c,
    z: proof.zeroDifference.z,
  };
}

/** The entry the ledger stores (and the quorum attests, and a fraud proof supplies) for a private asset. */
export function privateEntryOf(
  c: Pick<PrivateAssetCommitmentStruct, "asset" | "rootHash" | "blobDigest" | "commitments">,
): PrivateEntry {
  return {
    asset: c.asset,
    rootHash: c.rootHash,
    rootSum: 0n,
    reserves: 0n,
    blobDigest: privateEntryDigest(c.commitments, c.blobDigest),
  };
}
