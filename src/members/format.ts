// Human-readable values for the member tasks.
import { formatUnits, parseUnits } from "ethers";

export { memberStatusName } from "../chain/enums.js";

/** A Unix time as ISO 8601 (UTC), or "-" for 0. */
export function formatTime(t: bigint | number): string {
  const n = Number(t);
  if (n === 0) return "-";
  if (BigInt(t) >= 2n ** 64n - 1n) return "open";
  return `${new Date(n * 1000).toISOString()} (${n})`;
}

/**
 * Parse a token amount given in whole units ("1.5") or base units ("1500000wei" / "1500000units").
 * Errors name the option.
 */
export function parseAmount(text: string, decimals: number, option = "--amount"): bigint {
  const trimmed = text.trim();
  const base = /^([0-9]+)(wei|units)$/.exec(trimmed);
  let value: bigint;
  try {
    value = base ? BigInt(base[1]) : parseUnits(trimmed, decimals);
  } catch {
    throw new Error(`${option}: "${text}" is not an amount (e.g. 1.5, or 1500000units for base units)`);
  }
  if (value <= 0n) throw new Error(`${option}: must be positive`);
  return value;
}

/** An amount in base units with its whole-unit reading. */
export function formatAmount(value: bigint, decimals: number, symbol: string): string {
  return `${formatUnits(value, decimals)} ${symbol} (${value} base units)`;
}
