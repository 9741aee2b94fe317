// Checks of task inputs shared by the tasks: each error names the option and what it must be.
import { readFile } from "node:fs/promises";

import { getAddress, isHexString, type Provider } from "ethers";

import { TaskError } from "./errors.js";

/** Whether an optional string input was given (an absent option arrives as undefined; "" counts as absent). */
export function given(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

/** A required input: a TaskError naming it when absent or empty. */
export function required<T>(value: T | undefined, name: string, what: string): T {
  if (value === undefined || value === "") throw new TaskError(`${name} <${what}> is required`);
  return value;
}

/** Seconds added to the latest block time when a key's --valid-from is not given (leaves room for mining). */
export const DEFAULT_KEY_LEAD_SECONDS = 120n;

/** A key's --valid-from: as given, or (0n: not given) the latest block's time + {@link DEFAULT_KEY_LEAD_SECONDS}. */
export async function validFromInput(provider: Provider, validFrom: bigint): Promise<bigint> {
  if (validFrom !== 0n) return validFrom;
  const latest = await provider.getBlock("latest");
  if (latest === null) throw new TaskError("cannot read the latest block");
  return BigInt(latest.timestamp) + DEFAULT_KEY_LEAD_SECONDS;
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

/**
 * An id given on the command line (`value`; 0n: not given) or read from another task's `--json` output file (its
 * `field`, a decimal string: e.g. `requestId` of `ledger request-proof --json`), so ids chain from file to task.
 */
export async function idInput(
  value: bigint,
  file: string | undefined,
  names: { argument: string; option: string; field: string },
): Promise<bigint> {
  const fromFile = file !== undefined && file !== "";
  if (value !== 0n && fromFile) throw new TaskError(`give either ${names.argument} or ${names.option}, not both`);
  if (value !== 0n) return value;
  if (!fromFile) throw new TaskError(`${names.argument} (or ${names.option} <file>) is required`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new TaskError(`${names.option} ${file}: not readable JSON (${(e as Error).message})`);
  }
  const v = typeof json === "object" && json !== null ? (json as Record<string, unknown>)[names.field] : undefined;
  if (typeof v !== "string" || !/^[1-9][0-9]*$/.test(v)) {
    throw new TaskError(`${names.option} ${file}: field ${names.field}: must be a positive decimal id`);
  }
  return BigInt(v);
}
