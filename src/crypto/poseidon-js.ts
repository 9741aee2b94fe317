// Pure-JavaScript Poseidon: circomlibjs's WebAssembly implementation (circomlib constants), loaded once per thread.
// Two entry points: a bigint API, and a byte API that feeds little-endian field elements straight into the
// WebAssembly memory (no bigint conversions), which the batch kernels use.
import { FIELD_P } from "./field.js";

/** The parts of ffjavascript's WebAssembly field and thread manager that we touch. */
interface WasmField {
  prefix: string;
  tm: {
    alloc(bytes: number): number;
    memory: { buffer: ArrayBuffer };
    instance: { exports: Record<string, (...args: number[]) => void> };
  };
}

/** circomlibjs's poseidon function object. */
interface CircomlibPoseidon {
  (inputs: bigint[] | Uint8Array): Uint8Array;
  F: WasmField;
}

/** A synchronous Poseidon over 1..16 field elements. */
export type PoseidonFn = (inputs: readonly bigint[]) => bigint;

/** Poseidon over little-endian 32-byte field elements held in byte arrays. */
export interface BytePoseidon {
  /** Hashes `n` (1..16) elements at `src[off..off + 32n]` into `dst[dstOff..dstOff + 32]`; throws if any is >= p. */
  hashBytes(src: Uint8Array, off: number, n: number, dst: Uint8Array, dstOff: number): void;
}

/** Both Poseidon APIs over one WebAssembly instance. */
export type JsPoseidon = PoseidonFn & BytePoseidon;

const P_BYTES_LE = (() => {
  const b = new Uint8Array(32);
  let x = FIELD_P;
  for (let i = 0; i < 32; i++) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
})();

/** True if the 32-byte little-endian value at `off` is below p. */
export function isFieldBytes(buf: Uint8Array, off: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = buf[off + i];
    const b = P_BYTES_LE[i];
    if (a !== b) return a < b;
  }
  return false; // equal to p
}

let loading: Promise<JsPoseidon> | undefined;

/** Loads circomlibjs's Poseidon once per thread. */
export function loadJsPoseidon(): Promise<JsPoseidon> {
  if (loading === undefined) {
    loading = (async () => {
      // A variable specifier keeps this module independent of the project's circomlibjs type declarations.
      const spec = "circomlibjs";
      const mod = (await import(spec)) as { buildPoseidon: () => Promise<CircomlibPoseidon> };
      const wasm = await mod.buildPoseidon();
      const tm = wasm.F.tm;
      const ex = tm.instance.exports;
      const toMont = ex[`${wasm.F.prefix}_toMontgomery`];
      const fromMont = ex[`${wasm.F.prefix}_fromMontgomery`];
      const poseidon = ex.poseidon;
      const pState = tm.alloc(32);
      const pIn = tm.alloc(32 * 16);
      const pOut = tm.alloc(32 * 17);
      let mem = new Uint8Array(tm.memory.buffer);
      const view = () => {
        if (mem.buffer !== tm.memory.buffer) mem = new Uint8Array(tm.memory.buffer);
        return mem;
      };
      const run = (n: number): Uint8Array => {
        const m = view();
        m.fill(0, pState, pState + 32); // initial state 0 (zero is zero in Montgomery form)
        for (let j = 0; j < n; j++) toMont(pIn + 32 * j, pIn + 32 * j);
        poseidon(pState, pIn, n, pOut, 1);
        fromMont(pOut, pOut);
        return m;
      };
      const hashBytes = (src: Uint8Array, off: number, n: number, dst: Uint8Array, dstOff: number): void => {
        if (n < 1 || n > 16) throw new RangeError(`Poseidon takes 1..16 inputs, got ${n}`);
        for (let j = 0; j < n; j++) {
          if (!isFieldBytes(src, off + 32 * j)) throw new RangeError(`Poseidon input ${j} is not a field element`);
        }
        view().set(src.subarray(off, off + 32 * n), pIn);
        const m = run(n);
        dst.set(m.subarray(pOut, pOut + 32), dstOff);
      };
      const fn = ((inputs: readonly bigint[]): bigint => {
        const n = inputs.length;
        if (n < 1 || n > 16) throw new RangeError(`Poseidon takes 1..16 inputs, got ${n}`);
        const m = view();
        for (let j = 0; j < n; j++) {
          let v = inputs[j];
          if (v < 0n || v >= FIELD_P) throw new RangeError(`Poseidon input ${j} is not a field element`);
          const base = pIn + 32 * j;
          for (let i = 0; i < 32; i++) {
            m[base + i] = Number(v & 0xffn);
            v >>= 8n;
          }
        }
        const out = run(n);
        let r = 0n;
        for (let i = 31; i >= 0; i--) r = (r << 8n) | BigInt(out[pOut + i]);
        return r;
      }) as JsPoseidon;
      fn.hashBytes = hashBytes;
      return fn;
    })();
  }
  return loading;
}
