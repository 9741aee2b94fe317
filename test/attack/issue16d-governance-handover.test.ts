// Issue 16d review of the hand-over of a consortium on EigenLayer (ignition/modules/GovernanceEigenLayer.ts) and of
// `governance roles --check` on it: does any role, on any contract, stay with the deployer (an EOA acting without the
// timelock's delay: releasing deferred slashes, re-weighting strategies, vetoing claims, ejecting)? Does the deployer
// keep any power on EigenLayer's side (the AVS's metadata, registrar, slashing)? Does `--check` see a stake source
// left with the deployer, and what does it take for granted?
// Real contracts on Hardhat's EDR over the TEST-ONLY EigenLayer stand-ins, deployed by the Ignition modules.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { expect } from "chai";
import hre, { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { consortiumEigenLayerModule } from "../../deploy/Consortium.js";
import { governanceEigenLayerModule } from "../../deploy/Governance.js";
import { TIMELOCK_KEY } from "../../src/governance/index.js";
import { roles } from "../../tasks/governance-roles.js";
import { deployEigenLayerStandIns, WAD } from "../helpers/eigenlayer.js";
import { expectRejectContaining } from "../helpers/expect.js";

const conn = await network.create();
const { ethers } = conn;
const [deployer, multisig] = await ethers.getSigners();

const el = await deployEigenLayerStandIns(ethers, { deployer });
await el.mine(6);
const everything = buildModule("Issue16dHandover", (m) => ({
  ...m.useModule(consortiumEigenLayerModule),
  ...m.useModule(governanceEigenLayerModule),
}));
const deployed = await conn.ignition.deploy(everything, {
  parameters: {
    Consortium: {
      allocationManager: await el.allocationManager.getAddress(),
      strategyManager: await el.strategyManager.getAddress(),
      strategies: [{ strategy: await el.strategy.getAddress(), weight: WAD }],
    },
    Governance: { multisig: multisig.address, minDelay: 3_600n, claimWindow: 7n * 86_400n, insuranceShareBps: 2_000n },
  },
});
const source = await ethers.getContractAt("EigenLayerStakeSource", await deployed.stakeSource.getAddress());
const registry = await ethers.getContractAt("ConsortiumRegistry", await deployed.registry.getAddress());
const adjudicator = await ethers.getContractAt("Adjudicator", await deployed.adjudicator.getAddress());
const timelock = await deployed.timelock.getAddress();
const addresses: Record<string, string> = {
  "Consortium#ConsortiumRegistry": await registry.getAddress(),
  "Consortium#EigenLayerStakeSource": await source.getAddress(),
  "Consortium#CommitmentLedger": await deployed.ledger.getAddress(),
  "Consortium#Reputation": await deployed.reputation.getAddress(),
  "Consortium#Adjudicator": await adjudicator.getAddress(),
  "Consortium#ReserveRegistry": await deployed.reserveRegistry.getAddress(),
  [TIMELOCK_KEY]: timelock,
};
const taskHre = {
  network: { getOrCreate: async () => conn },
  config: hre.config,
} as unknown as HardhatRuntimeEnvironment;

describe("issue 16d: the hand-over of a consortium on EigenLayer", function () {
  this.timeout(300_000);
  let dir: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "por-issue16d-handover-"));
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const check = async (book: Record<string, string>) => {
    await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(book));
    // The task body prints its report; keep the test's output short.
    const log = console.log;
    console.log = () => {};
    try {
      return await roles({ deployment: dir, json: true, check: false, fromBlock: 0n }, taskHre);
    } finally {
      console.log = log;
    }
  };

  it("defence: the deployer holds no role of any contract (every role the ABIs and events name); `roles --check` passes", async function () {
    const { roles: all, offences } = await check(addresses);
    expect(offences).to.deep.equal([]);
    const held = all.filter((r) => r.holders.some((h) => h.account.toLowerCase() === deployer.address.toLowerCase()));
    expect(held.map((r) => `${r.contract} ${r.name}`)).to.deep.equal([]);
    // Every role the EigenLayer stake source has (DEFAULT_ADMIN_ROLE only) is the timelock's.
    const sourceRoles = all.filter((r) => r.contract === "EigenLayerStakeSource");
    expect(sourceRoles.map((r) => [r.name, r.holders.map((h) => h.account)])).to.deep.equal([
      ["DEFAULT_ADMIN_ROLE", [timelock]],
    ]);
    for (const role of [await registry.AUDITOR_ROLE(), await registry.ADJUDICATOR_ROLE()]) {
      expect(await registry.hasRole(role, deployer.address)).to.equal(false);
    }
    expect((await adjudicator.claimParams()).insuranceFund).to.equal(timelock);
    await expectRejectContaining(source.connect(deployer).releaseDeferredSlash(1n), "AccessControlUnauthorized");
    await expectRejectContaining(
      source.connect(deployer).setStrategyWeight(await el.strategy.getAddress(), 0n),
      "AccessControlUnauthorized",
    );
  });

  it("defence: on EigenLayer's side only the AVS contract itself acts for the AVS (metadata, registrar, slashing); the deployer cannot", async function () {
    const avs = await source.getAddress();
    await expectRejectContaining(
      el.allocationManager.connect(deployer).updateAVSMetadataURI(avs, "https://evil.example/avs.json"),
      "InvalidPermissions",
    );
    await expectRejectContaining(
      el.allocationManager.connect(deployer).setAVSRegistrar(avs, avs),
      "InvalidPermissions",
    );
    await expectRejectContaining(
      el.allocationManager.connect(deployer).slashOperator(avs, {
        operator: multisig.address,
        operatorSetId: await source.operatorSetId(),
        strategies: [await el.strategy.getAddress()],
        wadsToSlash: [WAD],
        description: "deployer",
      }),
      "OperatorNotSlashable",
    );
  });

  it("defence: `roles --check` reports a stake source left with the deployer (an adapter it still administers)", async function () {
    // A second adapter whose admin is the deployer, as a deployment without the EigenLayer hand-over would leave it.
    const leftover = await ethers.deployContract("EigenLayerStakeSource", [
      deployer.address,
      await el.allocationManager.getAddress(),
      await el.strategyManager.getAddress(),
      await registry.getAddress(),
      7,
      10,
      0,
      1_000,
      ethers.ZeroAddress,
    ]);
    const { offences } = await check({ ...addresses, "Consortium#EigenLayerStakeSource": await leftover.getAddress() });
    expect(offences).to.deep.equal([`EigenLayerStakeSource: ${deployer.address} (an EOA) holds DEFAULT_ADMIN_ROLE`]);
  });

  it("documented: `roles --check` takes the deployment file's list of contracts for granted: without the stake source's entry it passes", async function () {
    const withoutSource = { ...addresses };
    delete withoutSource["Consortium#EigenLayerStakeSource"];
    const { roles: all, offences } = await check(withoutSource);
    expect(offences).to.deep.equal([]);
    expect(all.some((r) => r.contract === "EigenLayerStakeSource" || r.contract === "CollateralVault")).to.equal(false);
    // The registry knows its stake source: a check could read it there (`stakeSource()`) instead of trusting the file.
    expect(await registry.stakeSource()).to.equal(await source.getAddress());
  });
});
