// The forwarded record (format `por.forwarded-record` v1): what a user sends to a verifier. Only the record, its
// signature and the member's record key, plus an optional payout address for restitution; never the account id or
// salt (B7/B12), never the inclusion path. See docs/protocol.md "Verifier service".
import { getAddress } from "ethers";
import { z } from "zod";

import { address, decimal, fieldElement, u64String, u96String } from "../schema/index.js";

import type { Point, Signature } from "../crypto/index.js";
import type { BalanceRecord } from "../records/index.js";
import type { RecordFile } from "../records/file.js";

const dec = decimal;
const field = fieldElement;
const u32 = z
  .number()
  .int("must be an integer")
  .min(0)
  .max(2 ** 32 - 1);

/** Format tag and version of a forwarded record. */
export const FORWARDED_FORMAT = "por.forwarded-record";
export const FORWARDED_VERSION = 1;

/** zod schema of a forwarded record, version 1 (strict: unknown fields are refused). */
export const forwardedRecordSchema = z.strictObject({
  format: z.literal(FORWARDED_FORMAT),
  version: z.literal(FORWARDED_VERSION),
  record: z.strictObject({
    member: address,
    asset: u32,
    t: u64String,
    slot: u32,
    accountKey: field,
    balance: u96String,
  }),
  signature: z.strictObject({ R8x: field, R8y: field, S: dec }),
  recordKey: z.strictObject({ Ax: field, Ay: field }),
  payout: address.optional(),
});

/** A forwarded record as JSON. */
export type ForwardedRecord = z.infer<typeof forwardedRecordSchema>;

/** A forwarded record with its numbers parsed. */
export interface ParsedForwarded {
  record: BalanceRecord;
  signature: Signature;
  recordKey: Point;
  /** Checksummed payout address, if the user gave one. */
  payout: string | undefined;
}

/**
 * Derives the forwarded record from a user's record file (por.record v1): drops the account id, salt, path and root.
 * @param payout optional address where restitution for this record should be paid.
 */
export function forwardedFromRecordFile(file: RecordFile, payout?: string): ForwardedRecord {
  const out: ForwardedRecord = {
    format: FORWARDED_FORMAT,
    version: FORWARDED_VERSION,
    record: { ...file.record, member: getAddress(file.record.member) },
    signature: { ...file.signature },
    recordKey: { Ax: file.recordKey.Ax, Ay: file.recordKey.Ay },
  };
  if (payout !== undefined) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(payout)) throw new TypeError("payout must be a 0x-prefixed 20-byte address");
    out.payout = getAddress(payout.toLowerCase());
  }
  return forwardedRecordSchema.parse(out);
}

/** Converts a schema-valid forwarded record to numbers. */
export function parseForwarded(f: ForwardedRecord): ParsedForwarded {
  return {
    record: {
      member: BigInt(f.record.member),
      asset: f.record.asset,
      t: BigInt(f.record.t),
      slot: f.record.slot,
      accountKey: BigInt(f.record.accountKey),
      balance: BigInt(f.record.balance),
    },
    signature: { R8x: BigInt(f.signature.R8x), R8y: BigInt(f.signature.R8y), S: BigInt(f.signature.S) },
    recordKey: [BigInt(f.recordKey.Ax), BigInt(f.recordKey.Ay)],
    payout: f.payout === undefined ? undefined : getAddress(f.payout.toLowerCase()),
  };
}

/** A member address (160-bit integer) as a checksummed 0x string. */
export function memberAddress(member: bigint): string {
  return getAddress("0x" + member.toString(16).padStart(40, "0"));
}
