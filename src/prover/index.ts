// The fraud prover (docs/protocol.md, "Fraud-proof circuit" and "Fraud-proof file"): a user's signed record and
// the node at its slot -> a Groth16 LeafMismatch proof in the verifier's calldata format, or a refusal with a
// reason when the member honoured the record.
import { readFile } from "node:fs/promises";

import { loadCrypto } from "../crypto/index.js";
import { readRecordFile } from "../records/file.js";
import type { LeavesHeader } from "../tree/leaves.js";
import { signedRecordOf } from "./document.js";
import { parseSlotPathFile } from "./files.js";
import { slotPathInLeaves } from "./leaves-path.js";
import type { SignedRecord, SlotPath } from "./statement.js";

export { loadProverCrypto, proverCryptoFrom, type ProverCrypto } from "./crypto.js";
export { fraudProofFileOf, signedRecordOf } from "./document.js";
export { slotPathInLeaves } from "./leaves-path.js";
export {
  ProverInputError,
  fraudProofFileSchema,
  PRIVATE_SLOT_PATH_FORMAT,
  PRIVATE_SLOT_PATH_VERSION,
  parseFraudProofFile,
  parsePrivateSlotPathFile,
  parseRootSumProofFile,
  privateSlotPathFileSchema,
  parseSlotPathFile,
  rootSumProofFileSchema,
  slotPathFileSchema,
  toFraudProofStruct,
  type FraudProofFile,
  type FraudProofStruct,
  type PrivateSlotPathFile,
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
  return signedRecordOf(await readRecordFile(path));
}

/** Reads a slot-path file (`por.slot-path` v1): the path and the root hash it claims, if any. */
export async function readSlotPath(path: string): Promise<{ path: SlotPath; rootHash?: bigint }> {
  return parseSlotPathFile(await readFile(path, "utf8"), path);
}

/**
 * Rebuilds the member's tree from its published leaves payload file (src/tree/leaves.ts) and returns the path at
 * `slot` with the tree's root hash and the payload's header (member, asset, t, D, d).
 */
export async function slotPathFromLeaves(
  path: string,
  slot: bigint,
): Promise<{ path: SlotPath; rootHash: bigint; header: LeavesHeader }> {
  const bytes = await readFile(path);
  const crypto = await loadCrypto({ threads: 0 });
  try {
    return await slotPathInLeaves(crypto, bytes, slot, path);
  } finally {
    await crypto.close();
  }
}
