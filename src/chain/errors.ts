// Decode a reverted call's custom error into words, from any ABI of the project.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { ErrorFragment, EventFragment, Interface, type InterfaceAbi, type Result } from "ethers";

/** Solidity panic codes (`Panic(uint256)`) and what they mean. */
const PANIC_REASONS: Record<number, string> = {
  0x00: "generic compiler panic",
  0x01: "assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division or modulo by zero",
  0x21: "conversion into an invalid enum value",
  0x22: "incorrectly encoded storage byte array",
  0x31: "pop() on an empty array",
  0x32: "array index out of bounds",
  0x41: "out of memory",
  0x51: "call to a zero-initialized internal function",
};

/** Names of the project's contracts' error prefixes, so "ConsortiumRegistryNoKeyAt" reads "ConsortiumRegistry: no key at". */
const KNOWN_PREFIXES = [
  "ConsortiumRegistry",
  "ReserveRegistry",
  "CollateralVault",
  "Restitution",
  "CommitmentLedger",
  "QuorumVerifier",
  "Adjudicator",
  "Reputation",
  "AccessControl",
  "ReentrancyGuard",
  "SafeERC20",
  "ERC20",
  "ECDSA",
  "Address",
];

/** A custom error (or Error(string) / Panic(uint256)) decoded from revert data. */
export interface DecodedError {
  /** Error name, e.g. `CollateralVaultWithdrawalLocked`. */
  name: string;
  /** Solidity signature, e.g. `CollateralVaultWithdrawalLocked(address,address,uint64)`. */
  signature: string;
  /** Arguments by name (or by position when unnamed), as display strings. */
  args: Array<{ name: string; value: string }>;
  /** The error in words: `CollateralVault: withdrawal locked (member 0x.., token 0x.., executableAt 1700000000)`. */
  message: string;
}

/**
 * A combined ethers Interface holding every error and event fragment of the given ABIs (duplicates by selector
 * are kept once), for decoding errors and logs from any contract of the project.
 */
export function combinedInterface(abis: InterfaceAbi[]): Interface {
  const seen = new Set<string>();
  const fragments: string[] = [];
  for (const abi of abis) {
    const iface = new Interface(abi);
    for (const fragment of iface.fragments) {
      if (!(fragment instanceof ErrorFragment) && !(fragment instanceof EventFragment)) continue;
      const key = `${fragment.type}:${fragment.format("sighash")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fragments.push(fragment.format("full"));
    }
  }
  return new Interface(fragments);
}

/**
 * Read every contract ABI under a Hardhat artifacts directory (`artifacts/contracts/**\/X.json`) and the
 * OpenZeppelin ones compiled with it, returning them for {@link combinedInterface}.
 */
export async function loadProjectAbis(artifactsDir: string): Promise<InterfaceAbi[]> {
  const abis: InterfaceAbi[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === "build-info") continue;
        await walk(full);
      } else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
        try {
          const parsed: unknown = JSON.parse(await readFile(full, "utf8"));
          if (typeof parsed === "object" && parsed !== null && Array.isArray((parsed as { abi?: unknown }).abi)) {
            abis.push((parsed as { abi: InterfaceAbi }).abi);
          }
        } catch {
          // not an artifact; skip
        }
      }
    }
  }
  await walk(artifactsDir);
  return abis;
}

/** Split a CamelCase name into lower-case words: `NoKeyAt` -> `no key at`. */
function words(camel: string): string {
  return camel
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
}

/** Render a decoded ABI value for display. */
function display(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(display).join(", ")}]`;
  if (typeof value === "object" && value !== null && "toArray" in value) {
    return display((value as Result).toArray());
  }
  return String(value);
}

/** Turn an error name and arguments into words. */
function sentence(name: string, args: Array<{ name: string; value: string }>): string {
  const prefix = KNOWN_PREFIXES.find((p) => name.startsWith(p) && name.length > p.length);
  const head = prefix ? `${prefix}: ${words(name.slice(prefix.length))}` : words(name);
  if (args.length === 0) return head;
  return `${head} (${args.map((a) => `${a.name} ${a.value}`).join(", ")})`;
}

/**
 * Decode revert data against an interface holding the project's errors. Returns undefined when the data is empty
 * or no known error matches its selector.
 */
export function decodeRevertData(data: string, iface: Interface): DecodedError | undefined {
  if (!/^0x[0-9a-fA-F]*$/.test(data) || data.length < 10) return undefined;
  const selector = data.slice(0, 10).toLowerCase();
  if (selector === "0x08c379a0") {
    const [reason] = Interface.from(["error Error(string)"]).decodeErrorResult("Error", data);
    const message = `reverted: ${String(reason)}`;
    return { name: "Error", signature: "Error(string)", args: [{ name: "reason", value: String(reason) }], message };
  }
  if (selector === "0x4e487b71") {
    const [code] = Interface.from(["error Panic(uint256)"]).decodeErrorResult("Panic", data);
    const n = Number(code);
    const reason = PANIC_REASONS[n] ?? "unknown panic";
    return {
      name: "Panic",
      signature: "Panic(uint256)",
      args: [{ name: "code", value: `0x${n.toString(16)}` }],
      message: `panic 0x${n.toString(16)}: ${reason}`,
    };
  }
  const fragment = iface.fragments.find(
    (f): f is ErrorFragment => f instanceof ErrorFragment && f.selector.toLowerCase() === selector,
  );
  if (!fragment) return undefined;
  const values = iface.decodeErrorResult(fragment, data);
  const args = fragment.inputs.map((input, i) => ({
    name: input.name || `arg${i}`,
    value: display(values[i]),
  }));
  return { name: fragment.name, signature: fragment.format("sighash"), args, message: sentence(fragment.name, args) };
}

/** Find revert data (a 0x-hex string of at least a selector) anywhere inside an error thrown by ethers/Hardhat. */
export function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || error === null || typeof error !== "object") return undefined;
  const record = error as Record<string, unknown>;
  for (const key of ["data", "revertData", "returnData"]) {
    const value = record[key];
    if (typeof value === "string" && /^0x[0-9a-fA-F]{8}/.test(value)) return value;
    if (typeof value === "object" && value !== null) {
      const nested = findRevertData(value, depth + 1);
      if (nested) return nested;
    }
  }
  for (const key of ["error", "info", "cause", "parent"]) {
    const nested = findRevertData(record[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Explain a failed transaction or call in words: the custom error decoded from its revert data if there is one,
 * else the error's own message.
 */
export function explainError(error: unknown, iface: Interface): string {
  const data = findRevertData(error);
  if (data) {
    const decoded = decodeRevertData(data, iface);
    if (decoded) return decoded.message;
    return `reverted with unknown error data ${data}`;
  }
  if (error instanceof Error) {
    const short = (error as Error & { shortMessage?: unknown }).shortMessage;
    return typeof short === "string" ? short : error.message;
  }
  return String(error);
}
