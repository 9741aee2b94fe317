// The forwarded record (format `por.forwarded-record` v2): what a user sends to a verifier. Only the record (with its
// payout hash), its signature and the member's record key; never the account id or salt (B7/B12), never the
// inclusion path, never the payout opening (the record's payout hash already fixes where restitution goes, and the
// opening would link the user's records). See docs/protocol.md "Verifier service".
import { getAddress } from "ethers";
import { z } from "zod";

import { fieldElement } from "../schema/index.js";

import type { Point, Signature } from "../crypto/index.js";
import type { BalanceRecord } from "../records/record.js";
import { balanceRecordJson, balanceRecordOf, signatureJson, type RecordFile } from "../records/record-file.js";

const field = fieldElement;

/** Format tag and version of a forwarded record. */
export const FORWARDED_FORMAT = "por.forwarded-record";
export const FORWARDED_VERSION = 2;

/** zod schema of a forwarded record, version 2 (strict: unknown fields are refused). */
export const forwardedRecordSchema = z.strictObject({
  format: z.literal(FORWARDED_FORMAT),
  version: z.literal(FORWARDED_VERSION),
  record: balanceRecordJson,
  signature: signatureJson,
  recordKey: z.strictObject({ Ax: field, Ay: field }),
});

/** A forwarded record as JSON. */
export type ForwardedRecord = z.infer<typeof forwardedRecordSchema>;

/** A forwarded record with its numbers parsed. */
export interface ParsedForwarded {
  record: BalanceRecord;
  signature: Signature;
  recordKey: Point;
}

/**
 * Derives the forwarded record from a user's record file (por.record v2): keeps the record (with its payout hash),
 * signature and record key; drops the account id, salt, payout opening, path and root.
 */
export function forwardedFromRecordFile(file: RecordFile): ForwardedRecord {
  return forwardedRecordSchema.parse({
    format: FORWARDED_FORMAT,
    version: FORWARDED_VERSION,
    record: { ...file.record, member: getAddress(file.record.member) },
    signature: { ...file.signature },
    recordKey: { Ax: file.recordKey.Ax, Ay: file.recordKey.Ay },
  });
}

/** Converts a schema-valid forwarded record to numbers. */
export function parseForwarded(f: ForwardedRecord): ParsedForwarded {
  return {
    record: balanceRecordOf(f.record),
    signature: { R8x: BigInt(f.signature.R8x), R8y: BigInt(f.signature.R8y), S: BigInt(f.signature.S) },
    recordKey: [BigInt(f.recordKey.Ax), BigInt(f.recordKey.Ay)],
  };
}

const memberAddresses = new Map<bigint, string>();

/** A member address (160-bit integer) as a checksummed 0x string (remembered: a batch names one member, 500 times). */
export function memberAddress(member: bigint): string {
  let a = memberAddresses.get(member);
  if (a === undefined) {
    a = getAddress("0x" + member.toString(16).padStart(40, "0"));
    if (memberAddresses.size >= 1024) memberAddresses.clear();
    memberAddresses.set(member, a);
  }
  return a;
}
