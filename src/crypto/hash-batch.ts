// Batched SHA-256, HMAC-SHA256 and keccak256 for the snapshot's per-user derivations (issue 18): account salts,
// account-id fields, slot candidates, payout salts and hashes. The native addon hashes a batch in one call on every
// core (SHA-NI where the CPU has it); without it, node:crypto and js-sha3 compute the same bytes one item at a time
// (test/native/hashes.test.ts holds the two to each other).
import { createHash } from "node:crypto";

import sha3 from "js-sha3";

import { loadNative } from "./native.js";

/** Batched hashes; a segment list is `data` cut at `ends` (segment i is data[ends[i-1] .. ends[i]), ends[-1] = 0). */
export interface HashBatch {
  readonly kind: "native" | "js";
  /** SHA-256 of each segment, 32 bytes each. */
  sha256Many(data: Uint8Array, ends: Uint32Array): Uint8Array;
  /** HMAC-SHA256(key, prefix || segment) of each segment, 32 bytes each; the key is 1..64 bytes. */
  hmacSha256Many(key: Uint8Array, prefix: Uint8Array, data: Uint8Array, ends: Uint32Array): Uint8Array;
  /** keccak256 of each `stride`-byte item of `data`, 32 bytes each. */
  keccak256Many(data: Uint8Array, stride: number): Uint8Array;
}

function checkEnds(fn: string, data: Uint8Array, ends: Uint32Array): void {
  let prev = 0;
  for (let i = 0; i < ends.length; i++) {
    if (ends[i] < prev || ends[i] > data.length) {
      throw new RangeError(`${fn}: ends[${i}] = ${ends[i]} is below the previous end or beyond the data`);
    }
    prev = ends[i];
  }
}

/** The same bytes one item at a time through node:crypto and js-sha3. */
export const jsHashBatch: HashBatch = Object.freeze({
  kind: "js" as const,
  sha256Many(data: Uint8Array, ends: Uint32Array): Uint8Array {
    checkEnds("sha256Many", data, ends);
    const out = new Uint8Array(ends.length * 32);
    for (let i = 0; i < ends.length; i++) {
      out.set(
        createHash("sha256")
          .update(data.subarray(i === 0 ? 0 : ends[i - 1], ends[i]))
          .digest(),
        i * 32,
      );
    }
    return out;
  },
  hmacSha256Many(key: Uint8Array, prefix: Uint8Array, data: Uint8Array, ends: Uint32Array): Uint8Array {
    if (key.length < 1 || key.length > 64) throw new RangeError(`hmacSha256Many: key must be 1 to 64 bytes`);
    checkEnds("hmacSha256Many", data, ends);
    // The pads laid out once, then two one-shot SHA-256 calls per item (bit-identical to createHmac).
    const inner = Buffer.alloc(64 + prefix.length);
    const outer = Buffer.alloc(64 + 32);
    for (let i = 0; i < 64; i++) {
      const k = i < key.length ? key[i] : 0;
      inner[i] = k ^ 0x36;
      outer[i] = k ^ 0x5c;
    }
    inner.set(prefix, 64);
    const out = new Uint8Array(ends.length * 32);
    for (let i = 0; i < ends.length; i++) {
      const ih = createHash("sha256")
        .update(inner)
        .update(data.subarray(i === 0 ? 0 : ends[i - 1], ends[i]))
        .digest();
      ih.copy(outer, 64);
      out.set(createHash("sha256").update(outer).digest(), i * 32);
    }
    return out;
  },
  keccak256Many(data: Uint8Array, stride: number): Uint8Array {
    if (!Number.isInteger(stride) || stride < 1 || data.length % stride !== 0) {
      throw new RangeError("keccak256Many: stride must divide the data length");
    }
    const n = data.length / stride;
    const out = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) out.set(sha3.keccak256.array(data.subarray(i * stride, (i + 1) * stride)), i * 32);
    return out;
  },
});

/** Verified against {@link jsHashBatch} once per process: a native batch that disagrees is never used. */
let nativeBatch: HashBatch | null | undefined;

function loadNativeBatch(): HashBatch | null {
  const n = loadNative();
  if (n === undefined) return null;
  const b: HashBatch = Object.freeze({
    kind: "native" as const,
    sha256Many: (data: Uint8Array, ends: Uint32Array) => n.sha256Many(data, u8(ends)),
    hmacSha256Many: (key: Uint8Array, prefix: Uint8Array, data: Uint8Array, ends: Uint32Array) =>
      n.hmacSha256Many(key, prefix, data, u8(ends)),
    keccak256Many: (data: Uint8Array, stride: number) => n.keccak256Many(data, stride),
  });
  // Self-test (as loadNative checks Poseidon): a few lengths across block boundaries.
  const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
  const ends = Uint32Array.from([0, 1, 55, 56, 64, 119, 120, 300]);
  const key = data.subarray(0, 32);
  const same = (a: Uint8Array, c: Uint8Array) => Buffer.from(a).equals(Buffer.from(c));
  if (
    !same(b.sha256Many(data, ends), jsHashBatch.sha256Many(data, ends)) ||
    !same(
      b.hmacSha256Many(key, data.subarray(0, 23), data, ends),
      jsHashBatch.hmacSha256Many(key, data.subarray(0, 23), data, ends),
    ) ||
    !same(b.keccak256Many(data, 100), jsHashBatch.keccak256Many(data, 100))
  ) {
    return null;
  }
  return b;
}

/** u32 ends as little-endian bytes (the addon's form). */
function u8(ends: Uint32Array): Uint8Array {
  const b = new Uint8Array(ends.buffer, ends.byteOffset, ends.byteLength);
  if (new Uint8Array(Uint32Array.of(1).buffer)[0] === 1) return b;
  const le = new Uint8Array(ends.length * 4);
  for (let i = 0; i < ends.length; i++) new DataView(le.buffer).setUint32(i * 4, ends[i], true);
  return le;
}

/**
 * The hash batch to use: the native addon's when it is built and agrees with JavaScript (unless `backend` is "js"),
 * else {@link jsHashBatch}.
 */
export function hashBatch(backend?: "native" | "js"): HashBatch {
  if (backend === "js") return jsHashBatch;
  if (nativeBatch === undefined) nativeBatch = loadNativeBatch();
  return nativeBatch ?? jsHashBatch;
}

/** UTF-8 bytes of `strings[start..end)` back to back, and where each ends. */
export function utf8Segments(
  strings: readonly string[],
  start = 0,
  end = strings.length,
): { data: Uint8Array; ends: Uint32Array } {
  let cap = 0;
  for (let i = start; i < end; i++) cap += strings[i].length * 3;
  const data = Buffer.allocUnsafe(cap);
  const ends = new Uint32Array(end - start);
  let o = 0;
  for (let i = start; i < end; i++) {
    o += data.write(strings[i], o, "utf8");
    ends[i - start] = o;
  }
  return { data: data.subarray(0, o), ends };
}
