// The fraud prover (docs/protocol.md, "Fraud-proof circuit" and "Fraud-proof file"): a user's signed record and
// the node at its slot -> a Groth16 LeafMismatch proof in the verifier's calldata format, or a refusal with a
// reason when the member honoured the record.
import { readFile } from "node:fs/promises";

import { loadCrypto } from "../crypto/index.js";
import { readRecordFile, recordOf } from "../records/file.js";
import { emptySubtrees, hashNode } from "../tree/index.js";
import { rebuildFromLeaves, type LeavesHeader } from "../tree/leaves.js";
import { parseSlotPathFile } from "./files.js";
import type { SignedRecord, SlotPath, TreeNode } from "./statement.js";

export { loadProverCrypto, type ProverCrypto } from "./crypto.js";
export {
  ProverInputError,
  fraudProofFileSchema,
  parseFraudProofFile,
  parseRootSumProofFile,
  parseSlotPathFile,
  rootSumProofFileSchema,
  slotPathFileSchema,
  toFraudProofStruct,
  type FraudProofFile,
  type FraudProofStruct,
  type RootSumProofFile,
  type SlotPathFile,
} from "./files.js";
export {
  FRAUD_CIRCUIT,
  ROOT_SUM_CIRCUIT,
  calldataProof,
  checkFraud,
  proveFraud,
  proveRootSum,
  pubSignalsOf,
  type ProofTimings,
  type ProveFraudInput,
  type ProveFraudOptions,
  type ProveRootSumInput,
  type ProverArtifacts,
} from "./prove.js";
export {
  FraudProofRefused,
  buildRootSumStatement,
  buildStatement,
  keyHashOf,
  malformedIndex,
  nullifierOf,
  packContext,
  pathNodes,
  recordMessage,
  unpackContext,
  type FraudKind,
  type FraudStatement,
  type RefusalReason,
  type RootSumStatement,
  type SignedRecord,
  type SlotPath,
  type TreeNode,
} from "./statement.js";

/** Reads a user's record file (`por.record` v2, src/records) as the signed record the prover needs. */
export async function readSignedRecord(path: string): Promise<SignedRecord> {
  const f = await readRecordFile(path);
  const r = recordOf(f);
  return {
    member: r.member,
    asset: BigInt(r.asset),
    t: r.t,
    slot: BigInt(r.slot),
    accountKey: r.accountKey,
    balance: r.balance,
    payoutHash: r.payoutHash,
    signature: { R8x: BigInt(f.signature.R8x), R8y: BigInt(f.signature.R8y), S: BigInt(f.signature.S) },
    publicKey: { Ax: BigInt(f.recordKey.Ax), Ay: BigInt(f.recordKey.Ay) },
  };
}

/** Reads a slot-path file (`por.slot-path` v1): the path and the root hash it claims, if any. */
export async function readSlotPath(path: string): Promise<{ path: SlotPath; rootHash?: bigint }> {
  return parseSlotPathFile(await readFile(path, "utf8"), path);
}

/**
 * Rebuilds the member's tree from its published leaves payload (src/tree/leaves.ts) and returns the path at
 * `slot` with the tree's root hash and the payload's header (member, asset, t, D, d).
 */
export async function slotPathFromLeaves(
  path: string,
  slot: bigint,
): Promise<{ path: SlotPath; rootHash: bigint; header: LeavesHeader }> {
  const crypto = await loadCrypto({ threads: 0 });
  try {
    const { header, tree } = await rebuildFromLeaves(crypto, await readFile(path));
    if (slot >= 1n << BigInt(header.depth)) {
      throw new RangeError(`${path}: slot ${slot} is outside the tree's depth ${header.depth}`);
    }
    let slotPath: SlotPath;
    if (slot < 1n << BigInt(header.slotBits)) {
      const proof = tree.proof(Number(slot));
      slotPath = { slot, leaf: proof.leaf, siblings: proof.siblings };
    } else {
      // A slot beyond the 2^d slot space (a signed slot there is itself a missing user): its subtree is empty up
      // to the level where it meets the slot space's subtree, whose nodes the path of slot 0 gives.
      const poseidon = (xs: readonly bigint[]): bigint => crypto.poseidon(xs);
      const empties = emptySubtrees(poseidon, header.depth);
      const p0 = tree.proof(0);
      const left: TreeNode[] = [p0.leaf];
      p0.siblings.forEach((sib, k) => left.push(hashNode(poseidon, left[k], sib)));
      const siblings = empties.slice(0, header.depth).map((e, k) => (slot >> BigInt(k) === 1n ? left[k] : e));
      slotPath = { slot, leaf: { h: 0n, s: 0n }, siblings };
    }
    return {
      path: slotPath,
      rootHash: tree.root.h,
      header,
    };
  } finally {
    await crypto.close();
  }
}
