// The independent reference the tests check the project's crypto against: circomlibjs 0.1.7's Poseidon, Baby Jubjub
// and EdDSA-Poseidon (the JavaScript twin of the circomlib templates the circuits use), independent of src/crypto.
// Built on first use and cached for the process: its WebAssembly Poseidon takes a while to build, and most test files
// never need it.
import type { CircomlibBabyJub, CircomlibEddsa, CircomlibPoseidon } from "circomlibjs";

/** circomlibjs's hash and signature functions over BigInts, with the library's own objects for the rest. */
export interface CircomlibOracle {
  /** Poseidon of 1..16 field elements. */
  poseidon(inputs: readonly bigint[]): bigint;
  /** The public key `(Ax, Ay)` of a 32-byte private key (`prv2pub`). */
  publicKey(prv: Uint8Array): [bigint, bigint];
  /** The EdDSA-Poseidon signature of a field-element message (`signPoseidon`). */
  sign(prv: Uint8Array, msg: bigint): { R8x: bigint; R8y: bigint; S: bigint };
  /** circomlibjs's own Poseidon, EdDSA and Baby Jubjub objects, for tests that use their API directly. */
  lib: { poseidon: CircomlibPoseidon; eddsa: CircomlibEddsa; babyJub: CircomlibBabyJub };
}

let oracle: Promise<CircomlibOracle> | undefined;

/** circomlibjs's Poseidon, EdDSA-Poseidon and Baby Jubjub, built once per process on the first call. */
export function circomlibOracle(): Promise<CircomlibOracle> {
  oracle ??= (async () => {
    const { buildEddsa, buildPoseidon } = await import("circomlibjs");
    const [poseidon, eddsa] = await Promise.all([buildPoseidon(), buildEddsa()]);
    const F = eddsa.F;
    return {
      poseidon: (inputs) => poseidon.F.toObject(poseidon([...inputs])),
      publicKey: (prv) => {
        const [x, y] = eddsa.prv2pub(prv);
        return [F.toObject(x), F.toObject(y)];
      },
      sign: (prv, msg) => {
        const sig = eddsa.signPoseidon(prv, F.e(msg));
        return { R8x: F.toObject(sig.R8[0]), R8y: F.toObject(sig.R8[1]), S: sig.S };
      },
      lib: { poseidon, eddsa, babyJub: eddsa.babyJub },
    };
  })();
  return oracle;
}
