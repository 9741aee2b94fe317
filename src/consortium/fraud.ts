// Fraud-proof input of the Adjudicator. The file format (`por.fraud-proof` v2) belongs to the prover (src/prover);
// this module reads it into `IAdjudicator.FraudProof` and packs the circuit's `context` signal the way
// contracts/libraries/LeafMismatchProof.sol does.
import { readFile } from "node:fs/promises";

import { parseFraudProofFile, toFraudProofStruct, type FraudProofStruct } from "../prover/files.js";

export type { FraudProofStruct };

/** `context = asset + t * 2^32 + claim * 2^96`, the circuit's packed public signal (LeafMismatchProof.packContext). */
export function packContext(asset: bigint | number, t: bigint, claim: bigint): bigint {
  const a = BigInt(asset);
  if (a < 0n || a >= 1n << 32n) throw new RangeError(`asset ${a} is not a 32-bit id`);
  if (t < 0n || t >= 1n << 64n) throw new RangeError(`t ${t} is not a 64-bit time`);
  if (claim < 0n || claim >= 1n << 96n) throw new RangeError(`claim ${claim} is not below 2^96`);
  return a + (t << 32n) + (claim << 96n);
}

/** The five public signals `[rootHash, keyHash, context, nullifier, payoutHash]` of a fraud proof (the member is
 * private in the circuit: the registry names it through the key hash). */
export function fraudPublicSignals(p: FraudProofStruct): [bigint, bigint, bigint, bigint, bigint] {
  return [p.rootHash, p.keyHash, packContext(p.asset, p.t, p.claim), p.nullifier, p.payoutHash];
}

/** The two public signals `[rootHash, rootSum]` of a `RootSumMismatch` proof (IRootSumMismatchVerifier). */
export function rootSumPublicSignals(rootHash: bigint, rootSum: bigint): [bigint, bigint] {
  return [rootHash, rootSum];
}

/** Parse a `fraud prove` output (text) into the contract struct; errors name the file and the field. */
export function fraudProofFromText(text: string, file = "fraud-proof.json"): FraudProofStruct {
  return toFraudProofStruct(parseFraudProofFile(text, file));
}

/** Read a `fraud prove` output file into the contract struct. */
export async function readFraudProof(file: string): Promise<FraudProofStruct> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: not readable (${e instanceof Error ? e.message : String(e)})`);
  }
  return fraudProofFromText(text, file);
}
