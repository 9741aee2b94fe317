// File formats of the fraud prover: the slot-path input (an inclusion response for one slot) and the proof
// outputs (`por.fraud-proof` version 3 and `por.root-sum-proof` version 1, docs/protocol.md "Fraud-proof file").
// All validated with zod; errors name the file and the field.
import { z } from "zod";

import {
  address,
  decimal,
  decimalBelow,
  fieldElement,
  u256String,
  u64String,
  u96String,
  uint32,
} from "../schema/index.js";

import type { FraudKind, SlotPath } from "./statement.js";

/** Raised for malformed input files; the message names the file and field. */
export class ProverInputError extends Error {
  override name = "ProverInputError";
}

const dec = decimal;
const field = fieldElement;
const uint256 = u256String;
const node = z.strictObject({ h: field, s: dec });

/** An inclusion response for one slot: the node there and its siblings, bottom-up. Version 1. */
export const slotPathFileSchema = z.strictObject({
  format: z.literal("por.slot-path"),
  version: z.literal(1),
  slot: uint32,
  /** The root hash the path should reach (the committed one), if the responder states it. */
  rootHash: field.optional(),
  leaf: node,
  siblings: z.array(node).min(1).max(64),
});

/** A parsed slot-path file. */
export type SlotPathFile = z.infer<typeof slotPathFileSchema>;

/** Format tag and version of the path an operator node serves for a private set (docs/protocol.md section 17.6). */
export const PRIVATE_SLOT_PATH_FORMAT = "por.private-slot-path";
export const PRIVATE_SLOT_PATH_VERSION = 1;

/**
 * The committed node at one slot of a private set's tree and its siblings, bottom-up, as a recipient operator's node
 * read them from the blob it opened (`POST /path`), version 1. It names the commitment and the serving operator; the
 * path is self-verifying: the user hashes it up to the `rootHash` the ledger holds for (member, asset, t).
 */
export const privateSlotPathFileSchema = z.strictObject({
  format: z.literal(PRIVATE_SLOT_PATH_FORMAT),
  version: z.literal(PRIVATE_SLOT_PATH_VERSION),
  /** The operator whose node opened the blob (a recipient at t). */
  operator: address,
  member: address,
  asset: uint32,
  t: u64String,
  slot: uint32,
  /** The committed root hash of (member, asset, t) the path reaches. */
  rootHash: field,
  leaf: node,
  siblings: z.array(node).min(1).max(64),
});

/** A private-set slot path as JSON. */
export type PrivateSlotPathFile = z.infer<typeof privateSlotPathFileSchema>;

/** The Groth16 proof in the verifier's calldata order (B's coordinates already swapped for Solidity). */
export const calldataProofSchema = z.strictObject({
  a: z.tuple([uint256, uint256]),
  b: z.tuple([z.tuple([uint256, uint256]), z.tuple([uint256, uint256])]),
  c: z.tuple([uint256, uint256]),
});

const circuitName = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/);

/**
 * The fraud-proof file, version 3: what `fraud prove` writes and a submitter reads. Version 2 proved the record
 * message v1 with a free recipient (anyone proving first could take the claim); version 1 carried the member as a
 * sixth public signal. Their proofs do not verify any more.
 */
export const fraudProofFileSchema = z.strictObject({
  format: z.literal("por.fraud-proof"),
  version: z.literal(3),
  /** Circuit instance the proof is for (its verifier is `<circuit>Verifier`). */
  circuit: circuitName,
  kind: z.enum(["missing-user-empty-slot", "missing-user-other-account", "under-reported", "malformed-path"]),
  proof: calldataProofSchema,
  publicSignals: z.strictObject({
    rootHash: field,
    keyHash: field,
    member: address,
    asset: uint32,
    t: u64String,
    claim: u96String,
    context: decimalBelow(1n << 192n, "must be below 2^192"),
    nullifier: field,
    /** The payout commitment signed in the record: the claim is paid only to its opening. */
    payoutHash: field,
  }),
  /**
   * The five public signals as the verifier takes them: rootHash, keyHash, context, nullifier, payoutHash (`member`
   * above is the accused member, which the circuit keeps private: the registry names it through the key hash).
   */
  pubSignals: z.tuple([field, field, field, field, field]),
});

/** The root-sum proof file, version 1: what `fraud prove-root-sum` writes (a root sum the root hash does not bind). */
export const rootSumProofFileSchema = z.strictObject({
  format: z.literal("por.root-sum-proof"),
  version: z.literal(1),
  circuit: circuitName,
  kind: z.enum(["root-sum-mismatch", "malformed-root"]),
  proof: calldataProofSchema,
  /** The commitment proven wrong: the member's (asset, t) in its set at t. */
  member: address,
  asset: uint32,
  t: u64String,
  publicSignals: z.strictObject({ rootHash: field, rootSum: decimalBelow(1n << 128n, "must be below 2^128") }),
  pubSignals: z.tuple([field, field]),
});

/** A parsed root-sum proof file. */
export type RootSumProofFile = z.infer<typeof rootSumProofFileSchema>;

/** A parsed fraud-proof file. */
export type FraudProofFile = z.infer<typeof fraudProofFileSchema>;

/** Narrowing helper: the fraud kinds of the file format. */
export const FRAUD_KINDS: readonly FraudKind[] = [
  "missing-user-empty-slot",
  "missing-user-other-account",
  "under-reported",
  "malformed-path",
];

function parseJson<T>(schema: z.ZodType<T>, text: string, file: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProverInputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    throw new ProverInputError(`${file}: ${where}: ${issue.message}`);
  }
  return r.data;
}

/** Parses a slot-path file into a {@link SlotPath} and the root hash it claims, if any. */
export function parseSlotPathFile(text: string, file = "path.json"): { path: SlotPath; rootHash?: bigint } {
  const f = parseJson(slotPathFileSchema, text, file);
  const n = (x: { h: string; s: string }) => ({ h: BigInt(x.h), s: BigInt(x.s) });
  return {
    path: { slot: BigInt(f.slot), leaf: n(f.leaf), siblings: f.siblings.map(n) },
    rootHash: f.rootHash === undefined ? undefined : BigInt(f.rootHash),
  };
}

/**
 * Parses a private-set slot path (`por.private-slot-path` v1, the answer of an operator node's `POST /path`), named
 * `source` in errors.
 */
export function parsePrivateSlotPathFile(
  text: string,
  source = "private slot path",
): { file: PrivateSlotPathFile; path: SlotPath; rootHash: bigint } {
  const f = parseJson(privateSlotPathFileSchema, text, source);
  const n = (x: { h: string; s: string }) => ({ h: BigInt(x.h), s: BigInt(x.s) });
  return {
    file: f,
    path: { slot: BigInt(f.slot), leaf: n(f.leaf), siblings: f.siblings.map(n) },
    rootHash: BigInt(f.rootHash),
  };
}

/** Parses and validates a fraud-proof file, and checks that its packed and semantic fields agree. */
export function parseFraudProofFile(text: string, file = "fraud-proof.json"): FraudProofFile {
  const f = parseJson(fraudProofFileSchema, text, file);
  const p = f.publicSignals;
  const context = BigInt(p.asset) + (BigInt(p.t) << 32n) + (BigInt(p.claim) << 96n);
  const expected = [p.rootHash, p.keyHash, context.toString(), p.nullifier, p.payoutHash];
  if (p.context !== context.toString()) {
    throw new ProverInputError(`${file}: publicSignals.context: is not asset + t * 2^32 + claim * 2^96`);
  }
  expected.forEach((v, i) => {
    if (f.pubSignals[i] !== v) {
      throw new ProverInputError(`${file}: pubSignals.${i}: disagrees with publicSignals`);
    }
  });
  return f;
}

/** Parses and validates a root-sum proof file, and checks that its public signals agree with its fields. */
export function parseRootSumProofFile(text: string, file = "root-sum-proof.json"): RootSumProofFile {
  const f = parseJson(rootSumProofFileSchema, text, file);
  if (f.pubSignals[0] !== f.publicSignals.rootHash || f.pubSignals[1] !== f.publicSignals.rootSum) {
    throw new ProverInputError(`${file}: pubSignals: disagree with publicSignals`);
  }
  return f;
}

/** The Adjudicator's `FraudProof` struct (contracts/interfaces/IAdjudicator.sol) for a proof file. */
export interface FraudProofStruct {
  rootHash: bigint;
  keyHash: bigint;
  member: string;
  asset: bigint | number;
  t: bigint;
  claim: bigint;
  nullifier: bigint;
  /** The record's payout commitment (`payoutHashOf` in src/records/payout.ts; 0: none registered). */
  payoutHash: bigint;
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
}

/** Converts a proof file to the struct `IAdjudicator.proveFraud` takes. */
export function toFraudProofStruct(f: FraudProofFile): FraudProofStruct {
  const p = f.publicSignals;
  const b = f.proof.b;
  return {
    rootHash: BigInt(p.rootHash),
    keyHash: BigInt(p.keyHash),
    member: p.member,
    asset: p.asset,
    t: BigInt(p.t),
    claim: BigInt(p.claim),
    nullifier: BigInt(p.nullifier),
    payoutHash: BigInt(p.payoutHash),
    a: [BigInt(f.proof.a[0]), BigInt(f.proof.a[1])],
    b: [
      [BigInt(b[0][0]), BigInt(b[0][1])],
      [BigInt(b[1][0]), BigInt(b[1][1])],
    ],
    c: [BigInt(f.proof.c[0]), BigInt(f.proof.c[1])],
  };
}
