// Batch kernels on byte buffers (the layout the native backend uses), in pure JavaScript. Run inline or in workers.
// Inputs go to the WebAssembly Poseidon as bytes: a node (h, s) pair of children is already Poseidon's input order.
import { expandKey, signManyJs, verifyJs, type Signature } from "./eddsa-js.js";
import { NODE_BYTES, readLE32, writeLE32 } from "./field.js";
import type { JsPoseidon, PoseidonFn } from "./poseidon-js.js";
import type { Point } from "./babyjub.js";

export { NODE_BYTES };
export { hashLeavesJs, hashLevelJs } from "./tree-kernels.js";

/** Signs n 32-byte LE messages; returns n signatures of 96 bytes (R8x, R8y, S; LE). */
export function signManyBytesJs(privateKey: Uint8Array, messages: Uint8Array, poseidon: JsPoseidon): Uint8Array {
  if (messages.length % 32 !== 0) throw new RangeError("signMany: messages must hold n 32-byte field elements");
  const n = messages.length / 32;
  const ms: bigint[] = new Array<bigint>(n);
  for (let i = 0; i < n; i++) ms[i] = readLE32(messages, i * 32);
  const sigs = signManyJs(expandKey(privateKey), ms, poseidon);
  const out = new Uint8Array(n * 96);
  for (let i = 0; i < n; i++) {
    writeLE32(out, i * 96, sigs[i].R8x);
    writeLE32(out, i * 96 + 32, sigs[i].R8y);
    writeLE32(out, i * 96 + 64, sigs[i].S);
  }
  return out;
}

/** Hashes n tuples of `arity` field elements (each 32 bytes LE, tuple after tuple) -> n 32-byte hashes. */
export function poseidonManyJs(arity: number, inputs: Uint8Array, poseidon: JsPoseidon): Uint8Array {
  if (!Number.isInteger(arity) || arity < 1 || arity > 16) throw new RangeError("poseidonMany: arity must be 1..16");
  const unit = arity * 32;
  if (inputs.length % unit !== 0) throw new RangeError(`poseidonMany: inputs must hold n tuples of ${arity} elements`);
  const n = inputs.length / unit;
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) poseidon.hashBytes(inputs, i * unit, arity, out, i * 32);
  return out;
}

/** Bytes of one signature check: message, R8x, R8y, S, Ax, Ay (32 bytes LE each). */
export const VERIFY_ITEM_BYTES = 192;

/** One signature to check. */
export interface VerifyItem {
  message: bigint;
  signature: Signature;
  publicKey: Point;
}

/** Items -> the byte layout of {@link verifyManyBytesJs} (every value must be below 2^256). */
export function encodeVerifyItems(items: readonly VerifyItem[]): Uint8Array {
  const out = new Uint8Array(items.length * VERIFY_ITEM_BYTES);
  items.forEach((it, i) => {
    const o = i * VERIFY_ITEM_BYTES;
    const words = [it.message, it.signature.R8x, it.signature.R8y, it.signature.S, it.publicKey[0], it.publicKey[1]];
    words.forEach((w, j) => writeLE32(out, o + j * 32, w));
  });
  return out;
}

/** The check of item `i` of an encoded buffer. */
export function verifyItemAt(items: Uint8Array, i: number, poseidon: PoseidonFn): boolean {
  const o = i * VERIFY_ITEM_BYTES;
  const w = (j: number) => readLE32(items, o + j * 32);
  return verifyJs(w(0), { R8x: w(1), R8y: w(2), S: w(3) }, [w(4), w(5)], poseidon);
}

/** Verifies n encoded items ({@link encodeVerifyItems}); returns n bytes, 1 for a valid signature, 0 otherwise. */
export function verifyManyBytesJs(items: Uint8Array, poseidon: PoseidonFn): Uint8Array {
  if (items.length % VERIFY_ITEM_BYTES !== 0) throw new RangeError("verifyMany: items must hold n 192-byte checks");
  const n = items.length / VERIFY_ITEM_BYTES;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = verifyItemAt(items, i, poseidon) ? 1 : 0;
  return out;
}
