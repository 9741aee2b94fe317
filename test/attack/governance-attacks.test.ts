// Attacks on the governance hand-over (issue 19, A13): real contracts on EDR, deployed through the same Ignition
// modules as test/governance/governance.test.ts (Consortium, ConsortiumConfig, Governance in one run).
//
// A test whose title starts with "FINDING" asserts the SAFE behaviour: it fails while the weakness is there and
// passes once it is fixed. The other tests are attacks that were defended, kept as regression tests.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { IgnitionModule } from "@nomicfoundation/ignition-core";
import { expect } from "chai";
import { Wallet, ZeroHash, id as keccakId, parseEther } from "ethers";
import hre, { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import consortiumModule, { ROLES } from "../../deploy/Consortium.js";
import { buildConsortiumConfigModule } from "../../deploy/ConsortiumConfig.js";
import { VAULT_ADMINISTERED_CONTRACTS, buildGovernanceModule } from "../../deploy/Governance.js";
import {
  DEFAULT_ADMIN_ROLE,
  TIMELOCK_KEY,
  encodeGovernanceCall,
  hashOperation,
  parseConsortiumConfig,
  privilegeOffences,
  timelockInterface,
} from "../../src/governance/index.js";
import { execute } from "../../tasks/governance-execute.js";
import { pending } from "../../tasks/governance-pending.js";
import { propose, type ProposeArgs } from "../../tasks/governance-propose.js";
import { roles } from "../../tasks/governance-roles.js";
import { cancel } from "../../tasks/governance-cancel.js";
import { expectRejectContaining } from "../helpers/expect.js";

const MIN_DELAY = 3_600n;
const DAY = 86_400n;

type Conn = Awaited<ReturnType<typeof network.create>>;

/**
 * One run on a fresh EDR network: the consortium, optionally the configuration, `extra` modules that run with the
 * deployer's roles before the renounces (as the configuration does), and the hand-over. Writes the
 * deployed_addresses.json the tasks read.
 */
async function deployGoverned(
  conn: Conn,
  runId: string,
  parameters: Record<string, Record<string, unknown>>,
  extra: IgnitionModule[] = [],
) {
  const { ethers } = conn;
  const [, , auditor] = await ethers.getSigners();
  const config = parseConsortiumConfig({
    assets: [{ id: 2, token: Wallet.createRandom().address, symbol: "USDC", decimals: 6, collateralWeight: "1" }],
    auditors: [auditor.address],
  });
  const configModule = buildConsortiumConfigModule(config);
  const governanceModule = buildGovernanceModule(consortiumModule, "Governance", [configModule, ...extra]);
  const everything = buildModule(runId, (m) => ({
    ...m.useModule(consortiumModule),
    ...m.useModule(governanceModule),
  }));
  const d = await conn.ignition.deploy(everything, { parameters: parameters as never });
  const c = {
    ConsortiumRegistry: await ethers.getContractAt("ConsortiumRegistry", await d.registry.getAddress()),
    CollateralVault: await ethers.getContractAt("CollateralVault", await d.vault.getAddress()),
    CommitmentLedger: await ethers.getContractAt("CommitmentLedger", await d.ledger.getAddress()),
    Reputation: await ethers.getContractAt("Reputation", await d.reputation.getAddress()),
    Adjudicator: await ethers.getContractAt("Adjudicator", await d.adjudicator.getAddress()),
    Attestations: await ethers.getContractAt("Attestations", await d.attestations.getAddress()),
    Transfers: await ethers.getContractAt("Transfers", await d.transfers.getAddress()),
  };
  const timelock = await ethers.getContractAt("TimelockController", await d.timelock.getAddress());
  const timelockAddress = await timelock.getAddress();
  const dir = await mkdtemp(join(tmpdir(), "por-governance-attack-"));
  const addresses: Record<string, string> = {
    "Consortium#ConsortiumRegistry": await c.ConsortiumRegistry.getAddress(),
    "Consortium#CollateralVault": await c.CollateralVault.getAddress(),
    "Consortium#CommitmentLedger": await c.CommitmentLedger.getAddress(),
    "Consortium#Reputation": await c.Reputation.getAddress(),
    "Consortium#Adjudicator": await c.Adjudicator.getAddress(),
    "Consortium#Attestations": await c.Attestations.getAddress(),
    "Consortium#Transfers": await c.Transfers.getAddress(),
    "Consortium#ReserveRegistry": await d.reserveRegistry.getAddress(),
    [TIMELOCK_KEY]: timelockAddress,
  };
  await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(addresses));
  const taskHre = {
    network: { getOrCreate: async () => conn },
    config: hre.config,
  } as unknown as HardhatRuntimeEnvironment;
  return { c, timelock, timelockAddress, dir, addresses, taskHre };
}

// ------------------------------------------------------------------------------------------------ main deployment

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const [deployer, multisig, auditor, outsider, applicant, recipient] = await ethers.getSigners();
const main = await deployGoverned(conn, "GovernanceAttack", {
  Governance: { multisig: multisig.address, minDelay: MIN_DELAY, claimWindow: 7n * 86_400n, insuranceShareBps: 2_000n },
});
const { c, timelock, timelockAddress, addresses, taskHre } = main;
const common = { deployment: main.dir, json: true };
const opArgs = (id: string, from = outsider.address) => ({ ...common, id, from, fromBlock: 0n });
function proposeArgs(over: Partial<ProposeArgs>): ProposeArgs {
  return {
    ...common,
    contract: "Reputation",
    function: "setSlashPenalty",
    args: "[4000]",
    address: "",
    value: 0n,
    salt: "",
    predecessor: "",
    delay: -1n,
    unsigned: false,
    out: "",
    from: multisig.address,
    ...over,
  };
}
let saltCounter = 0x40;
const freshSalt = () => `0x${(saltCounter++).toString(16).padStart(2, "0").repeat(32)}`;

describe("governance attacks", function () {
  describe("no EOA keeps a power after the hand-over (defended)", function () {
    it("the deployer renounced DEFAULT_ADMIN_ROLE on every contract and its AUDITOR_ROLE", async function () {
      for (const name of VAULT_ADMINISTERED_CONTRACTS) {
        expect(await c[name].hasRole(DEFAULT_ADMIN_ROLE, deployer.address), name).to.equal(false);
        expect(await c[name].hasRole(DEFAULT_ADMIN_ROLE, timelockAddress), name).to.equal(true);
      }
      expect(await c.ConsortiumRegistry.hasRole(ROLES.AUDITOR_ROLE, deployer.address)).to.equal(false);
      expect(await c.ConsortiumRegistry.hasRole(ROLES.ADJUDICATOR_ROLE, deployer.address)).to.equal(false);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, multisig.address)).to.equal(false);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, timelockAddress)).to.equal(true);
      expect((await c.Adjudicator.claimParams()).insuranceFund).to.equal(timelockAddress);
    });

    it("every governance-gated function reverts for the deployer, the multisig, an auditor and an outsider", async function () {
      const member = applicant.address;
      const sla = { snapshotInterval: 1n, responseWindow: 1n, minCollateral: 0n };
      const terms = { asset: 1n, claim: 1n, round: 1n, payoutHash: 0n };
      const denied = "AccessControlUnauthorizedAccount";
      // Every onlyRole / _checkGovernance / role-gated entry point of contracts/*.sol.
      const attempts: Array<[string, (s: typeof deployer) => Promise<unknown>, string]> = [
        ["ConsortiumRegistry.setSla", (s) => c.ConsortiumRegistry.connect(s).setSla.staticCall(member, sla), denied],
        [
          "ConsortiumRegistry.setDefaultSla",
          (s) => c.ConsortiumRegistry.connect(s).setDefaultSla.staticCall(sla),
          denied,
        ],
        [
          "ConsortiumRegistry.listAsset",
          (s) => c.ConsortiumRegistry.connect(s).listAsset.staticCall(99, s.address, "X", 18),
          denied,
        ],
        [
          "ConsortiumRegistry.setUnbondingDelay",
          (s) => c.ConsortiumRegistry.connect(s).setUnbondingDelay.staticCall(0),
          denied,
        ],
        [
          "ConsortiumRegistry.setProbationPeriod",
          (s) => c.ConsortiumRegistry.connect(s).setProbationPeriod.staticCall(0),
          denied,
        ],
        [
          "ConsortiumRegistry.setStakeSource",
          (s) => c.ConsortiumRegistry.connect(s).setStakeSource.staticCall(s.address),
          denied,
        ],
        [
          "ConsortiumRegistry.grantRole(AUDITOR_ROLE)",
          (s) => c.ConsortiumRegistry.connect(s).grantRole.staticCall(ROLES.AUDITOR_ROLE, s.address),
          denied,
        ],
        [
          "ConsortiumRegistry.grantRole(ADJUDICATOR_ROLE)",
          (s) => c.ConsortiumRegistry.connect(s).grantRole.staticCall(ROLES.ADJUDICATOR_ROLE, s.address),
          denied,
        ],
        [
          "ConsortiumRegistry.revokeRole(AUDITOR_ROLE)",
          (s) => c.ConsortiumRegistry.connect(s).revokeRole.staticCall(ROLES.AUDITOR_ROLE, auditor.address),
          denied,
        ],
        [
          "ConsortiumRegistry.eject",
          (s) => c.ConsortiumRegistry.connect(s).eject.staticCall(member),
          "ConsortiumRegistryNotEjector",
        ],
        [
          "CollateralVault.setTokenWeight",
          (s) => c.CollateralVault.connect(s).setTokenWeight.staticCall(s.address, 1),
          denied,
        ],
        [
          "CollateralVault.setAdjudicator",
          (s) => c.CollateralVault.connect(s).setAdjudicator.staticCall(s.address),
          denied,
        ],
        [
          "CollateralVault.setBountyShareBps",
          (s) => c.CollateralVault.connect(s).setBountyShareBps.staticCall(0),
          denied,
        ],
        [
          "CollateralVault.slash",
          (s) => c.CollateralVault.connect(s).slash.staticCall(member, 10_000, s.address),
          "CollateralVaultNotAdjudicator",
        ],
        [
          "CollateralVault.releaseRestitution",
          (s) => c.CollateralVault.connect(s).releaseRestitution.staticCall(member, ethers.ZeroAddress, s.address, 1),
          "CollateralVaultNotAdjudicator",
        ],
        [
          "CommitmentLedger.setQuorumParams",
          (s) =>
            c.CommitmentLedger.connect(s).setQuorumParams.staticCall({
              quorumWeight: 1n,
              minSigners: 1n,
              requestFee: 0n,
              maxOpenRequests: 1n,
            }),
          denied,
        ],
        [
          "CommitmentLedger.setAdjudicator",
          (s) => c.CommitmentLedger.connect(s).setAdjudicator.staticCall(s.address),
          denied,
        ],
        ["Reputation.setSlashPenalty", (s) => c.Reputation.connect(s).setSlashPenalty.staticCall(0), denied],
        [
          "Adjudicator.setSlashParams",
          (s) =>
            c.Adjudicator.connect(s).setSlashParams.staticCall({ fraudBps: 0, missedDeadlineBps: 0, insolvencyBps: 0 }),
          denied,
        ],
        [
          "Adjudicator.setClaimParams (redirect the insurance fund)",
          (s) =>
            c.Adjudicator.connect(s).setClaimParams.staticCall({
              claimWindow: 1n,
              insuranceShareBps: 5_000n,
              insuranceFund: s.address,
            }),
          denied,
        ],
        [
          "Adjudicator.assignPayout",
          (s) => c.Adjudicator.connect(s).assignPayout.staticCall(member, 1n, terms, 1n, "mine"),
          denied,
        ],
        [
          "Adjudicator.grantRole(DEFAULT_ADMIN_ROLE)",
          (s) => c.Adjudicator.connect(s).grantRole.staticCall(DEFAULT_ADMIN_ROLE, s.address),
          denied,
        ],
        [
          "TimelockController.updateDelay",
          (s) => timelock.connect(s).updateDelay.staticCall(0),
          "TimelockUnauthorizedCaller",
        ],
        [
          "TimelockController.grantRole(PROPOSER_ROLE)",
          async (s) => timelock.connect(s).grantRole.staticCall(await timelock.PROPOSER_ROLE(), s.address),
          denied,
        ],
      ];
      for (const s of [deployer, multisig, auditor, outsider]) {
        for (const [label, attempt, error] of attempts) {
          try {
            await attempt(s);
          } catch (e) {
            expect((e as Error).message, `${label} from ${s.address}`).to.contain(error);
            continue;
          }
          expect.fail(`${label} succeeded from ${s.address}`);
        }
      }
      // Claim vetoes: only governance (the timelock) and the auditors (documented: they act without delay).
      for (const s of [deployer, multisig, outsider]) {
        await expectRejectContaining(
          c.Adjudicator.connect(s).vetoClaim.staticCall(member, 1n, terms, "no"),
          "RestitutionNotVetoer",
        );
      }
    });

    it("the multisig cannot schedule below the minimum delay, single or batch, and nobody executes unscheduled", async function () {
      const call = encodeGovernanceCall("Reputation", "setSlashPenalty", [0]);
      const target = addresses["Consortium#Reputation"];
      for (const delay of [0n, MIN_DELAY - 1n]) {
        await expectRejectContaining(
          timelock.connect(multisig).schedule(target, 0n, call.data, ZeroHash, ZeroHash, delay),
          "TimelockInsufficientDelay",
        );
        await expectRejectContaining(
          timelock.connect(multisig).scheduleBatch([target], [0n], [call.data], ZeroHash, ZeroHash, delay),
          "TimelockInsufficientDelay",
        );
      }
      // Nobody pulls ETH out of the timelock (the insurance fund) without a scheduled operation.
      await outsider.sendTransaction({ to: timelockAddress, value: 1n });
      for (const s of [deployer, multisig, outsider]) {
        await expectRejectContaining(
          timelock.connect(s).execute(s.address, 1n, "0x", ZeroHash, ZeroHash),
          "TimelockUnexpectedOperationState",
        );
      }
    });

    it("updateDelay(0) is itself delayed; an executor cannot swap the predecessor or salt of a ready operation", async function () {
      const proposed = await propose(
        proposeArgs({ contract: "TimelockController", function: "updateDelay", args: "[0]", salt: freshSalt() }),
        taskHre,
      );
      const id = String(proposed.id);
      expect(BigInt(String(proposed.delay))).to.equal(MIN_DELAY);
      await expectRejectContaining(execute(opArgs(id), taskHre), "is not ready");
      await expectRejectContaining(
        timelock.connect(outsider).execute(timelockAddress, 0n, String(proposed.data), ZeroHash, String(proposed.salt)),
        "TimelockUnexpectedOperationState",
      );
      // Another (ready) operation, executed with another predecessor or salt: a different id, refused.
      const other = await propose(proposeArgs({ args: "[4100]", salt: freshSalt() }), taskHre);
      await networkHelpers.time.increase(MIN_DELAY);
      await expectRejectContaining(
        timelock
          .connect(outsider)
          .execute(String(other.target), 0n, String(other.data), String(proposed.id), String(other.salt)),
        "TimelockUnexpectedOperationState",
      );
      await expectRejectContaining(
        timelock.connect(outsider).execute(String(other.target), 0n, String(other.data), ZeroHash, freshSalt()),
        "TimelockUnexpectedOperationState",
      );
      await execute(opArgs(String(other.id)), taskHre);
      expect(await c.Reputation.slashPenaltyBps()).to.equal(4_100n);
      // Withdraw the delay change (this file's later tests rely on the delay).
      await cancel(opArgs(id, multisig.address), taskHre);
      expect(await timelock.getMinDelay()).to.equal(MIN_DELAY);
    });
  });

  describe("the tasks (defended)", function () {
    it("propose --unsigned: the schedule transaction schedules exactly the displayed call, under the displayed id", async function () {
      const r = await propose(
        proposeArgs({
          contract: "CommitmentLedger",
          function: "setQuorumParams",
          args: JSON.stringify([["7000000000000000000", 3, "0", 4]]),
          unsigned: true,
          salt: freshSalt(),
          predecessor: `0x${"ab".repeat(32)}`,
          delay: MIN_DELAY + 5n,
          from: "",
        }),
        taskHre,
      );
      const schedule = r.schedule as { to: string; value: string; data: string };
      expect(schedule.to).to.equal(timelockAddress);
      expect(schedule.value).to.equal("0");
      const decoded = timelockInterface.decodeFunctionData("schedule", schedule.data);
      expect(decoded[0]).to.equal(r.target);
      expect(decoded[0]).to.equal(addresses["Consortium#CommitmentLedger"]);
      expect(decoded[1]).to.equal(BigInt(String(r.value)));
      expect(decoded[2]).to.equal(r.data);
      expect(decoded[3]).to.equal(r.predecessor);
      expect(decoded[4]).to.equal(r.salt);
      expect(decoded[5]).to.equal(BigInt(String(r.delay)));
      expect(
        hashOperation({ target: decoded[0], value: decoded[1], data: decoded[2] }, decoded[3], decoded[4]),
      ).to.equal(r.id);
      expect(await timelock.hashOperation(decoded[0], decoded[1], decoded[2], decoded[3], decoded[4])).to.equal(r.id);
      const call = encodeGovernanceCall("CommitmentLedger", "setQuorumParams", [["7000000000000000000", 3, "0", 4]]);
      expect(decoded[2]).to.equal(call.data);
    });

    it("execute --operation: a crafted file only names an id; the call run and shown is the one the chain scheduled", async function () {
      const real = await propose(proposeArgs({ args: "[4200]", salt: freshSalt() }), taskHre);
      const file = join(main.dir, "crafted-op.json");
      await writeFile(
        file,
        JSON.stringify({
          id: real.id,
          contract: "CommitmentLedger",
          function: "setQuorumParams((uint256,uint16,uint96,uint16))",
          target: addresses["Consortium#CommitmentLedger"],
          data: "0xdeadbeef",
          predecessor: `0x${"99".repeat(32)}`,
          salt: `0x${"98".repeat(32)}`,
        }),
      );
      await networkHelpers.time.increase(MIN_DELAY);
      const done = await execute({ ...common, operation: file, from: outsider.address, fromBlock: 0n }, taskHre);
      expect(done.id).to.equal(real.id);
      expect(done.calls).to.have.length(1);
      expect(done.calls[0].target).to.equal(addresses["Consortium#Reputation"]);
      expect(done.calls[0].call).to.equal('Reputation.setSlashPenalty("4200")');
      expect(await c.Reputation.slashPenaltyBps()).to.equal(4_200n);
      // A file naming an id never scheduled is refused before sending.
      await writeFile(file, JSON.stringify({ id: `0x${"77".repeat(32)}` }));
      await expectRejectContaining(
        execute({ ...common, operation: file, from: outsider.address, fromBlock: 0n }, taskHre),
        "was never scheduled on this timelock",
      );
    });
  });

  describe("findings", function () {
    it("fixed: governance execute pays an operation's ETH from the timelock's own balance (the insurance fund), never the executor's", async function () {
      // Insurance ETH the timelock holds (withdrawInsurance sends it there).
      await outsider.sendTransaction({ to: timelockAddress, value: parseEther("2") });
      // The multisig schedules a payout of 1 ETH from the insurance fund to `recipient`.
      const salt = freshSalt();
      await timelock.connect(multisig).schedule(recipient.address, parseEther("1"), "0x", ZeroHash, salt, MIN_DELAY);
      const id = hashOperation({ target: recipient.address, value: parseEther("1"), data: "0x" }, ZeroHash, salt);
      await networkHelpers.time.increase(MIN_DELAY);
      const fundBefore = await ethers.provider.getBalance(timelockAddress);
      const executorBefore = await ethers.provider.getBalance(outsider.address);
      const done = await execute(opArgs(id), taskHre);
      expect(done.calls[0].call).to.equal(`${recipient.address}: (no call data: a plain transfer)`);
      const fundAfter = await ethers.provider.getBalance(timelockAddress);
      const executorAfter = await ethers.provider.getBalance(outsider.address);
      // Safe: the payout comes out of the fund; the executor spends gas only.
      expect(fundBefore - fundAfter, "the insurance fund should pay the payout").to.equal(parseEther("1"));
      expect(executorBefore - executorAfter < parseEther("0.01"), "the executor paid the payout").to.equal(true);
    });

    it("fixed: governance pending names the contract by its target address: a timelock PROPOSER_ROLE grant shows as TimelockController.grantRole", async function () {
      const proposerRole = await timelock.PROPOSER_ROLE();
      const data = timelock.interface.encodeFunctionData("grantRole", [proposerRole, outsider.address]);
      const salt = freshSalt();
      // A compromised (or careless) multisig schedules a new proposer for the timelock itself.
      await timelock.connect(multisig).schedule(timelockAddress, 0n, data, ZeroHash, salt, MIN_DELAY);
      const id = hashOperation({ target: timelockAddress, value: 0n, data }, ZeroHash, salt);
      const listed = await pending({ ...common, all: false, fromBlock: 0n }, taskHre);
      const op = listed.operations.find((o) => o.id === id)!;
      await cancel(opArgs(id, multisig.address), taskHre);
      // Safe: the decoded call names the contract at the target (the timelock), not the first ABI with the selector.
      expect(op.calls[0].call, "the displayed call").to.match(/^TimelockController\.grantRole\(/);
    });

    it("fixed: governance propose refuses an --address other than the deployed contract's", async function () {
      const proposerRole = await timelock.PROPOSER_ROLE();
      const before = await ethers.provider.getBlockNumber();
      // Displayed as "ConsortiumRegistry.grantRole(...)" (the text output does not print the target) but the
      // schedule transaction targets the timelock: a new proposer.
      const attempt = propose(
        proposeArgs({
          contract: "ConsortiumRegistry",
          function: "grantRole",
          args: JSON.stringify([proposerRole, outsider.address]),
          address: timelockAddress,
          unsigned: true,
          salt: freshSalt(),
          from: "",
        }),
        taskHre,
      );
      let refused = false;
      try {
        const r = await attempt;
        expect(r.contract).to.equal("ConsortiumRegistry");
        expect(r.target).to.equal(timelockAddress);
      } catch {
        refused = true;
      }
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
      // Safe: --address is only for contracts the deployment does not know (tokens), or must match the deployment.
      expect(refused, "propose scheduled ConsortiumRegistry.grantRole against the timelock's address").to.equal(true);
    });
  });

  describe("findings on their own deployments", function () {
    describe("a deployment whose deployer kept ADJUDICATOR_ROLE and whose Consortium chose its own claim parameters", function () {
      let g: Awaited<ReturnType<typeof deployGoverned>>;
      let other: Conn;
      before(async function () {
        other = await network.create();
        const [, otherMultisig] = await other.ethers.getSigners();
        // Runs with the deployer's roles before the renounces, like the configuration module does.
        const keep = buildModule("DeployerKeepsEjector", (m) => {
          const { registry } = m.useModule(consortiumModule);
          m.call(registry, "grantRole", [ROLES.ADJUDICATOR_ROLE, m.getAccount(0)], {
            id: "grant_deployer_adjudicator",
          });
          return {};
        });
        g = await deployGoverned(
          other,
          "GovernanceAttackKeep",
          {
            // The consortium chose a 30-day claim window and a 5% insurance share; the Governance section (as in
            // deploy/governance.local.json) names neither.
            Consortium: { claimWindow: 30n * DAY, insuranceShareBps: 500n },
            Governance: {
              multisig: otherMultisig.address,
              minDelay: MIN_DELAY,
              claimWindow: 30n * DAY,
              insuranceShareBps: 500n,
            },
          },
          [keep],
        );
      });
      after(async function () {
        await other.close();
      });

      it("fixed: the hand-over keeps claimWindow and insuranceShareBps (required parameters, no silent default)", async function () {
        const params = await g.c.Adjudicator.claimParams();
        expect(params.insuranceFund).to.equal(g.timelockAddress);
        // Safe: kept as the Consortium module set them (docs/guides/deploy.md says they are).
        expect(params.claimWindow, "claimWindow").to.equal(30n * DAY);
        expect(params.insuranceShareBps, "insuranceShareBps").to.equal(500n);
      });

      it("fixed: roles --check fails while an EOA keeps ADJUDICATOR_ROLE and ejects members without the delay", async function () {
        const [otherDeployer, , , , otherApplicant] = await other.ethers.getSigners();
        const registry = g.c.ConsortiumRegistry;
        expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, otherDeployer.address)).to.equal(false);
        // The hand-over renounces the deployer's ADJUDICATOR_ROLE too: it cannot eject a member instantly.
        await registry.connect(otherApplicant).applyForMembership(keccakId("profile"));
        expect(await registry.hasRole(ROLES.ADJUDICATOR_ROLE, otherDeployer.address)).to.equal(false);
        await expect(registry.connect(otherDeployer).eject(otherApplicant.address)).to.be.revertedWithCustomError(
          registry,
          "ConsortiumRegistryNotEjector",
        );
        // And the check the guide tells everyone to run flags any EOA that could (ADJUDICATOR_ROLE held by anything
        // but the Adjudicator).
        const adjudicator = await g.c.Adjudicator.getAddress();
        const registryAddress = await registry.getAddress();
        const held = (account: string, isContract: boolean) => [
          {
            contract: "ConsortiumRegistry",
            address: registryAddress,
            role: ROLES.ADJUDICATOR_ROLE,
            name: "ADJUDICATOR_ROLE",
            adminRole: DEFAULT_ADMIN_ROLE,
            isAdmin: false,
            holders: [{ account, isContract }],
          },
        ];
        expect(privilegeOffences(held(adjudicator, true), { ADJUDICATOR_ROLE: [adjudicator] })).to.deep.equal([]);
        expect(
          privilegeOffences(held(otherDeployer.address, false), { ADJUDICATOR_ROLE: [adjudicator] }).join(),
        ).to.contain("ADJUDICATOR_ROLE");
        await roles({ deployment: g.dir, json: false, check: true, fromBlock: 0n }, g.taskHre);
      });
    });

    it("fixed: roles --check reports a hand-over with minDelay 0 (the multisig acts instantly)", async function () {
      const other = await network.create();
      const [, otherMultisig] = await other.ethers.getSigners();
      let g: Awaited<ReturnType<typeof deployGoverned>>;
      try {
        g = await deployGoverned(other, "GovernanceAttackZero", {
          Governance: {
            multisig: otherMultisig.address,
            minDelay: 0n,
            claimWindow: 7n * 86_400n,
            insuranceShareBps: 2_000n,
          },
        });
      } catch {
        await other.close();
        return; // safe: the hand-over refuses a zero delay
      }
      // Schedule and execute back to back: no delay at all.
      const reputation = g.c.Reputation;
      const data = reputation.interface.encodeFunctionData("setSlashPenalty", [0]);
      const target = await reputation.getAddress();
      await g.timelock.connect(otherMultisig).schedule(target, 0n, data, ZeroHash, ZeroHash, 0n);
      await g.timelock.connect(otherMultisig).execute(target, 0n, data, ZeroHash, ZeroHash);
      expect(await reputation.slashPenaltyBps()).to.equal(0n);
      let checkError = "";
      try {
        await roles({ deployment: g.dir, json: false, check: true, fromBlock: 0n }, g.taskHre);
      } catch (e) {
        checkError = (e as Error).message;
      }
      await other.close();
      // Safe: the hand-over refuses it (above), or the check reports the delay.
      expect(checkError, "roles --check passed with minDelay 0").to.match(/delay/i);
    });
  });
});
