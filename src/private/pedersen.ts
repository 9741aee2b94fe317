// Private totals (docs/protocol.md, "Private totals"): Pedersen commitments on Baby Jubjub, Com(v, r) = v*G + r*H,
// with G = Base8 and H derived by try-and-increment over a domain-separated keccak256 (nothing up the sleeve), and
// the Schnorr zero-difference proof that C_A - C_L - C_S = r*H (knowledge of r), its Fiat-Shamir challenge bound to
// the chain, the verifying contract, the member, the asset, t and the subject (the set or the request answered).
// contracts/libraries/ZeroDifferenceProof.sol verifies the same proof on-chain.
import { randomBytes } from "node:crypto";

import { AbiCoder, getAddress, keccak256, toUtf8Bytes } from "ethers";

import {
  BASE8,
  CURVE_A,
  CURVE_D,
  addPoint,
  inCurve,
  isInPrimeSubgroup,
  mulPoint,
  type Point,
} from "../crypto/babyjub.js";
import { FIELD_P, SUBGROUP_ORDER, invMod, sqrtMod } from "../crypto/field.js";

const P = FIELD_P;
const L = SUBGROUP_ORDER;
const coder = AbiCoder.defaultAbiCoder();

/** The identity of Baby Jubjub. */
export const IDENTITY: Point = [0n, 1n];
/** The value generator `G`: circomlib's Base8. */
export const PEDERSEN_G: Point = BASE8;
/** The seed string of `H`'s derivation (`deriveH`). */
export const H_SEED = "por.pedersen.H.v1";
/** Exclusive bound of a committed surplus (the range proof's `2^128`). */
export const MAX_COMMITTED = 1n << 128n;

const mod = (v: bigint, m: bigint): bigint => {
  const r = v % m;
  return r < 0n ? r + m : r;
};

/** One step of `deriveH`: the candidate of counter `i` (undefined when its `y` is on no point of the curve). */
export function hCandidate(i: number): { y: bigint; x: bigint; point: Point } | undefined {
  // y = keccak256(utf8(H_SEED) || uint32be(i)) mod p.
  const seed = toUtf8Bytes(H_SEED);
  const msg = new Uint8Array(seed.length + 4);
  msg.set(seed);
  new DataView(msg.buffer).setUint32(seed.length, i);
  const y = BigInt(keccak256(msg)) % P;
  // a x^2 + y^2 = 1 + d x^2 y^2  =>  x^2 = (1 - y^2) / (a - d y^2).
  const y2 = (y * y) % P;
  const den = mod(CURVE_A - CURVE_D * y2, P);
  if (den === 0n) return undefined;
  const x2 = (mod(1n - y2, P) * invMod(den)) % P;
  const root = sqrtMod(x2);
  if (root === undefined) return undefined;
  // The canonical root: the one <= (p - 1) / 2.
  const x = root <= (P - 1n) / 2n ? root : P - root;
  return { y, x, point: [x, y] };
}

/**
 * `H`, the blinding generator: for i = 0, 1, 2, ... the first candidate `y_i = keccak256("por.pedersen.H.v1" ||
 * uint32be(i)) mod p` that is the y of a curve point, with the x <= (p - 1) / 2, times the cofactor 8 (so it lies in
 * the prime-order subgroup), and not the identity. Nobody knows log_G(H): it is a hash output.
 */
export function deriveH(): { counter: number; point: Point } {
  for (let i = 0; i < 1 << 16; i++) {
    const cand = hCandidate(i);
    if (cand === undefined) continue;
    const h = mulPoint(cand.point, 8n);
    if (h[0] === 0n && h[1] === 1n) continue;
    return { counter: i, point: h };
  }
  throw new Error("no H candidate found"); // unreachable: about half of all y are on the curve
}

/** `H` as `deriveH` computes it (test/private/pedersen.test.ts re-derives it; the Solidity constants equal it). */
export const PEDERSEN_H: Point = [
  9838599069262539226988055446926130691099075059761775306427434471149768858158n,
  6961072732506414408627318995044913928974337917252889243607577860974005270688n,
];

/** Negation on a twisted Edwards curve: (x, y) -> (-x, y). */
export function negPoint(p: Point): Point {
  return [mod(-p[0], P), p[1]];
}

/** `p - q`. */
export function subPoint(p: Point, q: Point): Point {
  return addPoint(p, negPoint(q));
}

/** Asserts that a scalar lies in [0, l); `what` names it. */
function assertScalar(v: bigint, what: string): void {
  if (v < 0n || v >= L) throw new RangeError(`${what} is not a scalar of the subgroup (must be in [0, l))`);
}

/** `Com(v, r) = v*G + r*H` for v, r in [0, l). */
export function commit(value: bigint, blinding: bigint): Point {
  assertScalar(value, "committed value");
  assertScalar(blinding, "blinding factor");
  return addPoint(mulPoint(PEDERSEN_G, value), mulPoint(PEDERSEN_H, blinding));
}

/** True if `c` opens to (value, blinding). */
export function opens(c: Point, value: bigint, blinding: bigint): boolean {
  if (value < 0n || value >= L || blinding < 0n || blinding >= L) return false;
  const e = commit(value, blinding);
  return e[0] === c[0] && e[1] === c[1];
}

/** A uniformly random scalar in [0, l) (64 random bytes reduced mod l: bias below 2^-250). */
export function randomScalar(): bigint {
  return BigInt("0x" + randomBytes(64).toString("hex")) % L;
}

const INV8 = invMod(8n, L);

/**
 * The cofactor witness of a subgroup point: `Q = 8^-1 * P` (mod l), so that `8*Q = P`. The contract refuses a point
 * unless it comes with such a `Q` on the curve: `8*E` is exactly the prime-order subgroup, so the check costs three
 * doublings instead of a multiplication by l. Throws for a point outside the subgroup (none exists).
 */
export function eighthOf(p: Point, what = "point"): Point {
  if (!inCurve(p)) throw new RangeError(`${what} is not on Baby Jubjub`);
  if (!(p[0] === 0n && p[1] === 1n) && !isInPrimeSubgroup(p)) {
    throw new RangeError(`${what} is not in the prime-order subgroup`);
  }
  return mulPoint(p, INV8);
}

/** What the zero-difference proof (and both private-set circuits, through `contextHash`) are bound to. */
export interface PrivateContext {
  chainId: bigint;
  /** The contract that verifies (the ledger; a test harness in tests). */
  verifier: string;
  member: string;
  asset: number;
  t: bigint;
  /** The set or the request the commitments answer (bytes32: the set id, or a request's subject). */
  subject: string;
}

/** `keccak256("por.private.context.v1")`: the context's domain tag. */
export const CONTEXT_DOMAIN = keccak256(toUtf8Bytes("por.private.context.v1"));
/** `keccak256("por.private.zero-difference.v1")`: the Schnorr challenge's domain tag. */
export const ZERO_DIFFERENCE_DOMAIN = keccak256(toUtf8Bytes("por.private.zero-difference.v1"));

/**
 * The context as one field element: `keccak256(abi.encode(CONTEXT_DOMAIN, chainId, verifier, member, uint32 asset,
 * uint64 t, subject)) >> 8` (248 bits, below p), the public input `context` of RootCommitment and SurplusRange and
 * the first input of the Schnorr challenge.
 */
export function contextHash(ctx: PrivateContext): bigint {
  if (ctx.asset < 0 || ctx.asset >= 2 ** 32 || !Number.isInteger(ctx.asset)) {
    throw new RangeError(`asset ${ctx.asset} is not a uint32`);
  }
  if (ctx.t < 0n || ctx.t >= 1n << 64n) throw new RangeError(`t ${ctx.t} is not a uint64`);
  const enc = coder.encode(
    ["bytes32", "uint256", "address", "address", "uint32", "uint64", "bytes32"],
    [CONTEXT_DOMAIN, ctx.chainId, getAddress(ctx.verifier), getAddress(ctx.member), ctx.asset, ctx.t, ctx.subject],
  );
  return BigInt(keccak256(enc)) >> 8n;
}

/** The three commitments of one private asset. */
export interface PrivateCommitments {
  /** Reserves, `Com(A, r_A)`. */
  assets: Point;
  /** Liabilities, `Com(L, r_L)` (L = the tree's root sum). */
  liabilities: Point;
  /** Surplus, `Com(S, r_S)`, S = A - L. */
  surplus: Point;
}

/** A Schnorr proof in challenge-response form: `R = z*H - c*D` must hash back to `c`. */
export interface ZeroDifferenceProof {
  /** The challenge, below 2^128. */
  c: bigint;
  z: bigint;
}

/** `D = C_A - C_L - C_S`. */
export function difference(cs: PrivateCommitments): Point {
  return subPoint(subPoint(cs.assets, cs.liabilities), cs.surplus);
}

/**
 * The challenge `c = uint256(keccak256(abi.encode(ZERO_DIFFERENCE_DOMAIN, context, C_A.x, C_A.y, C_L.x, C_L.y,
 * C_S.x, C_S.y, R.x, R.y))) >> 128`: 128 bits, as in short Schnorr signatures (soundness error 2^-128 per hash
 * query, below the curve's ~2^126 discrete-log security); the verifier's doublings are halved.
 */
export function challenge(context: bigint, cs: PrivateCommitments, r: Point): bigint {
  const enc = coder.encode(
    ["bytes32", ...Array<string>(9).fill("uint256")],
    [
      ZERO_DIFFERENCE_DOMAIN,
      context,
      cs.assets[0],
      cs.assets[1],
      cs.liabilities[0],
      cs.liabilities[1],
      cs.surplus[0],
      cs.surplus[1],
      r[0],
      r[1],
    ],
  );
  return BigInt(keccak256(enc)) >> 128n;
}

/**
 * Proves knowledge of `blinding` with `C_A - C_L - C_S = blinding*H` (blinding = r_A - r_L - r_S mod l): a nonce k,
 * `R = k*H`, `c = challenge(context, cs, R)`, `z = k + c*blinding mod l`. Refuses (throws) when the commitments do
 * not differ by `blinding*H`, so a prover cannot produce a proof that the contract refuses.
 */
export function proveZeroDifference(
  ctx: PrivateContext,
  cs: PrivateCommitments,
  blinding: bigint,
  nonce: bigint = randomScalar(),
): ZeroDifferenceProof {
  assertScalar(blinding, "difference blinding");
  assertScalar(nonce, "nonce");
  const d = difference(cs);
  const expect = mulPoint(PEDERSEN_H, blinding);
  if (d[0] !== expect[0] || d[1] !== expect[1]) {
    throw new Error("C_A - C_L - C_S is not blinding*H: the committed assets are not liabilities plus surplus");
  }
  if (nonce === 0n) throw new RangeError("nonce must not be zero");
  const c = challenge(contextHash(ctx), cs, mulPoint(PEDERSEN_H, nonce));
  return { c, z: (nonce + c * blinding) % L };
}

/** Verifies a zero-difference proof as the Solidity library does (commitments: subgroup points, not the identity). */
export function verifyZeroDifference(ctx: PrivateContext, cs: PrivateCommitments, proof: ZeroDifferenceProof): boolean {
  if (proof.c < 0n || proof.c >= 1n << 128n || proof.z < 0n || proof.z >= L) return false;
  // isInPrimeSubgroup refuses the identity, as the contract does.
  for (const p of [cs.assets, cs.liabilities, cs.surplus]) if (!isInPrimeSubgroup(p)) return false;
  const d = difference(cs);
  const r = addPoint(mulPoint(PEDERSEN_H, proof.z), negPoint(mulPoint(d, proof.c)));
  return challenge(contextHash(ctx), cs, r) === proof.c;
}

/** The blinding of the difference: r_A - r_L - r_S mod l. */
export function differenceBlinding(rA: bigint, rL: bigint, rS: bigint): bigint {
  return mod(rA - rL - rS, L);
}

/** The openings of one private asset's commitments. */
export interface PrivateOpenings {
  assets: bigint;
  liabilities: bigint;
  surplus: bigint;
  rA: bigint;
  rL: bigint;
  rS: bigint;
}

/**
 * Commits one private asset's totals with fresh blindings: `C_A = Com(L + S, r_A)`, `C_L = Com(L, r_L)`,
 * `C_S = Com(S, r_S)`, and the blinding of their difference (`proveZeroDifference`'s witness).
 */
export function commitTotals(
  liabilities: bigint,
  surplus: bigint,
): { cs: PrivateCommitments; openings: PrivateOpenings; blinding: bigint } {
  if (liabilities < 0n || liabilities >= MAX_COMMITTED) throw new RangeError("liabilities must be in [0, 2^128)");
  if (surplus < 0n || surplus >= MAX_COMMITTED) throw new RangeError("surplus must be in [0, 2^128)");
  const [rA, rL, rS] = [randomScalar(), randomScalar(), randomScalar()];
  const assets = liabilities + surplus;
  const cs = { assets: commit(assets, rA), liabilities: commit(liabilities, rL), surplus: commit(surplus, rS) };
  return { cs, openings: { assets, liabilities, surplus, rA, rL, rS }, blinding: differenceBlinding(rA, rL, rS) };
}
