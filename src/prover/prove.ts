// Proves a LeafMismatch or RootSumMismatch statement with snarkjs Groth16 and formats the result for the verifier
// contract.
import { readFile } from "node:fs/promises";

import * as snarkjs from "snarkjs";

import { circuitArtifacts, findInstance, sharedCurve } from "../circuits/index.js";
import { loadProverCrypto } from "./crypto.js";
import {
  FRAUD_CIRCUIT as DEFAULT_FRAUD_CIRCUIT,
  address,
  calldataProof,
  fraudProofFileOf,
  pubSignalsOf,
} from "./document.js";
import type { FraudProofFile, RootSumProofFile } from "./files.js";
import {
  FraudProofRefused,
  buildRootSumStatement,
  buildStatement,
  type FraudStatement,
  type RootSumStatement,
  type SignedRecord,
  type SlotPath,
} from "./statement.js";

export { FRAUD_CIRCUIT } from "./document.js";
export { calldataProof, pubSignalsOf };
/** The root-sum fraud-proof circuit instance. */
export const ROOT_SUM_CIRCUIT = "RootSumMismatch";

/** Proving artifacts: the witness generator, proving key and verifying key (absolute paths). */
export interface ProverArtifacts {
  wasm: string;
  zkey: string;
  vkey: string;
}

/** What to prove. */
export interface ProveFraudInput {
  record: SignedRecord;
  /** The node at the record's slot in the committed tree and its siblings (D levels). */
  path: SlotPath;
  /** The committed root hash, when known: the path must reach it. */
  expectedRoot?: bigint;
}

/** Options of {@link proveFraud}. */
export interface ProveFraudOptions {
  /** Circuit instance name (default LeafMismatch32); its first parameter is the depth D. */
  circuit?: string;
  /** Artifacts to use instead of the pipeline's cached development ones. */
  artifacts?: ProverArtifacts;
}

/** Timings of one proof, in milliseconds. */
export interface ProofTimings {
  witnessAndProve: number;
  verify: number;
}

/** Checks the statement (refusing when there is no fraud) without proving. */
export async function checkFraud(input: ProveFraudInput, circuit = DEFAULT_FRAUD_CIRCUIT): Promise<FraudStatement> {
  const depth = findInstance(circuit).params[0];
  const crypto = await loadProverCrypto();
  return buildStatement(crypto, depth, input.record, input.path, input.expectedRoot);
}

/**
 * Proves `circuitInput` with Groth16, checks that the circuit returns exactly `expected` as its public signals and
 * that the proof verifies against the verifying key.
 */
/**
 * Proves `circuitInput` with Groth16, checks that the public signals are `expected` (in order) and that the proof
 * verifies against the verifying key; `refuse` makes the error of a proof that does not (mismatched artifacts).
 */
export async function groth16(
  circuit: string,
  circuitInput: Record<string, string | string[]>,
  expected: readonly string[],
  artifacts: ProverArtifacts,
  refuse: (reason: string) => Error = (reason) => new FraudProofRefused("no-fraud", reason),
): Promise<{ proof: snarkjs.Groth16Proof; timings: ProofTimings }> {
  await sharedCurve(); // one curve per process, even when several proofs start at once
  const t0 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(circuitInput, artifacts.wasm, artifacts.zkey);
  const t1 = performance.now();
  if (publicSignals.length !== expected.length || publicSignals.some((v, i) => v !== expected[i])) {
    throw new Error(`circuit ${circuit} returned public signals in an unexpected order: ${publicSignals.join(", ")}`);
  }
  const vkey = JSON.parse(await readFile(artifacts.vkey, "utf8")) as snarkjs.VerificationKey;
  if (!(await snarkjs.groth16.verify(vkey, publicSignals, proof))) {
    throw refuse("the proof does not verify against the verifying key (artifacts mismatch?)");
  }
  return { proof, timings: { witnessAndProve: t1 - t0, verify: performance.now() - t1 } };
}

/**
 * Proves that the committed tree does not honour a signed record: checks the statement first (throws
 * {@link FraudProofRefused} with a reason when there is no fraud or the inputs can never verify), proves with
 * Groth16, verifies the proof against the verifying key, and returns the `por.fraud-proof` v2 document.
 */
export async function proveFraud(
  input: ProveFraudInput,
  options: ProveFraudOptions = {},
): Promise<{ file: FraudProofFile; statement: FraudStatement; timings: ProofTimings }> {
  const circuit = options.circuit ?? DEFAULT_FRAUD_CIRCUIT;
  const statement = await checkFraud(input, circuit);
  const artifacts = options.artifacts ?? (await circuitArtifacts(circuit));

  const { proof, timings } = await groth16(circuit, statement.circuitInput, pubSignalsOf(statement), artifacts);

  const file = fraudProofFileOf(circuit, statement, proof);
  return { file, statement, timings };
}

/** What to prove against a committed root sum. */
export interface ProveRootSumInput {
  /** The commitment: its member, asset and t (for the contract call; the circuit sees only the root). */
  member: bigint;
  asset: number;
  t: bigint;
  /** The committed root sum of (member, asset, t). */
  rootSum: bigint;
  /** Any path of the committed tree (the root's two children are its top node and top sibling). */
  path: SlotPath;
  /** The committed root hash, when known: the path must reach it. */
  expectedRoot?: bigint;
}

/**
 * Proves that a committed root sum is not what the committed root hash binds (or that the root's children are out of
 * range): checks the statement first (FraudProofRefused "no-fraud" for an honest root), proves with Groth16 and
 * returns the `por.root-sum-proof` v1 document.
 */
export async function proveRootSum(
  input: ProveRootSumInput,
  options: ProveFraudOptions = {},
): Promise<{ file: RootSumProofFile; statement: RootSumStatement; timings: ProofTimings }> {
  const circuit = options.circuit ?? ROOT_SUM_CIRCUIT;
  const crypto = await loadProverCrypto();
  const statement = buildRootSumStatement(crypto, input.path, input.rootSum, input.expectedRoot);
  const artifacts = options.artifacts ?? (await circuitArtifacts(circuit));
  const pubSignals: [string, string] = [statement.rootHash.toString(), statement.rootSum.toString()];
  const { proof, timings } = await groth16(circuit, statement.circuitInput, pubSignals, artifacts);
  const file: RootSumProofFile = {
    format: "por.root-sum-proof",
    version: 1,
    circuit,
    kind: statement.kind,
    proof: calldataProof(proof),
    member: address(input.member),
    asset: input.asset,
    t: input.t.toString(),
    publicSignals: { rootHash: pubSignals[0], rootSum: pubSignals[1] },
    pubSignals,
  };
  return { file, statement, timings };
}
