// The forwarded record (format `por.forwarded-record` v2): what a user sends to a verifier. Only the record (with its
// payout hash), its signature and the member's record key; never the account id or salt (B7/B12), never the
// inclusion path, never the payout opening (the record's payout hash already fixes where restitution goes, and the
// opening would link the user's records). See docs/protocol.md "Verifier service".
import { getAddress } from "ethers";
import { z } from "zod";

import { FIELD_P } from "../crypto/field.js";
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

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const U64 = 1n << 64n;
const U96 = 1n << 96n;
const U248 = 1n << 248n;
/** Member strings the schema accepted (a pure function of the string), for {@link quickForwarded}. */
const acceptedMembers = new Set<string>();

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const hasKeys = (o: Record<string, unknown>, keys: readonly string[]): boolean => {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
};
const decimalBelow = (v: unknown, limit: bigint | undefined): boolean =>
  typeof v === "string" && DECIMAL.test(v) && (limit === undefined || BigInt(v) < limit);
const uint32 = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 2 ** 32 - 1;

/**
 * The item itself when it is certainly a valid forwarded record, else undefined (then {@link forwardedRecordSchema}
 * decides and names the error). What this accepts is a subset of what the schema accepts: the same shapes, literals
 * and ranges checked by hand, and a member string only once the schema has accepted that string
 * ({@link rememberMember}). A verifier's hot path (issue 18): zod cost ~30 µs per record.
 */
export function quickForwarded(item: unknown): ForwardedRecord | undefined {
  if (!isPlain(item) || !hasKeys(item, ["format", "version", "record", "signature", "recordKey"])) return undefined;
  if (item.format !== FORWARDED_FORMAT || item.version !== FORWARDED_VERSION) return undefined;
  const { record: r, signature: g, recordKey: k } = item;
  if (!isPlain(r) || !hasKeys(r, ["member", "asset", "t", "slot", "accountKey", "balance", "payoutHash"])) {
    return undefined;
  }
  if (typeof r.member !== "string" || !acceptedMembers.has(r.member)) return undefined;
  if (!uint32(r.asset) || !uint32(r.slot) || !decimalBelow(r.t, U64) || !decimalBelow(r.accountKey, FIELD_P)) {
    return undefined;
  }
  if (!decimalBelow(r.balance, U96) || !decimalBelow(r.payoutHash, U248)) return undefined;
  if (!isPlain(g) || !hasKeys(g, ["R8x", "R8y", "S"])) return undefined;
  if (!decimalBelow(g.R8x, FIELD_P) || !decimalBelow(g.R8y, FIELD_P) || !decimalBelow(g.S, undefined)) return undefined;
  if (!isPlain(k) || !hasKeys(k, ["Ax", "Ay"]) || !decimalBelow(k.Ax, FIELD_P) || !decimalBelow(k.Ay, FIELD_P)) {
    return undefined;
  }
  return item as unknown as ForwardedRecord;
}

/** Remembers a member string the schema accepted, so {@link quickForwarded} accepts it too (the last 1,024). */
export function rememberMember(member: string): void {
  if (acceptedMembers.size >= 1024) acceptedMembers.clear();
  acceptedMembers.add(member);
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
