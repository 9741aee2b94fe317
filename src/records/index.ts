// Signed balance records (docs/protocol.md section 3 and section 5): account keys, slot assignment, payout
// commitments, the record message, nullifier and key hash.
import { createHash, createHmac, hash as nodeHash } from "node:crypto";
import { join } from "node:path";

import { getAddress, getBytes } from "ethers";

import { readLE32, writeLE32 } from "../crypto/field.js";
import { hashBatch, utf8Segments, type HashBatch } from "../crypto/hash-batch.js";
import { checksummedAddress } from "../schema/index.js";
import { PAYOUT_DOMAIN, payoutHashOf, payoutHashOfChecked, type PayoutOpening } from "./payout.js";

const PAYOUT_DOMAIN_BYTES = getBytes(PAYOUT_DOMAIN);

export { PAYOUT_DOMAIN, payoutHashOf, payoutHashOfChecked, type PayoutOpening } from "./payout.js";
export * from "./record.js";

/** Domain-separation labels of the member-secret derivations (HMAC-SHA256 messages start with these bytes). */
export const SALT_LABEL = "por.salt.v1";
export const SLOT_LABEL = "por.slot.v1";
export const FILE_LABEL = "por.file.v1";
export const PAYOUT_LABEL = "por.payout.v1";

function u32be(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}

function checkSecret(memberSecret: Uint8Array): void {
  if (memberSecret.length !== 32) throw new TypeError("the member secret must be 32 bytes");
}

/**
 * `accountSalt = uint256(HMAC-SHA256(memberSecret, "por.salt.v1" || asset u32 BE || utf8(accountId))) >> 8`:
 * secret, stable per (account, asset), different across assets so one account's keys do not link its assets.
 */
export function deriveAccountSalt(memberSecret: Uint8Array, asset: number, accountId: string): bigint {
  checkSecret(memberSecret);
  const mac = createHmac("sha256", memberSecret)
    .update(SALT_LABEL)
    .update(u32be(asset))
    .update(accountId, "utf8")
    .digest("hex");
  return BigInt("0x" + mac) >> 8n;
}

/** {@link deriveAccountSalt} of many accounts of one asset, batched: 32 bytes little-endian per account. */
export function deriveAccountSaltBytes(
  memberSecret: Uint8Array,
  asset: number,
  accountIds: readonly string[],
  hashes: HashBatch = hashBatch(),
): Uint8Array {
  checkSecret(memberSecret);
  const prefix = Buffer.concat([Buffer.from(SALT_LABEL, "ascii"), u32be(asset)]);
  const { data, ends } = utf8Segments(accountIds);
  const macs = hashes.hmacSha256Many(memberSecret, prefix, data, ends);
  // The MAC as a big-endian integer shifted right by 8 bits: its first 31 bytes, reversed into little-endian.
  const out = new Uint8Array(accountIds.length * 32);
  for (let i = 0; i < accountIds.length; i++) {
    const o = i * 32;
    for (let j = 0; j < 31; j++) out[o + j] = macs[o + 30 - j];
  }
  return out;
}

/** {@link deriveAccountSalt} of many accounts of one asset (the same salts, batched: {@link deriveAccountSaltBytes}). */
export function deriveAccountSalts(
  memberSecret: Uint8Array,
  asset: number,
  accountIds: readonly string[],
  hashes?: HashBatch,
): bigint[] {
  const b = deriveAccountSaltBytes(memberSecret, asset, accountIds, hashes);
  return accountIds.map((_, i) => readLE32(b, i * 32));
}

/** The payout commitments of one asset's accounts, columnar (see {@link payoutColumns}). */
export interface PayoutColumns {
  /** Per account: its payout address (as given), or undefined when none is registered. */
  addresses: readonly (string | undefined)[];
  /** Per account: the payout salt, 32 bytes little-endian (zero without an address). */
  salts: Uint8Array;
  /** Per account: the payout hash signed in the record, 32 bytes little-endian (zero without an address). */
  hashes: Uint8Array;
}

/**
 * {@link payoutCommitment} of many accounts of one asset, columnar and batched (payout salts as HMAC batches,
 * payout hashes as keccak256 batches): the same salts and hashes. `addressChecked` as in payoutCommitment.
 */
export function payoutColumns(
  memberSecret: Uint8Array,
  t: bigint,
  asset: number,
  accountIds: readonly string[],
  addresses: readonly (string | undefined)[],
  opts: { addressChecked?: boolean; hashes?: HashBatch } = {},
): PayoutColumns {
  checkSecret(memberSecret);
  const hashes = opts.hashes ?? hashBatch();
  const n = accountIds.length;
  const tBytes = Buffer.alloc(8);
  tBytes.writeBigUInt64BE(t);
  const prefix = Buffer.concat([Buffer.from(PAYOUT_LABEL, "ascii"), tBytes, u32be(asset)]);
  const withPayout: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = addresses[i];
    if (a === undefined) continue;
    // What payoutHashOf / payoutHashOfChecked refuse, refused the same way.
    if (opts.addressChecked !== true) {
      if (checksummedAddress(a) === undefined) getAddress(a); // throws what payoutHashOf throws
    } else if (!/^0x[0-9a-fA-F]{40}$/.test(a))
      throw new RangeError(`payout address "${a.slice(0, 44)}" is not 0x + 40 hex`);
    withPayout.push(i);
  }
  const { data, ends } = utf8Segments(withPayout.map((i) => accountIds[i]));
  const macs = hashes.hmacSha256Many(memberSecret, prefix, data, ends);
  // keccak256(abi.encode(PAYOUT_DOMAIN, address, salt)): the address right-aligned, the salt (the MAC) big-endian.
  const pre = new Uint8Array(withPayout.length * 96);
  withPayout.forEach((i, k) => {
    const o = k * 96;
    pre.set(PAYOUT_DOMAIN_BYTES, o);
    hexBytesInto(pre, o + 44, addresses[i] as string);
    pre.set(macs.subarray(k * 32, k * 32 + 32), o + 64);
  });
  const digests = hashes.keccak256Many(pre, 96);
  const salts = new Uint8Array(n * 32);
  const out = new Uint8Array(n * 32);
  withPayout.forEach((i, k) => {
    const o = i * 32;
    const m = k * 32;
    for (let j = 0; j < 32; j++) salts[o + j] = macs[m + 31 - j];
    for (let j = 0; j < 31; j++) out[o + j] = digests[m + 30 - j]; // >> 8, little-endian
  });
  return { addresses, salts, hashes: out };
}

/** Writes the 20 bytes of a 0x + 40 hex address (checked by the caller) into `dst` at `off`. */
function hexBytesInto(dst: Uint8Array, off: number, address: string): void {
  for (let j = 0; j < 20; j++) dst[off + j] = (hexDigit(address, 2 + 2 * j) << 4) | hexDigit(address, 3 + 2 * j);
}

function hexDigit(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/** Account `i`'s payout commitment from the columns: the opening given to the user (or null) and its hash. */
export function payoutCommitmentAt(c: PayoutColumns, i: number): PayoutCommitment {
  const address = c.addresses[i];
  if (address === undefined) return { payout: null, payoutHash: 0n };
  return { payout: { address, salt: readLE32(c.salts, i * 32) }, payoutHash: readLE32(c.hashes, i * 32) };
}

/**
 * {@link payoutCommitment} of many accounts of one asset (the same commitments, from {@link payoutColumns}).
 * `addressChecked` as in payoutCommitment.
 */
export function payoutCommitments(
  memberSecret: Uint8Array,
  t: bigint,
  asset: number,
  accountIds: readonly string[],
  addresses: readonly (string | undefined)[],
  opts: { addressChecked?: boolean; hashes?: HashBatch } = {},
): PayoutCommitment[] {
  const c = payoutColumns(memberSecret, t, asset, accountIds, addresses, opts);
  return accountIds.map((_, i) => payoutCommitmentAt(c, i));
}

/**
 * `payoutSalt = uint256(HMAC-SHA256(memberSecret, "por.payout.v1" || u64(t) BE || u32(asset) BE || utf8(accountId)))`
 * (all 256 bits): secret, fresh per record, so one user's payout commitments do not link across snapshots or assets.
 */
export function derivePayoutSalt(memberSecret: Uint8Array, t: bigint, asset: number, accountId: string): bigint {
  checkSecret(memberSecret);
  const tBytes = Buffer.alloc(8);
  tBytes.writeBigUInt64BE(t);
  const mac = createHmac("sha256", memberSecret)
    .update(PAYOUT_LABEL)
    .update(tBytes)
    .update(u32be(asset))
    .update(accountId, "utf8")
    .digest("hex");
  return BigInt("0x" + mac);
}

/** A record's payout commitment: the opening the user receives (null if none registered) and its hash. */
export interface PayoutCommitment {
  payout: PayoutOpening | null;
  payoutHash: bigint;
}

/**
 * The payout commitment of one record: with a payout address, the opening `{address, salt = derivePayoutSalt(...)}`
 * and `payoutHashOf(opening)`; without one, `{payout: null, payoutHash: 0}`. `addressChecked`: the address comes
 * checksummed from the ledger's `parsePayout`, so the hash skips the second checksum ({@link payoutHashOfChecked}).
 */
export function payoutCommitment(
  memberSecret: Uint8Array,
  t: bigint,
  asset: number,
  accountId: string,
  address: string | undefined,
  opts: { addressChecked?: boolean } = {},
): PayoutCommitment {
  if (address === undefined) return { payout: null, payoutHash: 0n };
  const payout = { address, salt: derivePayoutSalt(memberSecret, t, asset, accountId) };
  return { payout, payoutHash: opts.addressChecked === true ? payoutHashOfChecked(payout) : payoutHashOf(payout) };
}

/** Default slot-space bits for n accounts: `ceil(log2(n)) + 4`, capped at `maxDepth`. */
export function defaultSlotBits(n: number, maxDepth = 32): number {
  const lg = n <= 1 ? 0 : Math.ceil(Math.log2(n));
  return Math.min(maxDepth, lg + 4);
}

/**
 * Derives slot candidates: the top d bits of
 * `HMAC-SHA256(memberSecret, "por.slot.v1" || u64(t) || u32(asset) || u256(accountKey) || u32(counter))`.
 * HMAC is computed from precomputed pads with two one-shot SHA-256 calls (bit-identical to createHmac, faster).
 */
class SlotDeriver {
  private readonly inner: Buffer;
  private readonly outer: Buffer;
  private static readonly LABEL = Buffer.from(SLOT_LABEL, "ascii");
  private static readonly MSG_BYTES = SLOT_LABEL.length + 8 + 4 + 32 + 4;

  constructor(
    memberSecret: Uint8Array,
    t: bigint,
    asset: number,
    private readonly d: number,
  ) {
    checkSecret(memberSecret);
    this.inner = Buffer.alloc(64 + SlotDeriver.MSG_BYTES);
    this.outer = Buffer.alloc(64 + 32);
    for (let i = 0; i < 64; i++) {
      const k = i < 32 ? memberSecret[i] : 0;
      this.inner[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
    let o = 64;
    o += SlotDeriver.LABEL.copy(this.inner, o);
    this.inner.writeBigUInt64BE(t, o);
    this.inner.writeUInt32BE(asset, o + 8);
  }

  candidate(accountKey: bigint, counter: number): number {
    const o = 64 + SLOT_LABEL.length + 12;
    this.inner.write(accountKey.toString(16).padStart(64, "0"), o, 32, "hex");
    this.inner.writeUInt32BE(counter, o + 32);
    sha256(this.inner).copy(this.outer, 64);
    const mac = sha256(this.outer);
    return this.d === 0 ? 0 : Math.floor(mac.readUInt32BE(0) / 2 ** (32 - this.d));
  }
}

const sha256: (b: Buffer) => Buffer =
  typeof nodeHash === "function"
    ? (b) => nodeHash("sha256", b, "buffer")
    : (b) => createHash("sha256").update(b).digest();

/** Candidate slot number `counter` for an account: the top d bits of an HMAC (see docs/protocol.md 5.2). */
export function slotCandidate(
  memberSecret: Uint8Array,
  t: bigint,
  asset: number,
  accountKey: bigint,
  counter: number,
  d: number,
): number {
  return new SlotDeriver(memberSecret, t, asset, d).candidate(accountKey, counter);
}

/**
 * Assigns collision-free pseudo-random slots in `[0, 2^d)`. Accounts are processed in ascending accountKey order;
 * each takes its first candidate (counter 0, 1, ...) not yet taken. The result depends only on the set of
 * accountKeys, never on input order. Refuses more than 2^(d-1) accounts (keeps the expected retries below 1).
 * Returns slots in the order of `accountKeys`.
 */
export function assignSlots(
  memberSecret: Uint8Array,
  t: bigint,
  asset: number,
  accountKeys: readonly bigint[],
  d: number,
  hashes?: HashBatch,
): Uint32Array {
  const bytes = new Uint8Array(accountKeys.length * 32);
  accountKeys.forEach((k, i) => writeLE32(bytes, i * 32, k));
  return assignSlotsOf(memberSecret, t, asset, bytes, d, hashes);
}

/**
 * The accounts `0..n-1` in ascending order of their 32-byte little-endian keys in `keyBytes` (what a comparator sort
 * over the whole keys gives): a stable radix sort (two 16-bit passes) on each key's top 32 bits, then each run of keys
 * sharing those bits (about n^2 / 2^33 pairs: ~128 at 2^20) sorted by the remaining bytes, most significant first.
 * Throws on two equal keys. Issue 18: ~0.1 s at 2^20 instead of ~0.8 s for the comparator sort.
 */
export function ascendingKeyOrder(keyBytes: Uint8Array, n: number): Uint32Array {
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * 32;
    hi[i] = ((keyBytes[o + 31] << 24) | (keyBytes[o + 30] << 16) | (keyBytes[o + 29] << 8) | keyBytes[o + 28]) >>> 0;
  }
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(hi[i] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const i = src[k];
      dst[count[(hi[i] >>> shift) & 0xffff]++] = i;
    }
    [src, dst] = [dst, src];
  }
  const rest = (a: number, b: number): number => {
    for (let j = 27; j >= 0; j--) {
      const x = keyBytes[a * 32 + j] - keyBytes[b * 32 + j];
      if (x !== 0) return x;
    }
    return 0;
  };
  for (let k = 0; k < n;) {
    let e = k + 1;
    while (e < n && hi[src[e]] === hi[src[k]]) e++;
    if (e - k > 1) {
      const run = src.subarray(k, e);
      run.sort(rest);
      for (let j = 1; j < run.length; j++) {
        if (rest(run[j], run[j - 1]) === 0) throw new RangeError("two accounts share an accountKey");
      }
    }
    k = e;
  }
  return src;
}

/**
 * {@link assignSlots} over account keys given as 32 bytes little-endian each (the hash outputs as they come): every
 * account's first candidate in one HMAC batch, the rare later ones (a taken slot) one at a time.
 */
export function assignSlotsOf(
  memberSecret: Uint8Array,
  t: bigint,
  asset: number,
  keyBytes: Uint8Array,
  d: number,
  hashes: HashBatch = hashBatch(),
): Uint32Array {
  checkSecret(memberSecret);
  if (!Number.isInteger(d) || d < 1 || d > 32) throw new RangeError(`slot bits d must be 1..32, got ${d}`);
  if (keyBytes.length % 32 !== 0) throw new RangeError("account keys must be 32 bytes each");
  const n = keyBytes.length / 32;
  if (n > 2 ** (d - 1)) {
    throw new RangeError(`${n} accounts do not fit a slot space of 2^${d} (at most 2^${d - 1}); choose a larger d`);
  }
  const order = ascendingKeyOrder(keyBytes, n);
  // Message after the prefix: u256(accountKey) big-endian || u32(counter).
  const tBytes = Buffer.alloc(8);
  tBytes.writeBigUInt64BE(t);
  const prefix = Buffer.concat([Buffer.from(SLOT_LABEL, "ascii"), tBytes, u32be(asset)]);
  const msgs = new Uint8Array(n * 36);
  const ends = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 32; j++) msgs[i * 36 + j] = keyBytes[i * 32 + 31 - j];
    ends[i] = (i + 1) * 36;
  }
  const first = hashes.hmacSha256Many(memberSecret, prefix, msgs, ends);
  const slotOf = (mac: Uint8Array, o: number) =>
    Math.floor((((mac[o] << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3]) >>> 0) / 2 ** (32 - d));
  // Taken slots: a bitmap for slot spaces up to 2^27 (16 MiB), a Set beyond.
  const bitmap = d <= 27 ? new Uint8Array(2 ** Math.max(0, d - 3)) : undefined;
  const set = bitmap === undefined ? new Set<number>() : undefined;
  const take = (s: number): boolean => {
    if (bitmap !== undefined) {
      const bit = 1 << (s & 7);
      if ((bitmap[s >>> 3] & bit) !== 0) return false;
      bitmap[s >>> 3] |= bit;
      return true;
    }
    if ((set as Set<number>).has(s)) return false;
    (set as Set<number>).add(s);
    return true;
  };
  const out = new Uint32Array(n);
  const one = new Uint8Array(36);
  const oneEnd = Uint32Array.of(36);
  for (const i of order) {
    let s = slotOf(first, i * 32);
    for (let counter = 1; !take(s); counter++) {
      one.set(msgs.subarray(i * 36, i * 36 + 32));
      new DataView(one.buffer).setUint32(32, counter);
      s = slotOf(hashes.hmacSha256Many(memberSecret, prefix, one, oneEnd), 0);
    }
    out[i] = s;
  }
  return out;
}

/** A stable, non-reversible file name for an account's record: hex of HMAC(memberSecret, "por.file.v1" || id). */
export function accountFileRef(memberSecret: Uint8Array, accountId: string): string {
  checkSecret(memberSecret);
  return createHmac("sha256", memberSecret).update(FILE_LABEL).update(accountId, "utf8").digest("hex").slice(0, 32);
}

/** Where a snapshot directory keeps its record files: `<dir>/records`, or with `asset`, `<dir>/records/<asset>`. */
export function recordsDirOf(snapshotDir: string, asset?: number): string {
  return asset === undefined ? join(snapshotDir, "records") : join(snapshotDir, "records", String(asset));
}

/** The path of an account's record file in a snapshot directory: `records/<asset>/<accountFileRef>.json`. */
export function recordFilePath(
  snapshotDir: string,
  asset: number,
  memberSecret: Uint8Array,
  accountId: string,
): string {
  return join(recordsDirOf(snapshotDir, asset), `${accountFileRef(memberSecret, accountId)}.json`);
}
