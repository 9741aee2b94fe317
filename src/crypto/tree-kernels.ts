// The tree kernels on byte buffers (one level of node hashing, leaf hashing), in pure JavaScript over any byte
// Poseidon. No Node built-in: src/crypto/kernels.ts runs them inline or in workers, the web page in the browser.
import { FIELD_P, NODE_BYTES, writeLE32 } from "./field.js";
import { isFieldBytes, type BytePoseidon } from "./poseidon-js.js";

const P_LE = new Uint8Array(32);
writeLE32(P_LE, 0, FIELD_P);

/** out[o..o+32] = (a[ao..] + b[bo..]) mod p for little-endian field elements (both already < p). */
function addModP(a: Uint8Array, ao: number, b: Uint8Array, bo: number, out: Uint8Array, o: number): void {
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const v = a[ao + i] + b[bo + i] + carry;
    out[o + i] = v & 0xff;
    carry = v >>> 8;
  }
  if (carry !== 0 || !isFieldBytes(out, o)) {
    let borrow = 0;
    for (let i = 0; i < 32; i++) {
      const v = out[o + i] - P_LE[i] - borrow;
      out[o + i] = v & 0xff;
      borrow = v < 0 ? 1 : 0;
    }
  }
}

/** Hashes one tree level: 2n child nodes -> n parents, `h = Poseidon(hL, sL, hR, sR)`, `s = sL + sR mod p`. */
export function hashLevelJs(children: Uint8Array, poseidon: BytePoseidon): Uint8Array {
  if (children.length % (2 * NODE_BYTES) !== 0) throw new RangeError("hashLevel: children must hold 2n 64-byte nodes");
  const n = children.length / (2 * NODE_BYTES);
  const out = new Uint8Array(n * NODE_BYTES);
  for (let i = 0; i < n; i++) {
    const o = i * 2 * NODE_BYTES;
    poseidon.hashBytes(children, o, 4, out, i * NODE_BYTES);
    addModP(children, o + 32, children, o + 96, out, i * NODE_BYTES + 32);
  }
  return out;
}

/** Leaf hashes: n (accountKey, balance) pairs of 64 bytes -> n hashes `Poseidon(k, b)` of 32 bytes. */
export function hashLeavesJs(pairs: Uint8Array, poseidon: BytePoseidon): Uint8Array {
  if (pairs.length % 64 !== 0) throw new RangeError("hashLeaves: pairs must hold n 64-byte pairs");
  const n = pairs.length / 64;
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) poseidon.hashBytes(pairs, i * 64, 2, out, i * 32);
  return out;
}
