// Pure-JavaScript Poseidon: circomlibjs's WebAssembly implementation (circomlib constants), loaded once.
import { FIELD_P } from "./field.js";

/** The subset of ffjavascript's field object we use. */
interface WasmField {
  e(v: bigint): Uint8Array;
  toObject(v: Uint8Array): bigint;
}

/** circomlibjs's poseidon function: takes field elements (or a Montgomery buffer), returns a Montgomery buffer. */
interface CircomlibPoseidon {
  (inputs: bigint[] | Uint8Array): Uint8Array;
  F: WasmField;
}

/** A synchronous Poseidon over 1..16 field elements. */
export type PoseidonFn = (inputs: readonly bigint[]) => bigint;

let loading: Promise<PoseidonFn> | undefined;

/** Loads circomlibjs's Poseidon once per thread and returns a synchronous hash function. */
export function loadJsPoseidon(): Promise<PoseidonFn> {
  if (loading === undefined) {
    loading = (async () => {
      // A variable specifier keeps TypeScript from demanding declarations for the untyped package.
      const spec = "circomlibjs";
      const mod = (await import(spec)) as { buildPoseidon: () => Promise<CircomlibPoseidon> };
      const wasm = await mod.buildPoseidon();
      const F = wasm.F;
      return (inputs: readonly bigint[]): bigint => {
        const n = inputs.length;
        if (n < 1 || n > 16) throw new RangeError(`Poseidon takes 1..16 inputs, got ${n}`);
        const buf = new Uint8Array(n * 32);
        for (let i = 0; i < n; i++) {
          const v = inputs[i];
          if (v < 0n || v >= FIELD_P) throw new RangeError(`Poseidon input ${i} is not a field element`);
          buf.set(F.e(v), i * 32);
        }
        return F.toObject(wasm(buf));
      };
    })();
  }
  return loading;
}
