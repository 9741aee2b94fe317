// Shared zod building blocks for every file and HTTP body the project reads: decimal integers with an upper
// bound, field elements, addresses, 32-byte hex. One definition, so every reader refuses the same things.
import { isAddress } from "ethers";
import sha3 from "js-sha3";
import { z } from "zod";

/** BN254 scalar field modulus (docs/protocol.md section 1). */
const FIELD_P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;

/** A non-negative decimal integer string without leading zeros. */
export const decimal = z.string().regex(DECIMAL, "must be a decimal integer string");

/**
 * A decimal integer string below `limit`. zod 4 runs refinements even after a failed regex, so the refinement
 * re-checks the pattern before converting (a bare `BigInt("x")` would throw instead of reporting the field).
 */
export function decimalBelow(limit: bigint, message = `must be below ${limit}`) {
  return decimal.refine((s) => DECIMAL.test(s) && BigInt(s) < limit, message);
}

/** An element of the BN254 scalar field, as a decimal string. */
export const fieldElement = decimalBelow(FIELD_P, "must be below the field modulus p");
export const u64String = decimalBelow(1n << 64n, "must be below 2^64");
export const u96String = decimalBelow(1n << 96n, "must be below 2^96");
export const u128String = decimalBelow(1n << 128n, "must be below 2^128");
/** A payout hash (keccak256 >> 8) is below 2^248. */
export const u248String = decimalBelow(1n << 248n, "must be below 2^248");
export const u256String = decimalBelow(1n << 256n, "must be below 2^256");

const addressVerdicts = new Map<string, boolean>();

/**
 * ethers' isAddress, remembered for the last 1,024 strings (a pure function of the string: a verifier's batch names
 * one member 500 times, and each answer costs two keccak256).
 */
function isAddressRemembered(a: string): boolean {
  if (a.length !== 42) return isAddress(a);
  let ok = addressVerdicts.get(a);
  if (ok === undefined) {
    ok = isAddress(a);
    if (addressVerdicts.size >= 1024) addressVerdicts.clear();
    addressVerdicts.set(a, ok);
  }
  return ok;
}

/**
 * A 0x-prefixed 20-byte address: all lowercase, all uppercase, or mixed case with a valid EIP-55 checksum (a mixed
 * case with a wrong checksum is refused here, so no later `getAddress` throws on it).
 */
export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
  .refine(isAddressRemembered, "has mixed case with a wrong EIP-55 checksum (write it all lowercase or checksummed)");

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const LOWER_OR_UPPER = /^0x([0-9a-f]{40}|[0-9A-F]{40})$/;

/**
 * The EIP-55 checksummed form of a 0x-prefixed 20-byte hex address, or undefined when it is not one or has mixed case
 * with a wrong checksum: exactly what `getAddress` returns (or throws on) for such strings, with one keccak256 (js-sha3)
 * instead of ethers' two, for the ledger's and the snapshot's one address per account.
 */
export function checksummedAddress(a: string): string | undefined {
  if (!HEX_ADDRESS.test(a)) return undefined;
  const lower = a.slice(2).toLowerCase();
  const digest = sha3.keccak256(lower);
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const c = lower[i];
    out += c >= "a" && parseInt(digest[i], 16) >= 8 ? c.toUpperCase() : c;
  }
  return LOWER_OR_UPPER.test(a) || out === a ? out : undefined;
}

/** A 32-bit unsigned integer as a JSON number (asset ids, slots). */
export const uint32 = z
  .number()
  .int("must be an integer")
  .min(0)
  .max(2 ** 32 - 1);

/** A 0x-prefixed 32-byte hex string. */
export const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits");
