// What every member / reserve / collateral / restitution task needs: a connection, a signer, the project's errors and
// events, and one way to send a transaction and print what happened.
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse, Interface, TransactionReceipt } from "ethers";
import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { combinedInterface, describeReceipt, explainError, loadProjectAbis } from "../chain/index.js";
import { resolveContractAddress, type C1ContractName } from "./deployment.js";

/** An error whose message is already meant for the user (no stack needed). */
export class TaskError extends Error {}

/** A connected task: chain, signer, decoder, output. */
export interface TaskContext {
  ethers: HardhatEthers;
  chainId: bigint;
  signer: HardhatEthersSigner;
  /** Every error and event of the project's contracts, for decoding. */
  iface: Interface;
  /** Project root (for ignition/deployments). */
  root: string;
  /** Print one line. */
  print: (line: string) => void;
  /** Read a configuration variable (environment first, then Hardhat's keystore plugin). */
  readConfigVariable: (name: string) => Promise<string>;
}

/**
 * Pick a signer: "" = the network's first account; a number = that account index; an address = that account (it
 * must be one the network config can sign for: a Hardhat account or a keystore key in the config).
 */
export async function selectSigner(ethers: HardhatEthers, from: string): Promise<HardhatEthersSigner> {
  const signers = await ethers.getSigners();
  if (signers.length === 0) throw new TaskError("the network has no accounts configured");
  if (from === "") return signers[0];
  if (/^[0-9]+$/.test(from)) {
    const index = Number(from);
    if (index >= signers.length) throw new TaskError(`--from ${from}: only ${signers.length} accounts configured`);
    return signers[index];
  }
  const match = signers.find((s) => s.address.toLowerCase() === from.toLowerCase());
  if (!match) throw new TaskError(`--from ${from}: not an account of this network (index or configured address)`);
  return match;
}

/** Connect to the task's network and prepare the decoder. */
export async function openContext(hre: HardhatRuntimeEnvironment, from: string): Promise<TaskContext> {
  const { ethers } = await hre.network.getOrCreate();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const signer = await selectSigner(ethers, from);
  const iface = combinedInterface(await loadProjectAbis(hre.config.paths.artifacts));
  return {
    ethers,
    chainId,
    signer,
    iface,
    root: hre.config.paths.root,
    print: (line) => process.stdout.write(`${line}\n`),
    readConfigVariable: (name) =>
      hre.hooks.runHandlerChain("configurationVariables", "fetchValue", [configVariable(name)], async (_c, v) => {
        const env = process.env[v.name];
        if (env === undefined) throw new TaskError(`configuration variable ${name} is not set (keystore or env)`);
        return env;
      }),
  };
}

/**
 * A context over an existing connection (tests, scripts): output goes to `print`, configuration variables come
 * from `variables` (else the environment).
 */
export async function contextFromConnection(
  ethers: HardhatEthers,
  signer: HardhatEthersSigner,
  options: { artifactsDir: string; root: string; print: (line: string) => void; variables?: Record<string, string> },
): Promise<TaskContext> {
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const iface = combinedInterface(await loadProjectAbis(options.artifactsDir));
  return {
    ethers,
    chainId,
    signer,
    iface,
    root: options.root,
    print: options.print,
    readConfigVariable: async (name) => {
      const value = options.variables?.[name] ?? process.env[name];
      if (value === undefined) throw new TaskError(`configuration variable ${name} is not set`);
      return value;
    },
  };
}

/** The address of one of C1's contracts (from --address or the Ignition deployment). */
export async function contractAddress(ctx: TaskContext, name: C1ContractName, override: string): Promise<string> {
  let address: string;
  try {
    address = await resolveContractAddress(ctx.root, ctx.chainId, name, override);
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  if ((await ctx.ethers.provider.getCode(address)) === "0x") {
    throw new TaskError(`no contract at ${address} on chain ${ctx.chainId} (expected the ${name})`);
  }
  return address;
}

/**
 * Send a transaction, wait for it and print its hash and decoded events. A revert (at estimation or on chain)
 * becomes a TaskError carrying the custom error in words.
 */
export async function sendAndReport(
  ctx: TaskContext,
  label: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<TransactionReceipt> {
  let receipt: TransactionReceipt | null;
  try {
    const tx = await send();
    ctx.print(`${label}: sent ${tx.hash}`);
    receipt = await tx.wait();
  } catch (e) {
    throw new TaskError(`${label} failed: ${explainError(e, ctx.iface)}`);
  }
  if (receipt === null) throw new TaskError(`${label}: no receipt`);
  for (const line of describeReceipt(receipt, ctx.iface)) ctx.print(line);
  return receipt;
}

/** Call a view and turn a revert into words. */
export async function readOrExplain<T>(ctx: TaskContext, label: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new TaskError(`${label} failed: ${explainError(e, ctx.iface)}`);
  }
}

/** Run a task body: print a TaskError's message (or any error's) to stderr and set a failing exit code. */
export async function runTask(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${name}: ${message}\n`);
    process.exitCode = 1;
  }
}
