// Where the consortium's contracts live: Hardhat Ignition's deployed_addresses.json of the Consortium module
// (deploy/Consortium.ts), in `--deployment <dir>` or ignition/deployments/chain-<chainId>. The one reader of it, and
// the one writer for deployments Ignition does not persist (an in-process chain: the demo, tests).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { getAddress, isAddress, type Provider } from "ethers";
import { z } from "zod";

import { TaskError } from "./errors.js";

/** The Ignition module id of deploy/Consortium.ts. */
export const CONSORTIUM_MODULE = "Consortium";

/** Ignition future ids of the Consortium module, by role. */
export const CONSORTIUM_FUTURES = {
  registry: "ConsortiumRegistry",
  vault: "CollateralVault",
  reserveRegistry: "ReserveRegistry",
  reputation: "Reputation",
  ledger: "CommitmentLedger",
  verifier: "FraudVerifier",
  adjudicator: "Adjudicator",
  attestations: "Attestations",
  transfers: "Transfers",
} as const;

/**
 * The Ignition future id of the stake source of a deployment on EigenLayer (ignition/modules/ConsortiumEigenLayer.ts),
 * which has it instead of the CollateralVault.
 */
export const EIGENLAYER_FUTURE = "EigenLayerStakeSource";

/** Ignition future ids of every role a deployment may hold. */
export const ROLE_FUTURES = { ...CONSORTIUM_FUTURES, eigenLayer: EIGENLAYER_FUTURE } as const;

/** A contract of the deployment, by role. */
export type ContractRole = keyof typeof ROLE_FUTURES;

/** Where a deployment's stake comes from: the native collateral vault, or EigenLayer through the AVS adapter. */
export type StakeKind = "native" | "eigenlayer";

/** Addresses of the deployed contracts of the native module. */
export type ConsortiumAddresses = Record<keyof typeof CONSORTIUM_FUTURES, string>;

const addressesSchema = z.record(
  z.string(),
  z.string().refine((v) => isAddress(v), "must be a 0x-prefixed 20-byte address"),
);

/**
 * The deployment directory of `--deployment` (`given`), else the chain's default:
 * `<root>/ignition/deployments/chain-<chainId>`.
 */
export function deploymentDirOf(given: string | undefined, root: string, chainId: bigint): string {
  if (given !== undefined && given !== "") return given;
  return join(root, "ignition", "deployments", `chain-${chainId}`);
}

/** A read deployment: its file and the address of each role it holds. */
export interface Deployment {
  /** The deployed_addresses.json read. */
  file: string;
  /** The address of a role; a TaskError naming the file and the missing key if the deployment lacks it. */
  address(role: ContractRole): string;
  /** Whether the deployment holds a role. */
  has(role: ContractRole): boolean;
  /** Every role's address of the native module (a TaskError if one is missing). */
  all(): ConsortiumAddresses;
  /** The stake source the deployment was built with: EigenLayer when it holds the adapter, else the vault. */
  stakeKind: StakeKind;
  /**
   * The first block event reads start from: no event of the deployment's contracts is older. {@link readDeployment}
   * leaves it 0; a client ({@link clientOf}) sets it from {@link checkedFirstBlock}.
   */
  firstBlock: number;
  /** The module's contracts and their creations as the journal states them (unchecked). */
  creations: Array<{ address: string; creation: JournalCreation | undefined }>;
}

/** A contract creation as Ignition's journal states it: the creating transaction and its block. */
export interface JournalCreation {
  hash: string;
  block: number;
}

/**
 * The contract creations Ignition's `<dir>/journal.jsonl` records, by lowercase address (the lowest block where an
 * address appears twice); empty without a journal. What the journal states, not checked: see {@link checkedFirstBlock}.
 */
export async function journalCreations(dir: string): Promise<Map<string, JournalCreation>> {
  const created = new Map<string, JournalCreation>();
  let text: string;
  try {
    text = await readFile(join(dir, "journal.jsonl"), "utf8");
  } catch {
    return created; // a deployment without a journal (addresses written by hand, or by a test)
  }
  for (const line of text.split("\n")) {
    if (!line.includes('"TRANSACTION_CONFIRM"') || !line.includes('"contractAddress"')) continue;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      continue; // Ignition writes one message per line; a torn last line is its business, not ours
    }
    const m = message as {
      type?: unknown;
      hash?: unknown;
      receipt?: { blockNumber?: unknown; contractAddress?: unknown };
    };
    const block = m.receipt?.blockNumber;
    const at = m.receipt?.contractAddress;
    if (m.type !== "TRANSACTION_CONFIRM" || typeof m.hash !== "string") continue;
    if (typeof block !== "number" || typeof at !== "string") continue;
    const known = created.get(at.toLowerCase());
    if (known === undefined || block < known.block) created.set(at.toLowerCase(), { hash: m.hash, block });
  }
  return created;
}

/**
 * The block from which the deployment's contracts can have events, checked against the chain: each contract's
 * creation receipt, fetched by the journal's transaction hash, must have created that address; the first block is
 * the lowest of those receipts' blocks. 0 (read from genesis) without a journal, when a contract has no creation in
 * it, or when the chain disagrees with it: a crafted or stale journal can only widen event reads, never narrow them.
 */
export async function checkedFirstBlock(provider: Provider, d: Pick<Deployment, "creations">): Promise<number> {
  if (d.creations.length === 0) return 0;
  let first = Infinity;
  for (const { address, creation } of d.creations) {
    if (creation === undefined) return 0;
    const receipt = await provider.getTransactionReceipt(creation.hash).catch(() => null);
    if (receipt?.contractAddress == null || receipt.contractAddress.toLowerCase() !== address.toLowerCase()) return 0;
    first = Math.min(first, receipt.blockNumber);
  }
  return first;
}

/**
 * Read `<dir>/deployed_addresses.json` (module `moduleId`, default "Consortium"). Errors (TaskError) name the file,
 * and the field or the missing contract.
 */
export async function readDeployment(dir: string, moduleId = CONSORTIUM_MODULE): Promise<Deployment> {
  const file = join(dir, "deployed_addresses.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new TaskError(
      `${file}: not readable (${e instanceof Error ? e.message : String(e)}); deploy first with ` +
        "`npx hardhat ignition deploy ignition/modules/Consortium.ts --network <name>` or pass --deployment <dir>",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TaskError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = addressesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaskError(`${file}: field ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  const addresses = parsed.data;
  const key = (role: ContractRole) => `${moduleId}#${ROLE_FUTURES[role]}`;
  const stakeKind: StakeKind = addresses[key("eigenLayer")] === undefined ? "native" : "eigenlayer";
  const address = (role: ContractRole) => {
    const value = addresses[key(role)];
    if (value === undefined && role === "vault" && stakeKind === "eigenlayer") {
      throw new TaskError(
        `${file}: this deployment's stake source is EigenLayer ("${key("eigenLayer")}"), not a collateral vault: ` +
          "members stake through an EigenLayer operator (`npx hardhat eigenlayer --help`, docs/guides/exchange.md)",
      );
    }
    if (value === undefined) throw new TaskError(`${file}: no "${key(role)}" in this deployment`);
    return getAddress(value);
  };
  const journal = await journalCreations(dir);
  const creations = Object.entries(addresses)
    .filter(([k]) => k.startsWith(`${moduleId}#`))
    .map(([, v]) => ({ address: getAddress(v), creation: journal.get(v.toLowerCase()) }));
  return {
    file,
    address,
    firstBlock: 0,
    creations,
    stakeKind,
    has: (role) => addresses[key(role)] !== undefined,
    all: () =>
      Object.fromEntries(
        (Object.keys(CONSORTIUM_FUTURES) as ContractRole[]).map((role) => [role, address(role)]),
      ) as ConsortiumAddresses,
  };
}

/**
 * Write `<dir>/deployed_addresses.json` holding the given roles' addresses under module `moduleId`, as Ignition
 * writes it for a persisted deployment (for contracts deployed on a chain Ignition keeps no files of); returns `dir`.
 */
export async function writeDeployment(
  dir: string,
  addresses: Partial<Record<ContractRole, string>>,
  moduleId = CONSORTIUM_MODULE,
): Promise<string> {
  const json = Object.fromEntries(
    Object.entries(addresses).map(([role, a]) => [`${moduleId}#${ROLE_FUTURES[role as ContractRole]}`, a]),
  );
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(json, null, 2) + "\n");
  return dir;
}
