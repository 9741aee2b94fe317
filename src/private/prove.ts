// The proofs of one private asset (docs/protocol.md, "Private totals"): fresh Pedersen commitments to the
// liabilities L (the tree's root sum), the surplus S = A - L and the reserves A; a PrivateAsset proof (RootCommitment:
// C_L opens to the sum inside rootHash; SurplusRange: C_S opens to a value in [0, 2^128); also as two separate
// proofs on request), and the Schnorr
// zero-difference proof that C_A - C_L - C_S = r*H, all bound to one context (member, asset, t, subject, chain,
// ledger).
import { circuitArtifacts } from "../circuits/index.js";
import { FIELD_P, MAX_SUM } from "../crypto/field.js";
import type { Point } from "../crypto/babyjub.js";
import { loadProverCrypto } from "../prover/crypto.js";
import { calldataProof, groth16, type ProofTimings, type ProverArtifacts } from "../prover/prove.js";
import type { FraudProofFile } from "../prover/files.js";
import {
  commitTotals,
  contextHash,
  eighthOf,
  proveZeroDifference,
  type PrivateCommitments,
  type PrivateContext,
  type PrivateOpenings,
  type ZeroDifferenceProof,
} from "./pedersen.js";

/** The liabilities circuit instance (circuits/instances.ts). */
export const ROOT_COMMITMENT_CIRCUIT = "RootCommitment";
/** The surplus range circuit instance. */
export const SURPLUS_RANGE_CIRCUIT = "SurplusRange";
/** Both statements in one proof: what the contract path verifies (one Groth16 check instead of two). */
export const PRIVATE_ASSET_CIRCUIT = "PrivateAsset";

/** A private set's proof could not be made: the inputs are not those of a solvent, well-formed asset. */
export class PrivateProofRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrivateProofRefused";
  }
}

/** The root node's two children `(hL, sL)`, `(hR, sR)` (the prover's private witness of RootCommitment). */
export interface RootChildren {
  hL: bigint;
  sL: bigint;
  hR: bigint;
  sR: bigint;
}

/** What to prove for one asset. */
export interface PrivateAssetInput {
  ctx: PrivateContext;
  rootHash: bigint;
  children: RootChildren;
  /** The reserves A the operators verified (A >= L, or nothing can be proven). */
  reserves: bigint;
  /** Also prove RootCommitment and SurplusRange separately (default: only the combined PrivateAsset proof). */
  separate?: boolean;
  /** Artifacts instead of the pipeline's cached development ones. */
  artifacts?: { privateAsset?: ProverArtifacts; rootCommitment?: ProverArtifacts; surplusRange?: ProverArtifacts };
}

/** A Groth16 proof in the verifier's calldata order. */
export type CalldataProof = FraudProofFile["proof"];

/** Everything one private asset puts on-chain, the openings it keeps (or encrypts to operators), and timings. */
export interface PrivateAssetProof {
  context: bigint;
  commitments: PrivateCommitments;
  /** The cofactor witnesses of C_A, C_L, C_S (8 * eighth = commitment). */
  eighths: [Point, Point, Point];
  openings: PrivateOpenings;
  /** The PrivateAsset proof: public signals rootHash, C_L.x, C_L.y, C_S.x, C_S.y, context. */
  privateAsset: { proof: CalldataProof; pubSignals: [string, string, string, string, string, string] };
  /** With `separate`: the RootCommitment proof (rootHash, C_L.x, C_L.y, context). */
  rootCommitment?: { proof: CalldataProof; pubSignals: [string, string, string, string] };
  /** With `separate`: the SurplusRange proof (C_S.x, C_S.y, context). */
  surplusRange?: { proof: CalldataProof; pubSignals: [string, string, string] };
  zeroDifference: ZeroDifferenceProof;
  timings: { privateAsset: ProofTimings; separate?: ProofTimings[]; zeroDifferenceMs: number };
}

/**
 * Commits and proves one private asset. Refuses ({@link PrivateProofRefused}) when the children do not hash to
 * `rootHash`, a child sum or the root sum is not below 2^128, or the reserves are short of the liabilities (or not
 * below 2^128 above them): the circuits could not prove such a set, and a member must not try.
 */
export async function provePrivateAsset(input: PrivateAssetInput): Promise<PrivateAssetProof> {
  const { hL, sL, hR, sR } = input.children;
  for (const [name, v] of [
    ["hL", hL],
    ["hR", hR],
    ["rootHash", input.rootHash],
  ] as const) {
    if (v < 0n || v >= FIELD_P) throw new PrivateProofRefused(`${name} is not a field element`);
  }
  if (sL < 0n || sL >= MAX_SUM || sR < 0n || sR >= MAX_SUM) {
    throw new PrivateProofRefused("a child sum of the root is not in [0, 2^128)");
  }
  const liabilities = sL + sR;
  if (liabilities >= MAX_SUM) throw new PrivateProofRefused("the root sum is not below 2^128");
  const crypto = await loadProverCrypto();
  if (crypto.poseidon([hL, sL, hR, sR]) !== input.rootHash) {
    throw new PrivateProofRefused("the root's children do not hash to rootHash");
  }
  const surplus = input.reserves - liabilities;
  if (surplus < 0n) throw new PrivateProofRefused(`reserves ${input.reserves} are short of liabilities`);
  if (surplus >= MAX_SUM) throw new PrivateProofRefused("the surplus is not below 2^128");

  const { cs, openings, blinding } = commitTotals(liabilities, surplus);
  const context = contextHash(input.ctx);
  const refuse = (reason: string) => new PrivateProofRefused(reason);

  const [lx, ly] = cs.liabilities.map(String);
  const [sx, sy] = cs.surplus.map(String);
  const witness = {
    rootHash: input.rootHash.toString(),
    context: context.toString(),
    hL: hL.toString(),
    sL: sL.toString(),
    hR: hR.toString(),
    sR: sR.toString(),
  };
  const assetSignals: [string, string, string, string, string, string] = [
    witness.rootHash,
    lx,
    ly,
    sx,
    sy,
    witness.context,
  ];
  const combined = await groth16(
    PRIVATE_ASSET_CIRCUIT,
    {
      ...witness,
      lx,
      ly,
      sx,
      sy,
      liabilitiesBlinding: openings.rL.toString(),
      surplus: surplus.toString(),
      surplusBlinding: openings.rS.toString(),
    },
    assetSignals,
    input.artifacts?.privateAsset ?? (await circuitArtifacts(PRIVATE_ASSET_CIRCUIT)),
    refuse,
  );
  let separate: Pick<PrivateAssetProof, "rootCommitment" | "surplusRange"> = {};
  const separateTimings: ProofTimings[] = [];
  if (input.separate === true) {
    const rootSignals: [string, string, string, string] = [witness.rootHash, lx, ly, witness.context];
    const root = await groth16(
      ROOT_COMMITMENT_CIRCUIT,
      { ...witness, cx: lx, cy: ly, blinding: openings.rL.toString() },
      rootSignals,
      input.artifacts?.rootCommitment ?? (await circuitArtifacts(ROOT_COMMITMENT_CIRCUIT)),
      refuse,
    );
    const surplusSignals: [string, string, string] = [sx, sy, witness.context];
    const range = await groth16(
      SURPLUS_RANGE_CIRCUIT,
      { cx: sx, cy: sy, context: witness.context, surplus: surplus.toString(), blinding: openings.rS.toString() },
      surplusSignals,
      input.artifacts?.surplusRange ?? (await circuitArtifacts(SURPLUS_RANGE_CIRCUIT)),
      refuse,
    );
    separate = {
      rootCommitment: { proof: calldataProof(root.proof), pubSignals: rootSignals },
      surplusRange: { proof: calldataProof(range.proof), pubSignals: surplusSignals },
    };
    separateTimings.push(root.timings, range.timings);
  }

  const t0 = performance.now();
  const zeroDifference = proveZeroDifference(input.ctx, cs, blinding);
  const eighths: [Point, Point, Point] = [
    eighthOf(cs.assets, "C_A"),
    eighthOf(cs.liabilities, "C_L"),
    eighthOf(cs.surplus, "C_S"),
  ];
  const zeroDifferenceMs = performance.now() - t0;
  return {
    context,
    commitments: cs,
    eighths,
    openings,
    privateAsset: { proof: calldataProof(combined.proof), pubSignals: assetSignals },
    ...separate,
    zeroDifference,
    timings: {
      privateAsset: combined.timings,
      ...(input.separate === true ? { separate: separateTimings } : {}),
      zeroDifferenceMs,
    },
  };
}
