// Checks of task inputs shared by the tasks: each error names the option and what it must be.
import { getAddress, isHexString } from "ethers";

import { TaskError } from "./errors.js";

/** A required input: a TaskError naming it when absent or empty. */
export function required<T>(value: T | undefined, name: string, what: string): T {
  if (value === undefined || value === "") throw new TaskError(`${name} <${what}> is required`);
  return value;
}

/** A 0x address input (any case), returned checksummed. */
export function addressInput(name: string, value: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new TaskError(`${name} must be a 0x-prefixed 20-byte address, got "${value}"`);
  }
  return getAddress(value.toLowerCase());
}

/** A 32-byte 0x hex input. */
export function bytes32Input(name: string, value: string): string {
  if (!isHexString(value, 32)) throw new TaskError(`${name} must be 32 bytes of 0x hex, got "${value}"`);
  return value;
}

/** A non-negative integer input in decimal or 0x hex (nullifiers, salts). */
export function uintInput(name: string, value: string): bigint {
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) throw new TaskError(`${name} must be an integer (decimal or 0x hex)`);
  return BigInt(value);
}

/** A decimal integer input below 2^bits. */
export function decimalInput(name: string, value: string, bits = 256): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new TaskError(`${name} must be a decimal integer, got "${value}"`);
  const n = BigInt(value);
  if (n >= 1n << BigInt(bits)) throw new TaskError(`${name} must be below 2^${bits}`);
  return n;
}

/** A comma-separated list (blanks dropped). */
export function listInput(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
}
