// A balance record and the Poseidon values signed and committed for it (docs/protocol.md section 3 and section 5):
// account key, record message, nullifier, key hash, leaf hash. No Node built-in: the web page (web/) runs these in the
// browser; src/records/index.ts re-exports them with the member-side derivations (salts, slots, file names).
import { sha256, toUtf8Bytes } from "ethers";

import { ACCOUNT_DOMAIN, FIELD_P, KEY_DOMAIN, MAX_BALANCE, NULLIFIER_DOMAIN, RECORD_DOMAIN } from "../crypto/field.js";
import type { PoseidonLike } from "../crypto/index.js";

/** A balance record `{member, asset, t, slot, accountKey, balance, payoutHash}`. */
export interface BalanceRecord {
  /** The member's Ethereum address as a 160-bit integer. */
  member: bigint;
  /** 32-bit asset id. */
  asset: number;
  /** Snapshot time, Unix seconds, < 2^64. */
  t: bigint;
  /** Leaf index, < 2^d. */
  slot: number;
  /** Opaque per-snapshot account key (a field element). */
  accountKey: bigint;
  /** Balance in base units, < 2^96. */
  balance: bigint;
  /** Commitment to where restitution is paid ({@link payoutHashOf}), < 2^248; `0` = no payout registered. */
  payoutHash: bigint;
}

/** Upper bound (exclusive) of a payout hash: keccak256 shifted right by 8 bits. */
export const MAX_PAYOUT_HASH = 1n << 248n;

/** Validates the ranges of a record's fields; throws a RangeError naming the field. */
export function checkRecord(r: BalanceRecord): void {
  if (r.member < 0n || r.member >= 1n << 160n) throw new RangeError("record.member must be a 160-bit address");
  if (!Number.isInteger(r.asset) || r.asset < 0 || r.asset >= 2 ** 32) throw new RangeError("record.asset must be u32");
  if (r.t < 0n || r.t >= 1n << 64n) throw new RangeError("record.t must be below 2^64");
  if (!Number.isInteger(r.slot) || r.slot < 0 || r.slot >= 2 ** 32) throw new RangeError("record.slot must be u32");
  if (r.accountKey < 0n || r.accountKey >= FIELD_P) throw new RangeError("record.accountKey must be a field element");
  if (r.balance < 0n || r.balance >= MAX_BALANCE) throw new RangeError("record.balance must be in [0, 2^96)");
  if (typeof r.payoutHash !== "bigint" || r.payoutHash < 0n || r.payoutHash >= MAX_PAYOUT_HASH) {
    throw new RangeError("record.payoutHash must be in [0, 2^248) (0: no payout registered)");
  }
}

/** `accountIdField = uint256(sha256(utf8(accountId))) >> 8`. */
export function accountIdField(accountId: string): bigint {
  return BigInt(sha256(toUtf8Bytes(accountId))) >> 8n;
}

/** `accountKey = Poseidon(ACCOUNT_DOMAIN, accountIdField, accountSalt, t)`. */
export function accountKeyOf(poseidon: PoseidonLike, accountId: string, salt: bigint, t: bigint): bigint {
  return poseidon([ACCOUNT_DOMAIN, accountIdField(accountId), salt, t]);
}

/** Number of inputs of the record message's Poseidon. */
export const RECORD_MESSAGE_ARITY = 8;

/** The message's inputs `[RECORD_DOMAIN, member, asset, t, slot, accountKey, balance, payoutHash]` (range-checked). */
export function recordMessageInputs(r: BalanceRecord): bigint[] {
  checkRecord(r);
  return [RECORD_DOMAIN, r.member, BigInt(r.asset), r.t, BigInt(r.slot), r.accountKey, r.balance, r.payoutHash];
}

/** Record message v2 `m = Poseidon(RECORD_DOMAIN, member, asset, t, slot, accountKey, balance, payoutHash)`. */
export function recordMessage(poseidon: PoseidonLike, r: BalanceRecord): bigint {
  return poseidon(recordMessageInputs(r));
}

/** Nullifier `Poseidon(NULLIFIER_DOMAIN, m)`. */
export function recordNullifier(poseidon: PoseidonLike, message: bigint): bigint {
  return poseidon([NULLIFIER_DOMAIN, message]);
}

/** Record key hash `Poseidon(KEY_DOMAIN, Ax, Ay)` as the registry stores it. */
export function recordKeyHash(poseidon: PoseidonLike, ax: bigint, ay: bigint): bigint {
  return poseidon([KEY_DOMAIN, ax, ay]);
}

/** Leaf hash `Poseidon(accountKey, balance)`. */
export function leafHash(poseidon: PoseidonLike, accountKey: bigint, balance: bigint): bigint {
  return poseidon([accountKey, balance]);
}
