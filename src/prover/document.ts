// The prover's documents, with no Node built-in (the web page proves in the browser with them): a record file as the
// signed record the statement takes, and a checked statement plus its Groth16 proof as the `por.fraud-proof` v3
// document (docs/protocol.md "Fraud-proof file") that `fraud submit` reads and the Adjudicator verifies.
import type { Groth16Proof } from "snarkjs";

import { recordOf, type RecordFile } from "../records/record-file.js";
import type { FraudProofFile } from "./files.js";
import type { FraudStatement, SignedRecord } from "./statement.js";

/** The production fraud-proof circuit instance (circuits/instances.ts). */
export const FRAUD_CIRCUIT = "LeafMismatch32";

/** A 160-bit integer as a 0x address (lowercase). */
export function address(v: bigint): string {
  return `0x${v.toString(16).padStart(40, "0")}`;
}

/** The Groth16 proof in the verifier's calldata order: B's coordinate pairs swapped as Solidity expects. */
export function calldataProof(proof: Groth16Proof): FraudProofFile["proof"] {
  const [a, b, c] = [proof.pi_a, proof.pi_b, proof.pi_c];
  return {
    a: [a[0], a[1]],
    b: [
      [b[0][1], b[0][0]],
      [b[1][1], b[1][0]],
    ],
    c: [c[0], c[1]],
  };
}

/**
 * The five public signals in the verifier's order: rootHash, keyHash, context, nullifier, payoutHash (the accused
 * member is not one: the circuit keeps it private and the registry names it through the key hash).
 */
export function pubSignalsOf(s: FraudStatement): FraudProofFile["pubSignals"] {
  return [s.rootHash, s.keyHash, s.context, s.nullifier, s.payoutHash].map((v) => v.toString()) as [
    string,
    string,
    string,
    string,
    string,
  ];
}

/** A user's record file (`por.record` v2) as the signed record the statement takes. */
export function signedRecordOf(f: RecordFile): SignedRecord {
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

/** The `por.fraud-proof` v3 document of a checked statement and its proof. */
export function fraudProofFileOf(circuit: string, statement: FraudStatement, proof: Groth16Proof): FraudProofFile {
  return {
    format: "por.fraud-proof",
    version: 3,
    circuit,
    kind: statement.kind,
    proof: calldataProof(proof),
    publicSignals: {
      rootHash: statement.rootHash.toString(),
      keyHash: statement.keyHash.toString(),
      member: address(statement.member),
      asset: Number(statement.asset),
      t: statement.t.toString(),
      claim: statement.claim.toString(),
      context: statement.context.toString(),
      nullifier: statement.nullifier.toString(),
      payoutHash: statement.payoutHash.toString(),
    },
    pubSignals: pubSignalsOf(statement),
  };
}
