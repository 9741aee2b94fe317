// Encoding a governance call: a contract by name, a function by name (or signature) and its arguments, checked
// against the ABIs generated from the build (src/generated/abi.ts) before anything is sent, with errors that name
// the contract, the function and the argument.
import { AbiCoder, Interface, type FunctionFragment, type InterfaceAbi } from "ethers";

import {
  ADJUDICATOR_ABI,
  ATTESTATIONS_ABI,
  COLLATERAL_VAULT_ABI,
  COMMITMENT_LEDGER_ABI,
  CONSORTIUM_REGISTRY_ABI,
  EIGEN_LAYER_STAKE_SOURCE_ABI,
  IERC20_METADATA_ABI,
  REPUTATION_ABI,
  RESERVE_REGISTRY_ABI,
  TIMELOCK_CONTROLLER_ABI,
  TRANSFERS_ABI,
} from "../generated/abi.js";

/**
 * The contracts a governance call may target, with where their address comes from: the Ignition future
 * (`<module>#<future>`) of the deployment, or none (a token: the caller passes the address).
 */
export const GOVERNED_CONTRACTS = {
  ConsortiumRegistry: { abi: CONSORTIUM_REGISTRY_ABI, future: "Consortium#ConsortiumRegistry" },
  CollateralVault: { abi: COLLATERAL_VAULT_ABI, future: "Consortium#CollateralVault" },
  EigenLayerStakeSource: { abi: EIGEN_LAYER_STAKE_SOURCE_ABI, future: "Consortium#EigenLayerStakeSource" },
  CommitmentLedger: { abi: COMMITMENT_LEDGER_ABI, future: "Consortium#CommitmentLedger" },
  Reputation: { abi: REPUTATION_ABI, future: "Consortium#Reputation" },
  Adjudicator: { abi: ADJUDICATOR_ABI, future: "Consortium#Adjudicator" },
  Attestations: { abi: ATTESTATIONS_ABI, future: "Consortium#Attestations" },
  Transfers: { abi: TRANSFERS_ABI, future: "Consortium#Transfers" },
  ReserveRegistry: { abi: RESERVE_REGISTRY_ABI, future: "Consortium#ReserveRegistry" },
  TimelockController: { abi: TIMELOCK_CONTROLLER_ABI, future: "Governance#TimelockController" },
  /** ERC-20 transfers out of the insurance fund (the timelock): pass the token's address. */
  IERC20Metadata: { abi: IERC20_METADATA_ABI, future: undefined },
} as const satisfies Record<string, { abi: InterfaceAbi; future: string | undefined }>;

export type GovernedContract = keyof typeof GOVERNED_CONTRACTS;

/** A call checked against the ABI. */
export interface EncodedCall {
  contract: GovernedContract;
  /** The function's signature, e.g. `setQuorumParams((uint256,uint16,uint256,uint8))`. */
  signature: string;
  data: string;
  /** The arguments as the ABI decodes them back (for display). */
  args: unknown[];
}

/** Refused before sending: the message names what is wrong. */
export class GovernanceCallError extends Error {
  override name = "GovernanceCallError";
}

/** The interface of a governed contract; an unknown name lists the known ones. */
export function governedInterface(contract: string): Interface {
  if (!Object.hasOwn(GOVERNED_CONTRACTS, contract)) {
    throw new GovernanceCallError(
      `unknown contract "${contract}": one of ${Object.keys(GOVERNED_CONTRACTS).join(", ")}`,
    );
  }
  return new Interface(GOVERNED_CONTRACTS[contract as GovernedContract].abi);
}

/** The state-changing functions of a contract, as signatures. */
export function mutatingFunctions(iface: Interface): string[] {
  const out: string[] = [];
  iface.forEachFunction((f) => {
    if (f.stateMutability !== "view" && f.stateMutability !== "pure") out.push(f.format("sighash"));
  });
  return out.sort();
}

/** Parse `--args`: a JSON array (numbers may be decimal strings; tuples as arrays or objects). */
export function parseArgsJson(text: string): unknown[] {
  if (text.trim() === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new GovernanceCallError(`--args is not JSON (${e instanceof Error ? e.message : String(e)}): ${text}`);
  }
  if (!Array.isArray(value)) throw new GovernanceCallError(`--args must be a JSON array of arguments, got: ${text}`);
  return value;
}

/** Convert decoded ABI values (Result, bigint) to plain JSON-friendly values. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/**
 * Encode `contract.functionName(args)`: the function must exist and change state, the argument count must match
 * and each argument must encode as its ABI type. Throws GovernanceCallError naming what is wrong.
 */
export function encodeGovernanceCall(
  contract: string,
  functionName: string,
  args: unknown[],
  kind: "change" | "read" = "change",
): EncodedCall {
  const iface = governedInterface(contract);
  let fragment: FunctionFragment | null;
  try {
    fragment = iface.getFunction(functionName);
  } catch (e) {
    // ethers refuses an ambiguous name (overloads): ask for the signature.
    throw new GovernanceCallError(
      `${contract}.${functionName}: ${e instanceof Error ? e.message.split(" (")[0] : String(e)}; pass the signature`,
    );
  }
  if (fragment === null) {
    throw new GovernanceCallError(
      `${contract} has no function "${functionName}"; its state-changing functions: ${mutatingFunctions(iface).join(", ")}`,
    );
  }
  const signature = fragment.format("sighash");
  const readOnly = fragment.stateMutability === "view" || fragment.stateMutability === "pure";
  if (kind === "read" && !readOnly) {
    throw new GovernanceCallError(`${contract}.${signature} changes state: propose it instead of reading it`);
  }
  if (kind === "change" && readOnly) {
    throw new GovernanceCallError(
      `${contract}.${signature} is a ${fragment.stateMutability} function: it changes nothing`,
    );
  }
  if (args.length !== fragment.inputs.length) {
    throw new GovernanceCallError(
      `${contract}.${signature} takes ${fragment.inputs.length} argument(s) ` +
        `(${fragment.inputs.map((p) => `${p.name || "_"}: ${p.format("full")}`).join(", ")}), got ${args.length}`,
    );
  }
  const coder = AbiCoder.defaultAbiCoder();
  fragment.inputs.forEach((param, i) => {
    try {
      coder.encode([param], [args[i]]);
    } catch (e) {
      const reason = e instanceof Error ? e.message.split(" (")[0] : String(e);
      throw new GovernanceCallError(
        `${contract}.${signature}: argument ${i} (${param.name || "_"}: ${param.format("full")}) ` +
          `${JSON.stringify(args[i])}: ${reason}`,
      );
    }
  });
  const data = iface.encodeFunctionData(fragment, args);
  const decoded = iface.decodeFunctionData(fragment, data);
  return { contract: contract as GovernedContract, signature, data, args: plain(decoded.toArray(true)) as unknown[] };
}

/**
 * Decode a call to `target` for display, against the ABI of the deployed contract at that address (`addresses`: the
 * deployment's futures): the contracts share selectors (`grantRole`, `revokeRole`), so the selector alone cannot name
 * the contract. A target that is no deployed contract (a token) is decoded against the token ABI, and named by address.
 */
export function describeCallAt(target: string, data: string, addresses: Record<string, string>): string {
  const t = target.toLowerCase();
  for (const [name, c] of Object.entries(GOVERNED_CONTRACTS) as [GovernedContract, { future: string | undefined }][]) {
    if (c.future !== undefined && addresses[c.future]?.toLowerCase() === t) {
      // A plain transfer names where the ETH goes: the contract and its address.
      return data === "0x" ? `${name} ${target}: (no call data: a plain transfer)` : describeCall(data, name);
    }
  }
  if (data === "0x") return `${target}: (no call data: a plain transfer)`;
  const asToken = describeCall(data, "IERC20Metadata");
  return asToken.startsWith("IERC20Metadata.")
    ? `${target}: ${asToken}`
    : `${target}: unknown call ${data.slice(0, 10)}`;
}

/** Decode a call's data against one governed contract's ABI (or the first whose ABI knows the selector). */
export function describeCall(data: string, contract?: GovernedContract): string {
  const names = contract ? [contract] : (Object.keys(GOVERNED_CONTRACTS) as GovernedContract[]);
  for (const name of names) {
    const iface = new Interface(GOVERNED_CONTRACTS[name].abi);
    const parsed = iface.parseTransaction({ data });
    if (parsed) return `${name}.${parsed.name}(${JSON.stringify(plain(parsed.args.toArray(true))).slice(1, -1)})`;
  }
  return data === "0x" ? "(no call data: a plain transfer)" : `unknown call ${data.slice(0, 10)}`;
}
