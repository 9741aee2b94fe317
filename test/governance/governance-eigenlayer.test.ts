// Governance of a consortium on EigenLayer: the hand-over module (ignition/modules/GovernanceEigenLayer.ts) leaves
// every admin role, the EigenLayer stake source's included, with the timelock, and the governance task bodies propose
// and execute the stake source's calls (strategy weights, stake parameters, releasing a deferred slash). Real
// contracts on Hardhat's EDR over the TEST-ONLY EigenLayer stand-ins.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { expect } from "chai";
import hre, { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { consortiumEigenLayerModule } from "../../deploy/Consortium.js";
import { ADMINISTERED_CONTRACTS, governanceEigenLayerModule } from "../../deploy/Governance.js";
import { DEFAULT_ADMIN_ROLE, adminOffences, encodeGovernanceCall, TIMELOCK_KEY } from "../../src/governance/index.js";
import { execute } from "../../tasks/governance-execute.js";
import { propose, type ProposeArgs } from "../../tasks/governance-propose.js";
import { deploymentRoles } from "../../tasks/governance-roles.js";
import { deployEigenLayerStandIns, WAD } from "../helpers/eigenlayer.js";
import { expectRejectContaining } from "../helpers/expect.js";

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const [deployer, multisig, outsider] = await ethers.getSigners();
const MIN_DELAY = 3_600n;

const el = await deployEigenLayerStandIns(ethers, { deployer });
await el.mine(6);
const everything = buildModule("GovernanceEigenLayerTest", (m) => ({
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
    Governance: {
      multisig: multisig.address,
      minDelay: MIN_DELAY,
      claimWindow: 7n * 86_400n,
      insuranceShareBps: 2_000n,
    },
  },
});
const source = await ethers.getContractAt("EigenLayerStakeSource", await deployed.stakeSource.getAddress());
const timelockAddress = await deployed.timelock.getAddress();
const addresses: Record<string, string> = {
  "Consortium#ConsortiumRegistry": await deployed.registry.getAddress(),
  "Consortium#EigenLayerStakeSource": await source.getAddress(),
  "Consortium#CommitmentLedger": await deployed.ledger.getAddress(),
  "Consortium#Reputation": await deployed.reputation.getAddress(),
  "Consortium#Adjudicator": await deployed.adjudicator.getAddress(),
  "Consortium#Attestations": await deployed.attestations.getAddress(),
  "Consortium#Transfers": await deployed.transfers.getAddress(),
  "Consortium#ReserveRegistry": await deployed.reserveRegistry.getAddress(),
  [TIMELOCK_KEY]: timelockAddress,
};
const taskHre = {
  network: { getOrCreate: async () => conn },
  config: hre.config,
} as unknown as HardhatRuntimeEnvironment;

describe("governance of a consortium on EigenLayer", function () {
  let dir: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "por-governance-el-"));
    await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(addresses));
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const proposeArgs = (over: Partial<ProposeArgs>): ProposeArgs => ({
    deployment: dir,
    json: true,
    contract: "EigenLayerStakeSource",
    function: "setStakeParams",
    args: JSON.stringify([10, 86_400, 500]),
    address: "",
    value: 0n,
    salt: "",
    predecessor: "",
    delay: -1n,
    unsigned: false,
    out: "",
    from: multisig.address,
    ...over,
  });

  it("hands every admin role, the stake source's included, to the timelock; the deployer keeps none", async function () {
    const roles = await deploymentRoles(addresses, ethers.provider);
    const administered = ADMINISTERED_CONTRACTS.filter((n) => n !== "CollateralVault");
    for (const name of administered) {
      expect(
        roles.filter((r) => r.contract === name && r.name === "DEFAULT_ADMIN_ROLE"),
        name,
      ).to.have.length(1);
    }
    expect(adminOffences(roles, [timelockAddress])).to.deep.equal([]);
    expect(await source.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
    expect(await source.hasRole(DEFAULT_ADMIN_ROLE, timelockAddress)).to.equal(true);
    await expectRejectContaining(source.connect(deployer).setStakeParams(10, 86_400, 500), "AccessControlUnauthorized");
  });

  it("changes the stake source's parameters only through the timelock, after its delay", async function () {
    const proposed = await propose(proposeArgs({}), taskHre);
    const id = String(proposed.id);
    await expectRejectContaining(
      execute({ deployment: dir, json: true, id, from: outsider.address, fromBlock: 0n }, taskHre),
      "is not ready",
    );
    await networkHelpers.time.increase(MIN_DELAY);
    await execute({ deployment: dir, json: true, id, from: outsider.address, fromBlock: 0n }, taskHre);
    const [lookAhead, bounty] = await source.stakeParams();
    expect([lookAhead, bounty, await source.restitutionDelay()]).to.deep.equal([10n, 500n, 86_400n]);
  });

  it("encodes releaseDeferredSlash for the timelock, and the contract refuses it from anyone else", async function () {
    const call = encodeGovernanceCall("EigenLayerStakeSource", "releaseDeferredSlash", ["1"]);
    expect(call.signature).to.equal("releaseDeferredSlash(uint256)");
    await expectRejectContaining(source.connect(multisig).releaseDeferredSlash(1n), "AccessControlUnauthorized");
    // Scheduled and executed through the timelock, it reaches the contract (which knows no deferred slash 1 here).
    const proposed = await propose(proposeArgs({ function: "releaseDeferredSlash", args: '["1"]' }), taskHre);
    await networkHelpers.time.increase(MIN_DELAY);
    await expectRejectContaining(
      execute({ deployment: dir, json: true, id: String(proposed.id), from: outsider.address, fromBlock: 0n }, taskHre),
      "eigen layer unknown deferred slash (id 1)",
    );
  });
});
