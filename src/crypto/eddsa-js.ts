// EdDSA-Poseidon on Baby Jubjub, bit-for-bit as circomlibjs's eddsa.signPoseidon / verifyPoseidon and
// circomlib's EdDSAPoseidonVerifier, but with a fixed-base table and batch inversion for speed.
import { createRequire } from "node:module";

import { BASE8, mulBase8, mulBase8Many, type Point } from "./babyjub.js";
import type { Signature } from "./eddsa-verify.js";
import { FIELD_P, SUBGROUP_ORDER, readLE, writeLE32 } from "./field.js";
import type { PoseidonFn } from "./poseidon-js.js";

export { verifyJs, type Signature } from "./eddsa-verify.js";

interface BlakeHash {
  update(data: Uint8Array): BlakeHash;
  digest(): Buffer;
}
const requireCjs = createRequire(import.meta.url);
// blake-hash (a dependency of circomlibjs) ships a prebuilt native binding with a pure-JS fallback.
const createBlakeHash = requireCjs("blake-hash") as (alg: "blake512") => BlakeHash;

/** BLAKE-512 (the SHA-3 finalist, as circomlibjs uses it). */
export function blake512(data: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return createBlakeHash("blake512").update(buf).digest();
}

/** The secret material derived from a 32-byte private key: scalar `s` and the nonce prefix. */
export interface ExpandedKey {
  /** The pruned scalar (circomlibjs `s`). */
  s: bigint;
  /** Upper half of blake512(privateKey), mixed into every nonce. */
  prefix: Buffer;
  /** The public key `(s >> 3) * Base8`. */
  publicKey: Point;
}

function checkPrivateKey(privateKey: Uint8Array): void {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new TypeError("a record private key must be exactly 32 bytes");
  }
}

/** Expands a 32-byte private key the way circomlibjs does (blake512, then prune the low half). */
export function expandKey(privateKey: Uint8Array): ExpandedKey {
  checkPrivateKey(privateKey);
  const h = blake512(privateKey);
  const low = Buffer.from(h.subarray(0, 32));
  low[0] &= 0xf8;
  low[31] &= 0x7f;
  low[31] |= 0x40;
  const s = readLE(low, 0, 32);
  return { s, prefix: Buffer.from(h.subarray(32, 64)), publicKey: mulBase8(s >> 3n) };
}

/** The public key `(Ax, Ay)` of a 32-byte private key. */
export function publicKeyJs(privateKey: Uint8Array): Point {
  return expandKey(privateKey).publicKey;
}

/** Signs many field-element messages with one key; nonces are deterministic (RFC 8032 style, as circomlibjs). */
export function signManyJs(key: ExpandedKey, messages: readonly bigint[], poseidon: PoseidonFn): Signature[] {
  const rs: bigint[] = new Array<bigint>(messages.length);
  const buf = Buffer.alloc(64);
  key.prefix.copy(buf, 0);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m < 0n || m >= FIELD_P) throw new RangeError(`message ${i} is not a field element`);
    buf.fill(0, 32);
    writeLE32(buf, 32, m);
    rs[i] = readLE(blake512(buf), 0, 64) % SUBGROUP_ORDER;
  }
  const r8s = mulBase8Many(rs);
  const [ax, ay] = key.publicKey;
  const out: Signature[] = new Array<Signature>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const [rx, ry] = r8s[i];
    const hm = poseidon([rx, ry, ax, ay, messages[i]]);
    const S = (rs[i] + hm * key.s) % SUBGROUP_ORDER;
    out[i] = { R8x: rx, R8y: ry, S };
  }
  return out;
}

export { BASE8 };
