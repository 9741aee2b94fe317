// Shared plumbing of the governance tasks (tasks/governance-*.ts): the network, the deployment, the timelock, an
// error decoder over every governed contract's ABI, and sending with the revert explained in words.
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { combinedInterface, explainError } from "../src/chain/index.js";
import { TaskError, deploymentDirOf, selectSigner } from "../src/client/index.js";
import {
  GOVERNED_CONTRACTS,
  findOperation,
  readDeployedAddresses,
  timelockAddress,
  timelockAt,
  type Operation,
  isoTime,
} from "../src/governance/index.js";

/** Options every governance task takes. */
export interface GovernanceArgs {
  /** Ignition deployment directory (absent: ignition/deployments/chain-<chainId>). */
  deployment?: string;
  json: boolean;
}

/** Connect read-only: the provider, the deployment's addresses and the timelock (no signer needed). */
export async function governanceReader(args: Pick<GovernanceArgs, "deployment">, hre: HardhatRuntimeEnvironment) {
  const { ethers } = await hre.network.getOrCreate();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const dir = deploymentDirOf(args.deployment, hre.config.paths.root, chainId);
  const addresses = await readDeployedAddresses(dir);
  const timelock = timelockAddress(addresses, dir);
  return { ethers, provider: ethers.provider, chainId, dir, addresses, timelockAddress: timelock };
}

/** The signer `from` selects (index or address of a configured account). */
export async function governanceSigner(hre: HardhatRuntimeEnvironment, from: string | undefined) {
  const { ethers } = await hre.network.getOrCreate();
  return selectSigner(ethers, from);
}

/** Decodes every governed contract's errors (the timelock bubbles up its targets' reverts). */
export const governanceErrors = combinedInterface(Object.values(GOVERNED_CONTRACTS).map((c) => c.abi));

/** Send, wait, and explain a failure in words (TaskError). */
export async function sendExplained(
  label: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<TransactionReceipt> {
  try {
    const tx = await send();
    const receipt = await tx.wait();
    if (receipt === null) throw new TaskError(`${label}: no receipt`);
    return receipt;
  } catch (error) {
    if (error instanceof TaskError) throw error;
    throw new TaskError(`${label} failed: ${explainError(error, governanceErrors)}`);
  }
}

/** An operation as JSON (bigints as decimal strings). */
export function operationJson(op: Operation, describe: (data: string, target: string) => string) {
  return {
    id: op.id,
    state: op.state,
    readyAt: op.readyAt.toString(),
    readyAtIso: op.readyAt === 0n ? null : isoTime(op.readyAt),
    delay: op.delay.toString(),
    predecessor: op.predecessor,
    salt: op.salt,
    calls: op.calls.map((c) => ({
      target: c.target,
      value: c.value.toString(),
      data: c.data,
      call: describe(c.data, c.target),
    })),
  };
}

/** The timelock bound to a signer or the provider. */
export { timelockAt };

/** The operation id from `--id` or from the file `governance propose --out` wrote (`--operation`). */
export async function operationIdOf(args: { id?: string; operation?: string }): Promise<string> {
  if (args.id !== undefined && args.operation !== undefined) throw new TaskError("pass --id or --operation, not both");
  if (args.id !== undefined) return args.id;
  if (args.operation === undefined) throw new TaskError("--id (0x operation id) or --operation (file) is required");
  const { readFile } = await import("node:fs/promises");
  let json: { id?: unknown };
  try {
    json = JSON.parse(await readFile(args.operation, "utf8")) as { id?: unknown };
  } catch (e) {
    throw new TaskError(
      `--operation ${args.operation}: not readable JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (typeof json.id !== "string") throw new TaskError(`--operation ${args.operation}: no "id" field`);
  return json.id;
}

/** The options of a task that acts on one scheduled operation (`execute`, `cancel`). */
export interface OperationArgs extends GovernanceArgs {
  id?: string;
  operation?: string;
  from?: string;
  fromBlock: bigint;
}

/** The deployment, and the operation `--id` or `--operation` names, as the timelock's events describe it. */
export async function loadOperation(args: OperationArgs, hre: HardhatRuntimeEnvironment) {
  const id = await operationIdOf(args);
  const r = await governanceReader(args, hre);
  const op = await findOperation(timelockAt(r.timelockAddress, r.provider), id, Number(args.fromBlock));
  return { r, op };
}
