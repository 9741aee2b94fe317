// One client context for every task that talks to the chain: the Hardhat network connection, the Ignition
// deployment, the project's errors and events for decoding, the task's output, and the signing account of `--from`,
// resolved only when a task sends or signs (read-only tasks never touch a private key).
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Contract, type ContractRunner, type Interface, type InterfaceAbi, type Provider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type {
  Adjudicator,
  Attestations,
  CollateralVault,
  CommitmentLedger,
  ConsortiumRegistry,
  EigenLayerStakeSource,
  Reputation,
  ReserveRegistry,
  Transfers,
} from "../../types/ethers-contracts/index.js";
import { combinedInterface, loadProjectAbis } from "../chain/errors.js";
import {
  ADJUDICATOR_ABI,
  ATTESTATIONS_ABI,
  COLLATERAL_VAULT_ABI,
  COMMITMENT_LEDGER_ABI,
  CONSORTIUM_REGISTRY_ABI,
  EIGEN_LAYER_STAKE_SOURCE_ABI,
  REPUTATION_ABI,
  RESERVE_REGISTRY_ABI,
  TRANSFERS_ABI,
} from "../generated/abi.js";
import { readConfigVariable } from "../keys/password.js";
import { ROLE_FUTURES, checkedFirstBlock, deploymentDirOf, readDeployment, type Deployment } from "./deployment.js";
import { TaskError, runTask } from "./errors.js";
import { TaskOutput } from "./output.js";

/** The options every chain task takes. */
export interface ClientArgs {
  /** Ignition deployment directory ("" or absent: ignition/deployments/chain-<chainId>). */
  deployment?: string;
  /** Signing account: index or address of a configured account ("" or absent: the first). */
  from?: string;
  /** Print one JSON object instead of text. */
  json?: boolean;
}

/** The typed contracts of the deployment, by role. */
export interface Contracts {
  registry: ConsortiumRegistry;
  vault: CollateralVault;
  eigenLayer: EigenLayerStakeSource;
  reserveRegistry: ReserveRegistry;
  reputation: Reputation;
  ledger: CommitmentLedger;
  adjudicator: Adjudicator;
  attestations: Attestations;
  transfers: Transfers;
}

const ABIS: Record<keyof Contracts, InterfaceAbi> = {
  registry: CONSORTIUM_REGISTRY_ABI,
  vault: COLLATERAL_VAULT_ABI,
  eigenLayer: EIGEN_LAYER_STAKE_SOURCE_ABI,
  reserveRegistry: RESERVE_REGISTRY_ABI,
  reputation: REPUTATION_ABI,
  ledger: COMMITMENT_LEDGER_ABI,
  adjudicator: ADJUDICATOR_ABI,
  attestations: ATTESTATIONS_ABI,
  transfers: TRANSFERS_ABI,
};

/** A connected task. */
export interface Client {
  ethers: HardhatEthers;
  provider: Provider;
  chainId: bigint;
  deployment: Deployment;
  /** Every error and event of the project's contracts, for decoding. */
  iface: Interface;
  /** The task's output (text, or one JSON object with --json). */
  out: TaskOutput;
  /** The `--from` account (resolved on first call: only tasks that send or sign call it). */
  signer(): Promise<HardhatEthersSigner>;
  /** A deployed contract, read-only (provider) unless a runner (the signer) is given; checks there is code. */
  contract<R extends keyof Contracts>(role: R, runner?: ContractRunner): Promise<Contracts[R]>;
  /** Read a configuration variable (Hardhat keystore first, then the environment). */
  readConfigVariable(name: string): Promise<string>;
}

/**
 * Pick a signer: "" = the network's first account; a number = that account index; an address = that account (one
 * the network config can sign for: a Hardhat account or a configured key).
 */
export async function selectSigner(ethers: HardhatEthers, from: string | undefined): Promise<HardhatEthersSigner> {
  const signers = await ethers.getSigners();
  if (signers.length === 0) throw new TaskError("the network has no accounts configured: --from needs one");
  if (from === undefined || from === "") return signers[0];
  if (/^[0-9]+$/.test(from)) {
    const index = Number(from);
    if (index >= signers.length) throw new TaskError(`--from ${from}: only ${signers.length} accounts configured`);
    return signers[index];
  }
  const match = signers.find((s) => s.address.toLowerCase() === from.toLowerCase());
  if (!match) throw new TaskError(`--from ${from}: not an account of this network (index or configured address)`);
  return match;
}

/** What {@link clientOf} needs besides the connection. */
export interface ClientSetup {
  /** The deployment directory (already defaulted). */
  deploymentDir?: string;
  /** Project root, for the default deployment directory. */
  root: string;
  artifactsDir: string;
  from?: string;
  out: TaskOutput;
  readConfigVariable: (name: string) => Promise<string>;
}

/** A client over an open connection (tasks through {@link openClient}; tests and scripts directly). */
export async function clientOf(ethers: HardhatEthers, setup: ClientSetup): Promise<Client> {
  const provider = ethers.provider;
  const chainId = (await provider.getNetwork()).chainId;
  const dir = deploymentDirOf(setup.deploymentDir, setup.root, chainId);
  const read = await readDeployment(dir);
  const deployment: Deployment = { ...read, firstBlock: await checkedFirstBlock(provider, read) };
  const iface = combinedInterface(await loadProjectAbis(setup.artifactsDir));
  let signer: Promise<HardhatEthersSigner> | undefined;
  const checked = new Set<string>();
  return {
    ethers,
    provider,
    chainId,
    deployment,
    iface,
    out: setup.out,
    signer: () => (signer ??= selectSigner(ethers, setup.from)),
    async contract(role, runner) {
      const address = deployment.address(role);
      if (!checked.has(address)) {
        if ((await provider.getCode(address)) === "0x") {
          throw new TaskError(
            `no contract at ${address} on chain ${chainId} (the ${ROLE_FUTURES[role]} of ${deployment.file})`,
          );
        }
        checked.add(address);
      }
      return new Contract(address, ABIS[role], runner ?? provider) as unknown as Contracts[typeof role];
    },
    readConfigVariable: setup.readConfigVariable,
  };
}

/**
 * The deployment's stake source, for what both kinds answer (`IStakeSource`: stakeOf, stakeHistoryOf, restitutionOf,
 * ...): the collateral vault, or the EigenLayer adapter of a deployment on EigenLayer.
 */
export async function stakeSourceOf(
  ctx: Pick<Client, "contract" | "deployment">,
  runner?: ContractRunner,
): Promise<CollateralVault | EigenLayerStakeSource> {
  return ctx.deployment.stakeKind === "eigenlayer" ? ctx.contract("eigenLayer", runner) : ctx.contract("vault", runner);
}

/** Connect to the task's network and read its deployment. */
export async function openClient(hre: HardhatRuntimeEnvironment, args: ClientArgs, out: TaskOutput): Promise<Client> {
  const { ethers } = await hre.network.getOrCreate();
  return clientOf(ethers, {
    deploymentDir: args.deployment,
    root: hre.config.paths.root,
    artifactsDir: hre.config.paths.artifacts,
    from: args.from,
    out,
    readConfigVariable: async (name) => {
      try {
        return await readConfigVariable(hre, name);
      } catch (e) {
        throw new TaskError((e as Error).message);
      }
    },
  });
}

/** A connection without a deployment: for tasks that read only the chain itself (its clock). */
export type Connection = Pick<Client, "ethers" | "provider" | "chainId" | "out">;

/** Connect to the task's network, without reading a deployment (there may be none yet). */
export async function openConnection(hre: HardhatRuntimeEnvironment, out: TaskOutput): Promise<Connection> {
  const { ethers } = await hre.network.getOrCreate();
  return { ethers, provider: ethers.provider, chainId: (await ethers.provider.getNetwork()).chainId, out };
}

/** The JSON-RPC URL of the task's network (`--network`), or undefined for an in-process one (no URL). */
export async function networkUrl(hre: HardhatRuntimeEnvironment): Promise<string | undefined> {
  const { networkConfig } = await hre.network.getOrCreate();
  return networkConfig.type === "http" ? await networkConfig.url.get() : undefined;
}

/**
 * The default action of a chain task: connect, run the body, print its output (text or `--json`), and turn a
 * failure into one line on stderr and a non-zero exit code.
 */
export async function clientTask(
  name: string,
  hre: HardhatRuntimeEnvironment,
  args: ClientArgs,
  body: (ctx: Client) => Promise<void>,
): Promise<void> {
  await runTask(name, async (out) => body(await openClient(hre, args, out)), { json: args.json });
}
