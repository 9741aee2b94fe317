// Step 3, deploy: the consortium comes from the same Ignition module (deploy/Consortium.ts) a real deployment uses,
// and its addresses are written to a deployment file, as Ignition writes one on a real network, which every actor's
// task client reads. Governance lists a stablecoin as the second asset and collateral. With `--stake eigenlayer` the
// module is the EigenLayer one (buildConsortiumEigenLayerModule) on the TEST-ONLY stand-ins of EigenLayer's core,
// with a WETH strategy (the adapter's wrappedNative) and a USDC strategy weighted as the vault weighs ETH and USDC.
import { join } from "node:path";
import { writeFile } from "node:fs/promises";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Wallet, ZeroAddress } from "ethers";

import { buildConsortiumEigenLayerModule, buildConsortiumModule, FRAUD_VERIFIER } from "../../../deploy/Consortium.js";
import {
  TestToken__factory,
  type CollateralVault,
  type EigenLayerStakeSource,
  type TestToken,
} from "../../../types/ethers-contracts/index.js";
import {
  TaskError,
  clientOf,
  sendAndDescribe,
  stakeSourceOf,
  writeDeployment,
  type ConsortiumAddresses,
} from "../../client/index.js";
import {
  DEMO_PARAMS,
  type ChainContext,
  type DemoClients,
  type DemoContext,
  type DemoContracts,
  type DemoEigenLayer,
} from "../context.js";
import { deployEigenLayerStandIns } from "../eigenlayer.js";
import { ETH_ASSET, ETH_UNIT, USDC_ASSET, USDC_WEIGHT } from "../scenario.js";
import { booked, quietOutput, reserveKeyVariable } from "./common.js";

/** The contracts' keys in the Ignition module's result and their artifact names. */
const CONTRACTS = {
  registry: "ConsortiumRegistry",
  vault: "CollateralVault",
  reserveRegistry: "ReserveRegistry",
  reputation: "Reputation",
  ledger: "CommitmentLedger",
  verifier: "LeafMismatch32Verifier",
  adjudicator: "Adjudicator",
  attestations: "Attestations",
  transfers: "Transfers",
} as const satisfies ConsortiumAddresses;

/** On EigenLayer: the module's stake source (`stakeSource`, the deployment's role `eigenLayer`) instead of the vault. */
const { vault: _vault, ...AROUND_THE_STAKE } = CONTRACTS;
const EIGENLAYER_CONTRACTS = { ...AROUND_THE_STAKE, eigenLayer: "EigenLayerStakeSource" } as const;

/** The TEST-ONLY EigenLayer stand-ins' keys in the addresses and their names in the gas book. */
const STAND_IN_NAMES = {
  allocationManager: "AllocationManager",
  delegationManager: "DelegationManager",
  strategyManager: "StrategyManager",
  wethStrategy: "WETH strategy",
  usdcStrategy: "USDC strategy",
  weth: "WETH",
} as const;
const STAND_IN_ARTIFACTS = {
  allocationManager: "StandInAllocationManager",
  delegationManager: "StandInDelegationManager",
  strategyManager: "StandInStrategyManager",
  wethStrategy: "StandInStrategy",
  usdcStrategy: "StandInStrategy",
  weth: "TestWrappedEther",
} as const;

/** Deploys, writes the deployment file, makes the actors' clients, lists USDC. */
export async function deploy(ctx: ChainContext): Promise<Pick<DemoContext, "d" | "clients" | "assetsPath">> {
  const { hre, p, scenario, chain, gas, tmp, stake } = ctx;
  const { conn, gov } = chain;
  const onEigenLayer = stake === "eigenlayer";
  const out = await p.step(
    "deploy",
    onEigenLayer
      ? "deploy EigenLayer's core (TEST-ONLY stand-ins) with a WETH and a USDC strategy, then the consortium on it " +
          "(Ignition module deploy/Consortium.ts, buildConsortiumEigenLayerModule), and list USDC"
      : "deploy the consortium (Ignition module deploy/Consortium.ts) and list USDC",
    async (note) => {
      const auditor = new Wallet(scenario.auditorKey).address;
      for (const key of [scenario.auditorKey, scenario.aggregatorKey, scenario.verifierKey])
        await chain.setBalance(new Wallet(key).address, 100n * ETH_UNIT);
      const common = {
        auditor,
        snapshotInterval: DEMO_PARAMS.snapshotInterval,
        responseWindow: DEMO_PARAMS.responseWindow,
        minCollateral: DEMO_PARAMS.minCollateral,
        quorumWeight: ETH_UNIT,
        minSigners: 1n,
        requestFee: 0n,
        fraudBps: DEMO_PARAMS.fraudBps,
        bountyShareBps: DEMO_PARAMS.bountyShareBps,
      };
      const addresses: Record<string, string> = {};
      let token: TestToken;
      let el: DemoEigenLayer | undefined;
      if (onEigenLayer) {
        // The stablecoin first: the USDC strategy holds it.
        token = await deployUsdc(ctx);
        el = await deployEigenLayer(ctx, token);
        const strategies = [
          { strategy: await el.wethStrategy.getAddress(), weight: ETH_UNIT },
          { strategy: await el.usdcStrategy.getAddress(), weight: USDC_WEIGHT },
        ].sort((a, b) => (BigInt(a.strategy) < BigInt(b.strategy) ? -1 : 1));
        const module = buildConsortiumEigenLayerModule("Consortium", FRAUD_VERIFIER);
        const deployed = (await conn.ignition.deploy(module, {
          parameters: {
            Consortium: {
              ...common,
              allocationManager: await el.standIns.allocationManager.getAddress(),
              strategyManager: await el.standIns.strategyManager.getAddress(),
              strategies,
              lookAheadBlocks: DEMO_PARAMS.lookAheadBlocks,
              restitutionDelay: 0n,
              wrappedNative: await el.weth.getAddress(),
            },
          },
        })) as unknown as Record<string, { getAddress(): Promise<string> }>;
        for (const k of Object.keys(AROUND_THE_STAKE)) addresses[k] = await deployed[k].getAddress();
        addresses.eigenLayer = await deployed.stakeSource.getAddress();
      } else {
        const module = buildConsortiumModule("Consortium", FRAUD_VERIFIER);
        const deployed = (await conn.ignition.deploy(module, {
          parameters: { Consortium: common },
        })) as unknown as Record<string, { getAddress(): Promise<string> }>;
        for (const k of Object.keys(CONTRACTS)) addresses[k] = await deployed[k].getAddress();
      }
      const deploymentDir = await writeDeployment(join(tmp, "deployment"), { ...addresses });
      if (!onEigenLayer) token = await deployUsdc(ctx);
      addresses.usdc = await token!.getAddress();
      if (el !== undefined) {
        const { allocationManager, delegationManager, strategyManager } = el.standIns;
        const standIns = { allocationManager, delegationManager, strategyManager, ...el };
        for (const k of Object.keys(STAND_IN_NAMES) as Array<keyof typeof STAND_IN_NAMES>) {
          addresses[k] = await standIns[k].getAddress();
        }
      }
      const names: Record<string, string> = { ...(onEigenLayer ? EIGENLAYER_CONTRACTS : CONTRACTS), usdc: "TestToken" };
      if (onEigenLayer) Object.assign(names, STAND_IN_ARTIFACTS);
      for (const [k, name] of Object.entries(names)) {
        const { abi } = await hre.artifacts.readArtifact(name);
        const label = k === "usdc" ? "USDC" : ((STAND_IN_NAMES as Record<string, string>)[k] ?? name);
        gas.contract(addresses[k], label, abi as never);
      }
      const clients = await actorClients(ctx, deploymentDir);
      const c = clients.governance;
      const stakeSource = await stakeSourceOf(c);
      const d: DemoContracts = {
        registry: await c.contract("registry"),
        stakeSource,
        stake:
          el === undefined
            ? { kind: "native", vault: stakeSource as CollateralVault }
            : { kind: "eigenlayer", adapter: stakeSource as EigenLayerStakeSource, el },
        reserveRegistry: await c.contract("reserveRegistry"),
        reputation: await c.contract("reputation"),
        ledger: await c.contract("ledger"),
        adjudicator: await c.contract("adjudicator"),
        attestations: await c.contract("attestations"),
        transfers: await c.contract("transfers"),
        usdc: TestToken__factory.connect(addresses.usdc, conn.ethers.provider),
        addresses,
      };
      await sendAndDescribe(c, "listAsset", () =>
        d.registry.connect(gov).listAsset(USDC_ASSET, addresses.usdc, "USDC", 6),
      );
      // On the vault, governance accepts USDC as collateral; on EigenLayer, the USDC strategy's weight does it.
      const vault = d.stake.kind === "native" ? d.stake.vault : undefined;
      if (vault !== undefined) {
        await sendAndDescribe(c, "setTokenWeight", () =>
          vault.connect(gov).setTokenWeight(addresses.usdc, USDC_WEIGHT),
        );
      }
      note(`ledger ${addresses.ledger}, adjudicator ${addresses.adjudicator}, USDC ${addresses.usdc}`);
      if (el !== undefined) {
        note(
          `EigenLayer (stand-ins): AllocationManager ${addresses.allocationManager}, strategies WETH ` +
            `${addresses.wethStrategy} and USDC ${addresses.usdcStrategy}; the AVS adapter ${addresses.eigenLayer}`,
        );
      }
      return { d, clients };
    },
  );
  await booked(ctx, "deploy");
  // The snapshots' asset list (por.assets): ETH and the stablecoin on this chain.
  const asset = (id: number, symbol: string, token: string, decimals: number) => ({
    id,
    symbol,
    chainId: Number(chain.chainId),
    token,
    decimals,
  });
  const assets = [asset(ETH_ASSET, "ETH", ZeroAddress, 18), asset(USDC_ASSET, "USDC", out.d.addresses.usdc, 6)];
  const assetsPath = join(tmp, "assets.json");
  await writeFile(assetsPath, JSON.stringify({ format: "por.assets", version: 1, assets }));
  return { ...out, assetsPath };
}

/** The demo's stablecoin (a TestToken with 6 decimals), deployed by governance. */
async function deployUsdc(ctx: ChainContext): Promise<TestToken> {
  const { conn, gov } = ctx.chain;
  const token = await conn.ethers.deployContract("TestToken", ["Demo USD Coin", "USDC", 6], gov as never);
  await token.waitForDeployment();
  return TestToken__factory.connect(await token.getAddress(), gov);
}

/**
 * EigenLayer's core as the TEST-ONLY stand-ins, with two strategies: WETH (TestWrappedEther) and the demo's USDC.
 */
async function deployEigenLayer(ctx: ChainContext, usdc: TestToken): Promise<DemoEigenLayer> {
  const { conn, gov } = ctx.chain;
  const deployer = gov as unknown as HardhatEthersSigner;
  const standIns = await deployEigenLayerStandIns(conn.ethers, { token: usdc, deployer });
  const weth = await conn.ethers.deployContract("TestWrappedEther", [], deployer);
  await weth.waitForDeployment();
  const wethStrategy = await standIns.deployStrategy(weth);
  // A fresh chain must pass EigenLayer's withdrawal delay before the first slash (its underflow trap).
  await standIns.mine(Number(await standIns.delegationManager.minWithdrawalDelayBlocks()) + 1);
  return { standIns, weth, wethStrategy, usdcStrategy: standIns.strategy };
}

/**
 * One task client per actor, as `--from` its account over the demo's deployment file; a member's configuration
 * variables hold its reserve wallets' keys (its tasks' `--wallet-key-var`) and its operator's encryption key.
 */
async function actorClients(ctx: ChainContext, deploymentDir: string): Promise<DemoClients> {
  const { hre, scenario, tmp, chain } = ctx;
  const client = (from: string, variables: Record<string, string> = {}) =>
    clientOf(chain.conn.ethers, {
      deploymentDir,
      root: tmp,
      artifactsDir: hre.config.paths.artifacts,
      from,
      out: quietOutput(),
      readConfigVariable: async (name) => {
        const value = variables[name];
        if (value === undefined) throw new TaskError(`configuration variable ${name} is not set`);
        return value;
      },
    });
  return {
    governance: await client(chain.gov.address),
    auditor: await client(new Wallet(scenario.auditorKey).address),
    members: await Promise.all(
      scenario.members.map((m) =>
        client(m.address, {
          ...Object.fromEntries(m.reserveWallets.map((k, j) => [reserveKeyVariable(j), k])),
          [hre.config.por.encryptionKey.name]: m.encryptionKey,
        }),
      ),
    ),
  };
}
