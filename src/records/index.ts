// Signed balance records (docs/protocol.md section 3 and section 5): account keys, slot assignment, payout
// commitments, the record message, nullifier and key hash.
import { createHash, createHmac, hash as nodeHash } from "node:crypto";
import { join } from "node:path";

import { payoutHashOf, payoutHashOfChecked, type PayoutOpening } from "./payout.js";

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

/**
 * HMAC-SHA256(memberSecret, prefix || utf8(id)) for many ids: the key pads and the prefix are laid out once, then two
 * one-shot SHA-256 calls per id (as the slot derivation does) instead of an HMAC object per id. Same bytes as
 * createHmac (test/snapshot/inputs.test.ts).
 */
class PrefixHmac {
  private inner: Buffer;
  private readonly outer = Buffer.alloc(64 + 32);
  private readonly head: number;

  constructor(memberSecret: Uint8Array, prefix: Buffer) {
    checkSecret(memberSecret);
    this.head = 64 + prefix.length;
    this.inner = Buffer.alloc(this.head + 256);
    for (let i = 0; i < 64; i++) {
      const k = i < 32 ? memberSecret[i] : 0;
      this.inner[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
    prefix.copy(this.inner, 64);
  }

  /** The MAC of prefix || utf8(id), as 64 hex digits. */
  hex(id: string): string {
    const max = Buffer.byteLength(id, "utf8");
    if (this.head + max > this.inner.length) {
      const grown = Buffer.alloc(this.head + max);
      this.inner.copy(grown, 0, 0, this.head);
      this.inner = grown;
    }
    const len = this.inner.write(id, this.head, "utf8");
    sha256(this.inner.subarray(0, this.head + len)).copy(this.outer, 64);
    return sha256(this.outer).toString("hex");
  }
}

/** {@link deriveAccountSalt} of many accounts of one asset (the same salts, batched: {@link PrefixHmac}). */
export function deriveAccountSalts(memberSecret: Uint8Array, asset: number, accountIds: readonly string[]): bigint[] {
  const mac = new PrefixHmac(memberSecret, Buffer.concat([Buffer.from(SALT_LABEL, "ascii"), u32be(asset)]));
  return accountIds.map((id) => BigInt("0x" + mac.hex(id)) >> 8n);
}

/**
 * {@link payoutCommitment} of many accounts of one asset (the same commitments; the payout salts batched as
 * {@link deriveAccountSalts}). `addressChecked` as in payoutCommitment.
 */
export function payoutCommitments(
  memberSecret: Uint8Array,
  t: bigint,
  asset: number,
  accountIds: readonly string[],
  addresses: readonly (string | undefined)[],
  opts: { addressChecked?: boolean } = {},
): PayoutCommitment[] {
  const tBytes = Buffer.alloc(8);
  tBytes.writeBigUInt64BE(t);
  const mac = new PrefixHmac(memberSecret, Buffer.concat([Buffer.from(PAYOUT_LABEL, "ascii"), tBytes, u32be(asset)]));
  const hashOf = opts.addressChecked === true ? payoutHashOfChecked : payoutHashOf;
  return accountIds.map((id, i) => {
    const address = addresses[i];
    if (address === undefined) return { payout: null, payoutHash: 0n };
    const payout = { address, salt: BigInt("0x" + mac.hex(id)) };
    return { payout, payoutHash: hashOf(payout) };
  });
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
): Uint32Array {
  checkSecret(memberSecret);
  if (!Number.isInteger(d) || d < 1 || d > 32) throw new RangeError(`slot bits d must be 1..32, got ${d}`);
  const n = accountKeys.length;
  if (n > 2 ** (d - 1)) {
    throw new RangeError(`${n} accounts do not fit a slot space of 2^${d} (at most 2^${d - 1}); choose a larger d`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    accountKeys[a] < accountKeys[b] ? -1 : accountKeys[a] > accountKeys[b] ? 1 : 0,
  );
  for (let i = 1; i < n; i++) {
    if (accountKeys[order[i]] === accountKeys[order[i - 1]]) throw new RangeError("two accounts share an accountKey");
  }
  const deriver = new SlotDeriver(memberSecret, t, asset, d);
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
  for (const i of order) {
    for (let counter = 0; ; counter++) {
      const s = deriver.candidate(accountKeys[i], counter);
      if (take(s)) {
        out[i] = s;
        break;
      }
    }
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
