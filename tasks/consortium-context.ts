// Shared plumbing of the consortium tasks (commit-roots, request-proof, submit-fraud, report-missed-deadline,
// attest, submit-quorum, consortium:status): connect, find the deployment, send a transaction and print what
// happened, or explain the contract's custom error in words.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Interface, ContractTransactionResponse } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type {} from "../types/ethers-contracts/hardhat.js";
import { combinedInterface, describeReceipt, explainError, loadProjectAbis } from "../src/chain/index.js";
import { defaultDeploymentDir, readConsortiumAddresses } from "../src/consortium/index.js";
import { selectSigner } from "../src/members/index.js";

/** Options every consortium task takes. */
export interface CommonArgs {
  /** Ignition deployment directory (default ignition/deployments/chain-<chainId>). */
  deployment: string;
  /** Sending / signing account: index or address of a configured account (keystore on live networks). */
  from: string;
}

/** Connect to the selected network and bind the deployed contracts to the chosen account. */
export async function consortiumContext(args: CommonArgs, hre: HardhatRuntimeEnvironment) {
  const { ethers } = await hre.network.getOrCreate();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const dir = args.deployment !== "" ? args.deployment : defaultDeploymentDir(hre.config.paths.root, chainId);
  const addresses = await readConsortiumAddresses(dir);
  const signer: HardhatEthersSigner = await selectSigner(ethers, args.from);
  const iface: Interface = combinedInterface(await loadProjectAbis(hre.config.paths.artifacts));
  return {
    ethers,
    chainId,
    signer,
    addresses,
    iface,
    registry: await ethers.getContractAt("ConsortiumRegistry", addresses.registry, signer),
    vault: await ethers.getContractAt("CollateralVault", addresses.vault, signer),
    reputation: await ethers.getContractAt("Reputation", addresses.reputation, signer),
    ledger: await ethers.getContractAt("CommitmentLedger", addresses.ledger, signer),
    adjudicator: await ethers.getContractAt("Adjudicator", addresses.adjudicator, signer),
  };
}

/** A consortium context. */
export type ConsortiumContext = Awaited<ReturnType<typeof consortiumContext>>;

/**
 * Send a transaction and print its hash, status, gas and decoded events. On failure prints the custom error in
 * words and throws a short error (so the task exits non-zero).
 */
export async function sendAndDescribe(
  ctx: Pick<ConsortiumContext, "iface">,
  label: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<void> {
  let receipt;
  try {
    const tx = await send();
    console.log(`${label}: sent ${tx.hash}`);
    receipt = await tx.wait();
  } catch (error) {
    throw new TaskFailure(`${label} failed: ${explainError(error, ctx.iface)}`);
  }
  if (receipt === null) throw new TaskFailure(`${label}: no receipt`);
  for (const line of describeReceipt(receipt, ctx.iface)) console.log(line);
}

/** A task failure whose message is already in words. */
export class TaskFailure extends Error {
  override name = "TaskFailure";
}

/** Run a task body; print a failure's message (no stack) and set a non-zero exit code. */
export async function runTask(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

/** Parse a decimal integer option. */
export function decimalOption(name: string, value: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new TaskFailure(`--${name} must be a decimal integer, got "${value}"`);
  return BigInt(value);
}

/** Parse a 0x address option. */
export function addressOption(name: string, value: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new TaskFailure(`--${name} must be a 0x address, got "${value}"`);
  return value;
}
