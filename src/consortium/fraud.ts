// Fraud-proof input of the Adjudicator: parse a `prove-fraud` output file and turn it into
// `IAdjudicator.FraudProof` (docs/protocol.md, "Contracts: commitments, requests, quorum, adjudication, reputation").
import { readFile } from "node:fs/promises";

import { getAddress } from "ethers";
import { z } from "zod";

/** BN254 scalar field modulus. */
const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** `context = asset + t * 2^32 + claim * 2^96`, the circuit's packed public signal. */
export function packContext(asset: bigint, t: bigint, claim: bigint): bigint {
  if (asset < 0n || asset >= 1n << 32n) throw new RangeError(`asset ${asset} is not a 32-bit id`);
  if (t < 0n || t >= 1n << 64n) throw new RangeError(`t ${t} is not a 64-bit time`);
  if (claim < 0n || claim >= 1n << 96n) throw new RangeError(`claim ${claim} is not below 2^96`);
  return asset + (t << 32n) + (claim << 96n);
}

const decimal = z
  .string()
  .regex(/^[0-9]+$/, "must be a decimal string")
  .transform((s) => BigInt(s));
const fieldElement = decimal.refine((v) => v < FIELD_MODULUS, "must be below the BN254 field modulus");
const pair = z.tuple([fieldElement, fieldElement]);

/** Schema of a `prove-fraud` output file (version 1). */
export const proveFraudOutputSchema = z.object({
  version: z.literal(1),
  proof: z.object({ a: pair, b: z.tuple([pair, pair]), c: pair }),
  publicSignals: z.object({
    rootHash: fieldElement,
    keyHash: fieldElement,
    member: decimal.refine((v) => v < 1n << 160n, "must be a 160-bit address"),
    asset: decimal.refine((v) => v < 1n << 32n, "must be below 2^32"),
    t: decimal.refine((v) => v < 1n << 64n, "must be below 2^64"),
    claim: decimal.refine((v) => v < 1n << 96n, "must be below 2^96"),
    nullifier: fieldElement,
    recipient: decimal.refine((v) => v < 1n << 160n, "must be a 160-bit address"),
    context: fieldElement,
  }),
});

/** `IAdjudicator.FraudProof` as ethers encodes it. */
export interface FraudProofStruct {
  rootHash: bigint;
  keyHash: bigint;
  member: string;
  asset: bigint;
  t: bigint;
  claim: bigint;
  nullifier: bigint;
  recipient: string;
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
}

function toAddress(value: bigint): string {
  return getAddress(`0x${value.toString(16).padStart(40, "0")}`);
}

/**
 * Validate a parsed `prove-fraud` output and convert it to the contract struct. Checks that `context` equals the
 * packing of (asset, t, claim). Errors name the file and the field.
 */
export function fraudProofFromJson(json: unknown, file = "prove-fraud output"): FraudProofStruct {
  const parsed = proveFraudOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  const { proof, publicSignals: s } = parsed.data;
  const expected = packContext(s.asset, s.t, s.claim);
  if (expected !== s.context) {
    throw new Error(
      `${file}: field publicSignals.context: ${s.context} is not asset + t*2^32 + claim*2^96 (${expected})`,
    );
  }
  return {
    rootHash: s.rootHash,
    keyHash: s.keyHash,
    member: toAddress(s.member),
    asset: s.asset,
    t: s.t,
    claim: s.claim,
    nullifier: s.nullifier,
    recipient: toAddress(s.recipient),
    a: proof.a,
    b: proof.b,
    c: proof.c,
  };
}

/** Read and validate a `prove-fraud` output file. */
export async function readFraudProof(file: string): Promise<FraudProofStruct> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return fraudProofFromJson(json, file);
}
