// The hashes and signature check the prover needs before it proves anything, from circomlibjs (the same
// constants and arithmetic as circomlib's templates), loaded once per process.

import { inCurve, isInPrimeSubgroup } from "../crypto/babyjub.js";
import { verifyJs } from "../crypto/eddsa-verify.js";
import { FIELD_P } from "../crypto/field.js";
import type { PoseidonFn } from "../crypto/poseidon-js.js";

interface WasmField {
  e(v: bigint): Uint8Array;
  toObject(v: Uint8Array): bigint;
}
interface CircomlibPoseidon {
  (inputs: bigint[]): Uint8Array;
  F: WasmField;
}
interface CircomlibEddsa {
  F: WasmField;
  babyJub: {
    inCurve(p: [Uint8Array, Uint8Array]): boolean;
    inSubgroup(p: [Uint8Array, Uint8Array]): boolean;
  };
  verifyPoseidon(
    msg: Uint8Array,
    sig: { R8: [Uint8Array, Uint8Array]; S: bigint },
    A: [Uint8Array, Uint8Array],
  ): boolean;
}

/** Poseidon, the curve check and the EdDSA-Poseidon verification, over BigInts. */
export interface ProverCrypto {
  /** circomlib's Poseidon over 1..16 field elements. */
  poseidon(inputs: readonly bigint[]): bigint;
  /** True when (x, y) lies on Baby Jubjub. */
  onCurve(x: bigint, y: bigint): boolean;
  /** True when (x, y) is in Baby Jubjub's prime-order subgroup and is not the identity. */
  inSubgroup(x: bigint, y: bigint): boolean;
  /** True when (R8, S) is a valid EdDSA-Poseidon signature of msg under A (curve and S range checked). */
  verify(msg: bigint, sig: { R8x: bigint; R8y: bigint; S: bigint }, A: { Ax: bigint; Ay: bigint }): boolean;
}

let loading: Promise<ProverCrypto> | undefined;

/** Loads circomlibjs's Poseidon and EdDSA once. */
export function loadProverCrypto(): Promise<ProverCrypto> {
  loading ??= (async () => {
    // A variable specifier keeps TypeScript from asking for declarations of the untyped package.
    const spec = "circomlibjs";
    const lib = (await import(spec)) as {
      buildPoseidon(): Promise<CircomlibPoseidon>;
      buildEddsa(): Promise<CircomlibEddsa>;
    };
    const poseidon = await lib.buildPoseidon();
    const eddsa = await lib.buildEddsa();
    const F = eddsa.F;
    const fe = (v: bigint): Uint8Array => {
      if (v < 0n || v >= FIELD_P) throw new RangeError("value is not a field element");
      return F.e(v);
    };
    return {
      poseidon: (xs) => {
        for (const x of xs) if (x < 0n || x >= FIELD_P) throw new RangeError("Poseidon input is not a field element");
        return poseidon.F.toObject(poseidon([...xs]));
      },
      onCurve: (x, y) => x < FIELD_P && y < FIELD_P && eddsa.babyJub.inCurve([fe(x), fe(y)]),
      inSubgroup: (x, y) =>
        x < FIELD_P && y < FIELD_P && !(x === 0n && y === 1n) && eddsa.babyJub.inSubgroup([fe(x), fe(y)]),
      verify: (msg, sig, A) =>
        sig.R8x < FIELD_P &&
        sig.R8y < FIELD_P &&
        A.Ax < FIELD_P &&
        A.Ay < FIELD_P &&
        eddsa.verifyPoseidon(fe(msg), { R8: [fe(sig.R8x), fe(sig.R8y)], S: sig.S }, [fe(A.Ax), fe(A.Ay)]),
    };
  })();
  return loading;
}

/**
 * The same checks over the project's own Baby Jubjub and EdDSA code (src/crypto) and a given Poseidon: what the web
 * page proves with in the browser, where circomlibjs is not bundled.
 */
export function proverCryptoFrom(poseidon: PoseidonFn): ProverCrypto {
  const field = (...xs: bigint[]) => xs.every((x) => x >= 0n && x < FIELD_P);
  return {
    poseidon,
    onCurve: (x, y) => field(x, y) && inCurve([x, y]),
    inSubgroup: (x, y) => field(x, y) && !(x === 0n && y === 1n) && isInPrimeSubgroup([x, y]),
    verify: (msg, sig, A) => field(sig.R8x, sig.R8y, A.Ax, A.Ay) && verifyJs(msg, sig, [A.Ax, A.Ay], poseidon),
  };
}
