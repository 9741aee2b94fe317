// Governance on Hardhat's EDR with the real contracts: the post-deploy configuration module, the hand-over to
// OpenZeppelin's TimelockController (no EOA keeps an admin role: every role of every contract enumerated), and the
// propose / pending / execute / cancel task bodies, including their refusals.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { expect } from "chai";
import { Wallet } from "ethers";
import hre, { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import consortiumModule from "../../deploy/Consortium.js";
import { buildConsortiumConfigModule } from "../../deploy/ConsortiumConfig.js";
import { VAULT_ADMINISTERED_CONTRACTS, buildGovernanceModule } from "../../deploy/Governance.js";
import {
  DEFAULT_ADMIN_ROLE,
  GovernanceCallError,
  adminOffences,
  encodeGovernanceCall,
  parseConsortiumConfig,
  TIMELOCK_KEY,
} from "../../src/governance/index.js";
import { cancel } from "../../tasks/governance-cancel.js";
import { execute } from "../../tasks/governance-execute.js";
import { pending } from "../../tasks/governance-pending.js";
import { propose, type ProposeArgs } from "../../tasks/governance-propose.js";
import { deploymentRoles } from "../../tasks/governance-roles.js";
import { expectRejectContaining } from "../helpers/expect.js";

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const [deployer, multisig, auditor, outsider] = await ethers.getSigners();
const MIN_DELAY = 3_600n;
const USDC = Wallet.createRandom().address;

const config = parseConsortiumConfig({
  assets: [{ id: 2, token: USDC, symbol: "USDC", decimals: 6, collateralWeight: "1000000000000" }],
  auditors: [auditor.address],
  quorum: { quorumWeight: "2000000000000000000", minSigners: 2, requestFee: "0", maxOpenRequests: 4 },
  defaultSla: { snapshotInterval: 86_400, responseWindow: 43_200, minCollateral: "1000000000000000000" },
});
const configModule = buildConsortiumConfigModule(config);
const governanceModule = buildGovernanceModule(consortiumModule, "Governance", [configModule]);
// One run (EDR deployments live in memory, one per call): consortium, configuration, hand-over.
const everything = buildModule("GovernanceTest", (m) => ({
  ...m.useModule(consortiumModule),
  ...m.useModule(governanceModule),
}));
const deployed = await conn.ignition.deploy(everything, {
  parameters: {
    Governance: {
      multisig: multisig.address,
      minDelay: MIN_DELAY,
      claimWindow: 7n * 86_400n,
      insuranceShareBps: 2_000n,
    },
  },
});
const { registry, vault, ledger, reputation, adjudicator, reserveRegistry } = deployed;
const timelock = await ethers.getContractAt("TimelockController", await deployed.timelock.getAddress());
const timelockAddress = await timelock.getAddress();
// The in-memory deployment has no files: write the deployed_addresses.json the tasks read.
const c = {
  ConsortiumRegistry: await ethers.getContractAt("ConsortiumRegistry", await registry.getAddress()),
  CollateralVault: await ethers.getContractAt("CollateralVault", await vault.getAddress()),
  CommitmentLedger: await ethers.getContractAt("CommitmentLedger", await ledger.getAddress()),
  Reputation: await ethers.getContractAt("Reputation", await reputation.getAddress()),
  Adjudicator: await ethers.getContractAt("Adjudicator", await adjudicator.getAddress()),
  Attestations: await ethers.getContractAt("Attestations", await deployed.attestations.getAddress()),
  Transfers: await ethers.getContractAt("Transfers", await deployed.transfers.getAddress()),
};
const dir = await mkdtemp(join(tmpdir(), "por-governance-"));
const addresses: Record<string, string> = {
  "Consortium#ConsortiumRegistry": await c.ConsortiumRegistry.getAddress(),
  "Consortium#CollateralVault": await c.CollateralVault.getAddress(),
  "Consortium#CommitmentLedger": await c.CommitmentLedger.getAddress(),
  "Consortium#Reputation": await c.Reputation.getAddress(),
  "Consortium#Adjudicator": await c.Adjudicator.getAddress(),
  "Consortium#Attestations": await deployed.attestations.getAddress(),
  "Consortium#Transfers": await deployed.transfers.getAddress(),
  "Consortium#ReserveRegistry": await reserveRegistry.getAddress(),
  [TIMELOCK_KEY]: timelockAddress,
};
await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(addresses));
/** The task bodies' view of Hardhat: this test's connection. */
const taskHre = {
  network: { getOrCreate: async () => conn },
  config: hre.config,
} as unknown as HardhatRuntimeEnvironment;

const common = { deployment: dir, json: true };
function proposeArgs(over: Partial<ProposeArgs>): ProposeArgs {
  return {
    ...common,
    contract: "CommitmentLedger",
    function: "setQuorumParams",
    args: JSON.stringify([["5000000000000000000", 3, "0", 4]]),
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
const opArgs = (id: string, from = outsider.address) => ({ ...common, id, from, fromBlock: 0n });

describe("governance", function () {
  describe("post-deploy configuration module", function () {
    it("lists the assets with their collateral weights, grants the auditors, sets quorum and SLA", async function () {
      const asset = await c.ConsortiumRegistry.assetInfo(2);
      expect(asset.token).to.equal(USDC);
      expect(asset.symbol).to.equal("USDC");
      expect(asset.decimals).to.equal(6n);
      expect(await c.CollateralVault.tokenWeight(USDC)).to.equal(10n ** 12n);
      expect(await c.ConsortiumRegistry.hasRole(await c.ConsortiumRegistry.AUDITOR_ROLE(), auditor.address)).to.equal(
        true,
      );
      expect((await c.CommitmentLedger.quorumParams()).quorumWeight).to.equal(2n * 10n ** 18n);
      expect((await c.ConsortiumRegistry.defaultSla()).responseWindow).to.equal(43_200n);
    });

    it("refuses a configuration with a bad field, naming it", function () {
      expect(() => parseConsortiumConfig({ assets: [{ id: 2, token: "0x12", symbol: "X", decimals: 6 }] })).to.throw(
        /assets\.0\.token: must be a 0x address/,
      );
      expect(() => parseConsortiumConfig({ auditor: [] })).to.throw(/ConsortiumConfig/);
    });
  });

  describe("hand-over", function () {
    it("leaves every admin role of every contract with the timelock only, and no role at all to the deployer", async function () {
      const roles = await deploymentRoles(addresses, ethers.provider);
      // Every contract was enumerated, with DEFAULT_ADMIN_ROLE and its *_ROLE constants.
      for (const name of [...VAULT_ADMINISTERED_CONTRACTS, "TimelockController"]) {
        expect(roles.filter((r) => r.contract === name && r.name === "DEFAULT_ADMIN_ROLE")).to.have.length(1);
      }
      expect(roles.map((r) => `${r.contract}.${r.name}`)).to.include.members([
        "ConsortiumRegistry.AUDITOR_ROLE",
        "ConsortiumRegistry.ADJUDICATOR_ROLE",
        "Adjudicator.AUDITOR_ROLE",
        "TimelockController.PROPOSER_ROLE",
        "TimelockController.EXECUTOR_ROLE",
        "TimelockController.CANCELLER_ROLE",
      ]);
      expect(adminOffences(roles, [timelockAddress])).to.deep.equal([]);
      for (const r of roles.filter((x) => x.isAdmin)) {
        for (const h of r.holders) {
          expect(h.isContract, `${r.contract} ${r.name} held by ${h.account}`).to.equal(true);
          expect(h.account).to.equal(timelockAddress);
        }
      }
      for (const r of roles) {
        expect(
          r.holders.map((h) => h.account),
          `${r.contract} ${r.name}`,
        ).to.not.include(deployer.address);
      }
      const roleOf = (contract: string, name: string) =>
        roles.find((r) => r.contract === contract && r.name === name)!.holders.map((h) => h.account);
      expect(roleOf("TimelockController", "PROPOSER_ROLE")).to.deep.equal([multisig.address]);
      expect(roleOf("TimelockController", "CANCELLER_ROLE")).to.deep.equal([multisig.address]);
      expect(roleOf("TimelockController", "EXECUTOR_ROLE")).to.deep.equal([ethers.ZeroAddress]);
      expect(roleOf("ConsortiumRegistry", "AUDITOR_ROLE")).to.deep.equal([auditor.address]);
      expect(roleOf("ConsortiumRegistry", "ADJUDICATOR_ROLE")).to.deep.equal([addresses["Consortium#Adjudicator"]]);
      expect(await timelock.getMinDelay()).to.equal(MIN_DELAY);
    });

    it("makes the timelock the insurance fund", async function () {
      const params = await c.Adjudicator.claimParams();
      expect(params.insuranceFund).to.equal(timelockAddress);
      expect(params.claimWindow).to.equal(7n * 86_400n);
      expect(params.insuranceShareBps).to.equal(2_000n);
    });

    it("the deployer can no longer change a parameter", async function () {
      await expectRejectContaining(
        c.CommitmentLedger.connect(deployer).setQuorumParams({
          quorumWeight: 1n,
          minSigners: 1n,
          requestFee: 0n,
          maxOpenRequests: 1n,
        }),
        "AccessControlUnauthorizedAccount",
      );
    });

    it("before the hand-over the role check reports the deployer", async function () {
      const other = await network.create();
      const d = await other.ignition.deploy(consortiumModule);
      const own: Record<string, string> = {};
      for (const name of VAULT_ADMINISTERED_CONTRACTS) {
        const key = {
          ConsortiumRegistry: "registry",
          CollateralVault: "vault",
          CommitmentLedger: "ledger",
          Reputation: "reputation",
          Adjudicator: "adjudicator",
          Attestations: "attestations",
          Transfers: "transfers",
        }[name] as keyof typeof d;
        own[`Consortium#${name}`] = await d[key].getAddress();
      }
      const [otherDeployer] = await other.ethers.getSigners();
      const offences = adminOffences(await deploymentRoles(own, other.ethers.provider), []);
      expect(offences).to.have.length(VAULT_ADMINISTERED_CONTRACTS.length);
      for (const o of offences) expect(o).to.contain(`${otherDeployer.address} (an EOA) holds DEFAULT_ADMIN_ROLE`);
    });
  });

  describe("propose, pending, execute", function () {
    it("executes a change only after the delay, and the parameter changes on-chain", async function () {
      const proposed = await propose(proposeArgs({}), taskHre);
      const id = String(proposed.id);
      expect(proposed.readyAt).to.equal(String((await timelock.getTimestamp(id)) as bigint));
      expect(BigInt(String(proposed.delay))).to.equal(MIN_DELAY);

      const listed = await pending({ ...common, all: false, fromBlock: 0n }, taskHre);
      const op = listed.operations.find((o) => o.id === id)!;
      expect(op.state).to.equal("Waiting");
      expect(op.calls[0].call).to.equal('CommitmentLedger.setQuorumParams(["5000000000000000000","3","0","4"])');

      await expectRejectContaining(
        execute(opArgs(id), taskHre),
        `operation ${id} is not ready: it may execute from`,
        String(proposed.readyAtIso),
      );
      // The timelock itself refuses too.
      const call = encodeGovernanceCall("CommitmentLedger", "setQuorumParams", [["5000000000000000000", 3, "0", 4]]);
      await expectRejectContaining(
        timelock
          .connect(outsider)
          .execute(addresses["Consortium#CommitmentLedger"], 0n, call.data, DEFAULT_ADMIN_ROLE, DEFAULT_ADMIN_ROLE),
        "TimelockUnexpectedOperationState",
      );
      expect((await c.CommitmentLedger.quorumParams()).quorumWeight).to.equal(2n * 10n ** 18n);

      await networkHelpers.time.increase(MIN_DELAY);
      const done = await execute(opArgs(id), taskHre);
      expect(done.executor).to.equal(outsider.address); // anyone may execute
      const q = await c.CommitmentLedger.quorumParams();
      expect(q.quorumWeight).to.equal(5n * 10n ** 18n);
      expect(q.minSigners).to.equal(3n);

      // Not twice.
      await expectRejectContaining(execute(opArgs(id), taskHre), `operation ${id} has already been executed`);
      await expectRejectContaining(
        timelock
          .connect(outsider)
          .execute(addresses["Consortium#CommitmentLedger"], 0n, call.data, DEFAULT_ADMIN_ROLE, DEFAULT_ADMIN_ROLE),
        "TimelockUnexpectedOperationState",
      );
      const after = await pending({ ...common, all: false, fromBlock: 0n }, taskHre);
      expect(after.operations.map((o) => o.id)).to.not.include(id);
    });

    it("pays out of the insurance fund by a plain ETH transfer, only after the delay", async function () {
      const recipient = Wallet.createRandom().address;
      await deployer.sendTransaction({ to: timelockAddress, value: 3n * 10n ** 18n }); // the fund holds ETH
      const transfer = { contract: undefined, function: undefined, args: "[]", to: recipient, value: 10n ** 18n };
      const proposed = await propose(proposeArgs({ ...transfer, salt: `0x${"33".repeat(32)}` }), taskHre);
      expect(proposed.target).to.equal(recipient);
      expect(proposed.data).to.equal("0x");
      const id = String(proposed.id);
      const listed = await pending({ ...common, all: false, fromBlock: 0n }, taskHre);
      expect(listed.operations.find((o) => o.id === id)!.calls[0].call).to.contain("plain transfer");
      await expectRejectContaining(execute(opArgs(id), taskHre), `operation ${id} is not ready`);
      expect(await ethers.provider.getBalance(recipient)).to.equal(0n);

      await networkHelpers.time.increase(MIN_DELAY);
      await execute(opArgs(id), taskHre);
      expect(await ethers.provider.getBalance(recipient)).to.equal(10n ** 18n);
      expect(await ethers.provider.getBalance(timelockAddress)).to.equal(2n * 10n ** 18n);

      // Refused before sending: a transfer with a contract call, without value, to a non-address.
      await expectRejectContaining(
        propose(proposeArgs({ to: recipient, value: 1n }), taskHre),
        "--to proposes a plain ETH transfer: drop --contract",
      );
      await expectRejectContaining(
        propose(proposeArgs({ ...transfer, value: 0n }), taskHre),
        "--to needs --value <wei> above 0",
      );
      await expectRejectContaining(
        propose(proposeArgs({ ...transfer, to: "0x1234" }), taskHre),
        "--to 0x1234: not a 0x address",
      );
      await expectRejectContaining(
        propose(proposeArgs({ contract: undefined }), taskHre),
        "--contract is required (e.g. CommitmentLedger), or --to for a plain ETH transfer",
      );
    });

    it("a non-proposer cannot schedule", async function () {
      await expectRejectContaining(
        propose(proposeArgs({ from: outsider.address, salt: `0x${"11".repeat(32)}` }), taskHre),
        `${outsider.address} is not a proposer of the timelock`,
      );
      // The timelock itself refuses it too.
      const call = encodeGovernanceCall("Reputation", "setSlashPenalty", [1]);
      await expectRejectContaining(
        timelock
          .connect(outsider)
          .schedule(
            addresses["Consortium#Reputation"],
            0n,
            call.data,
            DEFAULT_ADMIN_ROLE,
            DEFAULT_ADMIN_ROLE,
            MIN_DELAY,
          ),
        "AccessControlUnauthorizedAccount",
      );
    });

    it("a cancelled operation cannot execute; only the canceller cancels", async function () {
      const proposed = await propose(
        proposeArgs({ function: "setAdjudicator", args: JSON.stringify([outsider.address]) }),
        taskHre,
      );
      const id = String(proposed.id);
      await expectRejectContaining(
        cancel(opArgs(id, outsider.address), taskHre),
        `${outsider.address} is not a canceller`,
      );
      await cancel(opArgs(id, multisig.address), taskHre);
      await networkHelpers.time.increase(MIN_DELAY);
      await expectRejectContaining(execute(opArgs(id), taskHre), `operation ${id} was cancelled`);
      const all = await pending({ ...common, all: true, fromBlock: 0n }, taskHre);
      expect(all.operations.find((o) => o.id === id)!.state).to.equal("Cancelled");
    });

    it("a delay below the minimum and an operation scheduled twice are refused before sending", async function () {
      await expectRejectContaining(
        propose(proposeArgs({ delay: 10n }), taskHre),
        "below the timelock's minimum delay of 3600 s",
      );
      await expectRejectContaining(propose(proposeArgs({}), taskHre), "already scheduled or done: pass another --salt");
    });

    it("--unsigned prints the schedule transaction and sends nothing", async function () {
      const before = await ethers.provider.getBlockNumber();
      const r = await propose(proposeArgs({ unsigned: true, salt: `0x${"22".repeat(32)}`, from: "" }), taskHre);
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
      expect((r.schedule as { to: string }).to).to.equal(timelockAddress);
    });
  });

  describe("calls are checked against the generated ABI before sending", function () {
    it("refuses an unknown contract, an unknown or view function and wrong arguments, naming them", async function () {
      const before = await ethers.provider.getBlockNumber();
      await expectRejectContaining(
        propose(proposeArgs({ contract: "Treasury" }), taskHre),
        'unknown contract "Treasury"',
        "CommitmentLedger",
      );
      await expectRejectContaining(
        propose(proposeArgs({ function: "setQuorum" }), taskHre),
        'CommitmentLedger has no function "setQuorum"',
        "setQuorumParams((uint256,uint16,uint96,uint16))",
      );
      await expectRejectContaining(
        propose(proposeArgs({ function: "quorumParams" }), taskHre),
        "quorumParams() is a view function",
      );
      await expectRejectContaining(
        propose(proposeArgs({ args: "[]" }), taskHre),
        "CommitmentLedger.setQuorumParams((uint256,uint16,uint96,uint16)) takes 1 argument(s)",
        "got 0",
      );
      await expectRejectContaining(
        propose(
          proposeArgs({ function: "setUnbondingDelay", contract: "ConsortiumRegistry", args: '["soon"]' }),
          taskHre,
        ),
        "ConsortiumRegistry.setUnbondingDelay(uint64): argument 0 (delay: uint64",
        '"soon"',
      );
      await expectRejectContaining(propose(proposeArgs({ args: "{" }), taskHre), "--args is not JSON");
      expect(() => encodeGovernanceCall("Reputation", "setSlashPenalty", [70_000])).to.throw(
        GovernanceCallError,
        /argument 0 \(slashPenaltyBps_: uint16/,
      );
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
    });
  });
});
