// Step 3, deploy: the consortium comes from the same Ignition module (deploy/Consortium.ts) a real deployment uses,
// and its addresses are written to a deployment file, as Ignition writes one on a real network, which every actor's
// task client reads. Governance lists a stablecoin as the second asset and collateral.
import { join } from "node:path";
import { writeFile } from "node:fs/promises";

import { Wallet, ZeroAddress } from "ethers";

import { buildConsortiumModule, FRAUD_VERIFIER } from "../../../deploy/Consortium.js";
import { TestToken__factory } from "../../../types/ethers-contracts/index.js";
import { TaskError, clientOf, sendAndDescribe, writeDeployment, type ConsortiumAddresses } from "../../client/index.js";
import { DEMO_PARAMS, type ChainContext, type DemoClients, type DemoContext, type DemoContracts } from "../context.js";
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
} as const satisfies ConsortiumAddresses;

/** Deploys, writes the deployment file, makes the actors' clients, lists USDC. */
export async function deploy(ctx: ChainContext): Promise<Pick<DemoContext, "d" | "clients" | "assetsPath">> {
  const { hre, p, scenario, chain, gas, tmp } = ctx;
  const { conn, gov } = chain;
  const out = await p.step(
    "deploy",
    "deploy the consortium (Ignition module deploy/Consortium.ts) and list USDC",
    async (note) => {
      const auditor = new Wallet(scenario.auditorKey).address;
      for (const key of [scenario.auditorKey, scenario.aggregatorKey, scenario.verifierKey])
        await chain.setBalance(new Wallet(key).address, 100n * ETH_UNIT);
      const module = buildConsortiumModule("Consortium", FRAUD_VERIFIER);
      const deployed = (await conn.ignition.deploy(module, {
        parameters: {
          Consortium: {
            auditor,
            snapshotInterval: DEMO_PARAMS.snapshotInterval,
            responseWindow: DEMO_PARAMS.responseWindow,
            minCollateral: DEMO_PARAMS.minCollateral,
            quorumWeight: ETH_UNIT,
            minSigners: 1n,
            requestFee: 0n,
            fraudBps: DEMO_PARAMS.fraudBps,
            bountyShareBps: DEMO_PARAMS.bountyShareBps,
          },
        },
      })) as unknown as Record<string, { getAddress(): Promise<string> }>;
      const addresses: Record<string, string> = {};
      for (const k of Object.keys(CONTRACTS)) addresses[k] = await deployed[k].getAddress();
      const deploymentDir = await writeDeployment(join(tmp, "deployment"), { ...addresses });
      const token = await conn.ethers.deployContract("TestToken", ["Demo USD Coin", "USDC", 6], gov as never);
      await token.waitForDeployment();
      addresses.usdc = await token.getAddress();
      for (const [k, name] of Object.entries({ ...CONTRACTS, usdc: "TestToken" })) {
        const { abi } = await hre.artifacts.readArtifact(name);
        gas.contract(addresses[k], k === "usdc" ? "USDC" : name, abi as never);
      }
      const clients = await actorClients(ctx, deploymentDir);
      const c = clients.governance;
      const d: DemoContracts = {
        registry: await c.contract("registry"),
        vault: await c.contract("vault"),
        reserveRegistry: await c.contract("reserveRegistry"),
        reputation: await c.contract("reputation"),
        ledger: await c.contract("ledger"),
        adjudicator: await c.contract("adjudicator"),
        usdc: TestToken__factory.connect(addresses.usdc, conn.ethers.provider),
        addresses,
      };
      await sendAndDescribe(c, "listAsset", () =>
        d.registry.connect(gov).listAsset(USDC_ASSET, addresses.usdc, "USDC", 6),
      );
      await sendAndDescribe(c, "setTokenWeight", () =>
        d.vault.connect(gov).setTokenWeight(addresses.usdc, USDC_WEIGHT),
      );
      note(`ledger ${addresses.ledger}, adjudicator ${addresses.adjudicator}, USDC ${addresses.usdc}`);
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

/**
 * One task client per actor, as `--from` its account over the demo's deployment file; a member's configuration
 * variables hold its reserve wallets' keys (its tasks' `--wallet-key-var`).
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
        client(m.address, Object.fromEntries(m.reserveWallets.map((k, j) => [reserveKeyVariable(j), k]))),
      ),
    ),
  };
}
