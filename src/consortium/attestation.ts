// Commitment digests, attestation subjects and EIP-712 quorum signatures of the CommitmentLedger
// (docs/protocol.md, "Contracts: commitments, requests, quorum, adjudication, reputation").
import {
  AbiCoder,
  Signature,
  TypedDataEncoder,
  concat,
  keccak256,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

import type { TypedDataSigner } from "../chain/index.js";
import { Verdict } from "../generated/abi.js";

/** EIP-712 domain name of the CommitmentLedger. */
export const LEDGER_DOMAIN_NAME = "PoR CommitmentLedger";
/** EIP-712 domain version of the CommitmentLedger. */
export const LEDGER_DOMAIN_VERSION = "1";

/** A quorum verdict: the contract's `ICommitmentLedger.Verdict` enum. */
export { Verdict };

/** One asset's commitment for a snapshot, as `ICommitmentLedger.AssetCommitment`. */
export interface AssetCommitment {
  asset: number;
  rootHash: bigint;
  rootSum: bigint;
  reserves: bigint;
  blobDigest: string;
}

/** EIP-712 types of an operator's attestation. */
export const ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  Attestation: [
    { name: "subject", type: "bytes32" },
    { name: "verdict", type: "uint8" },
    { name: "rootsDigest", type: "bytes32" },
    { name: "blobDigest", type: "bytes32" },
  ],
};

/** The attestation message an operator signs. */
export interface Attestation {
  subject: string;
  verdict: Verdict;
  rootsDigest: string;
  blobDigest: string;
}

const coder = AbiCoder.defaultAbiCoder();
const COMMITMENT_TUPLE = "tuple(uint32 asset,uint256 rootHash,uint128 rootSum,uint128 reserves,bytes32 blobDigest)[]";

/** Sort commitments by asset id ascending, as the ledger requires. */
export function sortCommitments(commitments: readonly AssetCommitment[]): AssetCommitment[] {
  return [...commitments].sort((x, y) => x.asset - y.asset);
}

/** `keccak256(abi.encode(AssetCommitment[]))` over the array as committed (asset ids ascending). */
export function rootsDigest(commitments: readonly AssetCommitment[]): string {
  return keccak256(
    coder.encode(
      [COMMITMENT_TUPLE],
      [commitments.map((c) => [c.asset, c.rootHash, c.rootSum, c.reserves, c.blobDigest])],
    ),
  );
}

/** `keccak256(abi.encodePacked(blobDigest_0, ..., blobDigest_n-1))`. */
export function setBlobDigest(commitments: readonly AssetCommitment[]): string {
  return keccak256(concat(commitments.map((c) => c.blobDigest)));
}

/** Bits the ledger keeps of a set's digest: all but the low 72, where its storage word holds the set's metadata. */
const SET_DIGEST_MASK = ((1n << 256n) - 1n) ^ ((1n << 72n) - 1n);

/**
 * The digest `CommitmentLedger.setOf(member, t).digest` returns for a set with these digests:
 * `keccak256(abi.encode(rootsDigest, blobDigest))` with its low 72 bits cleared (184 bits bind the attestation).
 */
export function setDigest(rootsDigest: string, blobDigest: string): string {
  const full = BigInt(keccak256(coder.encode(["bytes32", "bytes32"], [rootsDigest, blobDigest])));
  return "0x" + (full & SET_DIGEST_MASK).toString(16).padStart(64, "0");
}

/** The attestation subject of a commitment set: `keccak256(abi.encode(member, t))`. */
export function setSubject(member: string, t: bigint): string {
  return keccak256(coder.encode(["address", "uint64"], [member, t]));
}

/** The attestation subject of a request: `keccak256(abi.encode(member, t, requestId))`. */
export function requestSubject(member: string, t: bigint, requestId: bigint): string {
  return keccak256(coder.encode(["address", "uint64", "uint256"], [member, t, requestId]));
}

/** The CommitmentLedger's EIP-712 domain on `chainId` at `ledger`. */
export function ledgerDomain(chainId: bigint, ledger: string): TypedDataDomain {
  return { name: LEDGER_DOMAIN_NAME, version: LEDGER_DOMAIN_VERSION, chainId, verifyingContract: ledger };
}

/** The EIP-712 digest of an attestation (equals the ledger's `attestationDigest`). */
export function attestationDigest(domain: TypedDataDomain, attestation: Attestation): string {
  return TypedDataEncoder.hash(domain, ATTESTATION_TYPES, { ...attestation, verdict: Number(attestation.verdict) });
}

/** A signature with the address that made it. */
export interface SignedAttestation {
  signer: string;
  signature: string;
}

/** Sign an attestation with an operator key (an ethers Wallet or a Hardhat signer). */
export async function signAttestation(
  signer: TypedDataSigner & { getAddress(): Promise<string> },
  domain: TypedDataDomain,
  attestation: Attestation,
): Promise<SignedAttestation> {
  const signature = await signer.signTypedData(domain, ATTESTATION_TYPES, {
    ...attestation,
    verdict: Number(attestation.verdict),
  });
  return { signer: await signer.getAddress(), signature };
}

/**
 * Pack signatures as the ledger takes them: 65-byte `r || s || v`, sorted by signer address ascending. Refuses a
 * duplicate signer (the contract would refuse it too).
 */
export function packSignatures(signed: readonly SignedAttestation[]): string {
  const sorted = [...signed].sort((x, y) => {
    const a = BigInt(x.signer);
    const b = BigInt(y.signer);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  for (let i = 1; i < sorted.length; i++) {
    if (BigInt(sorted[i].signer) === BigInt(sorted[i - 1].signer)) {
      throw new Error(`duplicate attestation signer ${sorted[i].signer}`);
    }
  }
  return concat(sorted.map((s) => Signature.from(s.signature).serialized));
}
