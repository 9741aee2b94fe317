// EdDSA-Poseidon verification on Baby Jubjub, bit-for-bit as circomlib's EdDSAPoseidonVerifier (plus the subgroup
// check of the key). No Node built-in: the web page (web/) runs it in the browser, the CLI through src/crypto.
import { addPoint, inCurve, isInPrimeSubgroup, mulBase8, mulPoint, type Point } from "./babyjub.js";
import { FIELD_P, SUBGROUP_ORDER } from "./field.js";
import type { PoseidonFn } from "./poseidon-js.js";

/** An EdDSA-Poseidon signature: the point R8 and the scalar S. */
export interface Signature {
  R8x: bigint;
  R8y: bigint;
  S: bigint;
}

/**
 * Verifies an EdDSA-Poseidon signature as circomlib's EdDSAPoseidonVerifier does (S < l, A and R8 on the curve,
 * `S * Base8 == R8 + 8 * H(R8, A, m) * A`), and also refuses a key outside the prime-order subgroup
 * ({@link isInPrimeSubgroup}: the identity, a torsion point, or a mixed-order point), which circomlib accepts.
 */
export function verifyJs(message: bigint, sig: Signature, publicKey: Point, poseidon: PoseidonFn): boolean {
  if (message < 0n || message >= FIELD_P) return false;
  if (sig.S < 0n || sig.S >= SUBGROUP_ORDER) return false;
  const r8: Point = [sig.R8x, sig.R8y];
  if (!inCurve(r8) || !isInPrimeSubgroup(publicKey)) return false;
  const hm = poseidon([sig.R8x, sig.R8y, publicKey[0], publicKey[1], message]);
  const left = mulBase8(sig.S);
  const right = addPoint(r8, mulPoint(publicKey, hm * 8n));
  return left[0] === right[0] && left[1] === right[1];
}
