import { expect } from "chai";
import { network } from "hardhat";

import {
  DEFAULT_SLA,
  GENESIS_DIGEST,
  PROBATION_PERIOD,
  UNBONDING_DELAY,
  deployConsortium,
  deployWithActiveMember,
  deployWithProbationMember,
} from "./consortium-fixture.js";
import { MemberStatus as Status } from "../helpers/enums.js";

const { ethers, networkHelpers, ignition } = await network.create();

const PROFILE = "0x" + "01".repeat(32);
const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

async function base() {
  return deployConsortium({ ethers, networkHelpers, ignition });
}
async function probation() {
  return deployWithProbationMember({ ethers, networkHelpers, ignition });
}
async function active() {
  return deployWithActiveMember({ ethers, networkHelpers, ignition });
}

describe("ConsortiumRegistry", function () {
  describe("constructor", function () {
    it("reverts with ConsortiumRegistryZeroAddress for a zero admin", async function () {
      const factory = await ethers.getContractFactory("ConsortiumRegistry");
      await expect(
        factory.deploy(ethers.ZeroAddress, DEFAULT_SLA, UNBONDING_DELAY, PROBATION_PERIOD),
      ).to.be.revertedWithCustomError(factory, "ConsortiumRegistryZeroAddress");
    });
    it("reverts with ConsortiumRegistryInvalidSla for a zero snapshot interval", async function () {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ConsortiumRegistry");
      await expect(
        factory.deploy(admin.address, { ...DEFAULT_SLA, snapshotInterval: 0n }, UNBONDING_DELAY, PROBATION_PERIOD),
      ).to.be.revertedWithCustomError(factory, "ConsortiumRegistryInvalidSla");
    });
  });

  describe("applyForMembership", function () {
    it("records the applicant with the default SLA and emits MemberApplied", async function () {
      const { registry, member } = await networkHelpers.loadFixture(base);
      await expect(registry.connect(member).applyForMembership(PROFILE))
        .to.emit(registry, "MemberApplied")
        .withArgs(member.address, PROFILE, [
          DEFAULT_SLA.snapshotInterval,
          DEFAULT_SLA.responseWindow,
          DEFAULT_SLA.minCollateral,
        ]);
      expect(await registry.statusOf(member.address)).to.equal(Status.Applied);
      const info = await registry.memberInfo(member.address);
      expect(info.profileDigest).to.equal(PROFILE);
      expect(info.appliedAt).to.be.greaterThan(0n);
      expect((await registry.slaOf(member.address)).minCollateral).to.equal(DEFAULT_SLA.minCollateral);
    });
    it("reverts with ConsortiumRegistryWrongStatus when applying twice", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      await expect(registry.connect(member).applyForMembership(PROFILE))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(member.address, Status.Probation);
    });
  });

  describe("approveGenesis", function () {
    it("moves an applicant to Probation and records the auditor and digest", async function () {
      const { registry, member, auditor } = await networkHelpers.loadFixture(base);
      await registry.connect(member).applyForMembership(PROFILE);
      await expect(registry.connect(auditor).approveGenesis(member.address, GENESIS_DIGEST))
        .to.emit(registry, "GenesisApproved")
        .withArgs(member.address, auditor.address, GENESIS_DIGEST);
      expect(await registry.statusOf(member.address)).to.equal(Status.Probation);
      const info = await registry.memberInfo(member.address);
      expect(info.genesisAuditor).to.equal(auditor.address);
      expect(info.genesisDigest).to.equal(GENESIS_DIGEST);
      expect(await registry.canCoSign(member.address)).to.equal(true);
      // It may commit once its stake meets its minimum (none deposited yet: a set with nothing to slash behind it).
      expect(await registry.canCommit(member.address)).to.equal(false);
      expect(await registry.canSendZeroConf(member.address)).to.equal(false);
    });
    it("reverts with AccessControlUnauthorizedAccount for a non-auditor", async function () {
      const { registry, member, governance } = await networkHelpers.loadFixture(base);
      await registry.connect(member).applyForMembership(PROFILE);
      await expect(registry.connect(governance).approveGenesis(member.address, GENESIS_DIGEST))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(governance.address, await registry.AUDITOR_ROLE());
    });
    it("reverts with ConsortiumRegistryZeroDigest for a zero digest", async function () {
      const { registry, member, auditor } = await networkHelpers.loadFixture(base);
      await registry.connect(member).applyForMembership(PROFILE);
      await expect(
        registry.connect(auditor).approveGenesis(member.address, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(registry, "ConsortiumRegistryZeroDigest");
    });
    it("reverts with ConsortiumRegistryWrongStatus for a non-applicant", async function () {
      const { registry, other, auditor } = await networkHelpers.loadFixture(base);
      await expect(registry.connect(auditor).approveGenesis(other.address, GENESIS_DIGEST))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(other.address, Status.None);
    });
  });

  describe("activate", function () {
    it("lets governance activate a collateralised member at once", async function () {
      const { registry, vault, member, governance } = await networkHelpers.loadFixture(probation);
      await vault.connect(member).deposit(member.address, ethers.ZeroAddress, 10n ** 18n, { value: 10n ** 18n });
      await expect(registry.connect(governance).activate(member.address))
        .to.emit(registry, "MemberActivated")
        .withArgs(member.address, governance.address, 10n ** 18n);
      expect(await registry.statusOf(member.address)).to.equal(Status.Active);
      expect(await registry.canSendZeroConf(member.address)).to.equal(true);
    });
    it("reverts with ConsortiumRegistryProbationNotOver for anyone else before the period ends", async function () {
      const { registry, vault, member } = await networkHelpers.loadFixture(probation);
      await vault.connect(member).deposit(member.address, ethers.ZeroAddress, 10n ** 18n, { value: 10n ** 18n });
      const since = (await registry.memberInfo(member.address)).probationSince;
      await expect(registry.connect(member).activate(member.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryProbationNotOver")
        .withArgs(member.address, since + PROBATION_PERIOD);
    });
    it("lets anyone activate once the probation period has elapsed", async function () {
      const { registry, vault, member, other } = await networkHelpers.loadFixture(probation);
      await vault.connect(member).deposit(member.address, ethers.ZeroAddress, 10n ** 18n, { value: 10n ** 18n });
      await networkHelpers.time.increase(PROBATION_PERIOD);
      await expect(registry.connect(other).activate(member.address))
        .to.emit(registry, "MemberActivated")
        .withArgs(member.address, other.address, 10n ** 18n);
    });
    it("reverts with ConsortiumRegistryInsufficientCollateral below the minimum", async function () {
      const { registry, vault, member, governance } = await networkHelpers.loadFixture(probation);
      await vault.connect(member).deposit(member.address, ethers.ZeroAddress, 10n ** 18n - 1n, {
        value: 10n ** 18n - 1n,
      });
      await expect(registry.connect(governance).activate(member.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryInsufficientCollateral")
        .withArgs(member.address, 10n ** 18n - 1n, 10n ** 18n);
    });
    it("reverts with ConsortiumRegistryWrongStatus for an applicant without genesis", async function () {
      const { registry, other, governance } = await networkHelpers.loadFixture(base);
      await registry.connect(other).applyForMembership(PROFILE);
      await expect(registry.connect(governance).activate(other.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(other.address, Status.Applied);
    });
    it("reverts with ConsortiumRegistryStakeSourceNotSet when no vault is configured", async function () {
      const [admin, auditor, m] = await ethers.getSigners();
      const registry = await ethers.deployContract("ConsortiumRegistry", [
        admin.address,
        DEFAULT_SLA,
        UNBONDING_DELAY,
        PROBATION_PERIOD,
      ]);
      await registry.grantRole(await registry.AUDITOR_ROLE(), auditor.address);
      await registry.connect(m).applyForMembership(PROFILE);
      // Genesis approval already needs the vault: it records there that the member may co-sign.
      await expect(registry.connect(auditor).approveGenesis(m.address, GENESIS_DIGEST)).to.be.revertedWithCustomError(
        registry,
        "ConsortiumRegistryStakeSourceNotSet",
      );
      await expect(registry.activate(m.address)).to.be.revertedWithCustomError(
        registry,
        "ConsortiumRegistryWrongStatus",
      );
    });
  });

  describe("requestExit and completeExit", function () {
    it("moves an Active member to Exiting, then Exited after the unbonding delay", async function () {
      const { registry, member, other } = await networkHelpers.loadFixture(active);
      const tx = registry.connect(member).requestExit();
      await expect(tx).to.emit(registry, "MemberExitRequested");
      const exitableAt = (await registry.memberInfo(member.address)).exitableAt;
      expect(exitableAt).to.equal(BigInt(await networkHelpers.time.latest()) + UNBONDING_DELAY);
      expect(await registry.statusOf(member.address)).to.equal(Status.Exiting);
      expect(await registry.canCommit(member.address)).to.equal(false);
      await expect(registry.connect(other).completeExit(member.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryExitNotReady")
        .withArgs(member.address, exitableAt);
      await networkHelpers.time.increaseTo(exitableAt);
      await expect(registry.connect(other).completeExit(member.address))
        .to.emit(registry, "MemberExited")
        .withArgs(member.address);
      expect(await registry.statusOf(member.address)).to.equal(Status.Exited);
    });
    it("reverts with ConsortiumRegistryWrongStatus when an applicant requests exit", async function () {
      const { registry, other } = await networkHelpers.loadFixture(base);
      await registry.connect(other).applyForMembership(PROFILE);
      await expect(registry.connect(other).requestExit())
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(other.address, Status.Applied);
    });
    it("reverts with ConsortiumRegistryWrongStatus when completing a non-exiting member", async function () {
      const { registry, member } = await networkHelpers.loadFixture(active);
      await expect(registry.completeExit(member.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(member.address, Status.Active);
    });
  });

  describe("eject", function () {
    it("lets the adjudicator eject an Active member", async function () {
      const { registry, member, adjudicator } = await networkHelpers.loadFixture(active);
      await expect(registry.connect(adjudicator).eject(member.address))
        .to.emit(registry, "MemberEjected")
        .withArgs(member.address, adjudicator.address, Status.Active);
      expect(await registry.statusOf(member.address)).to.equal(Status.Ejected);
      expect(await registry.canCoSign(member.address)).to.equal(false);
    });
    it("lets governance eject an Exiting member", async function () {
      const { registry, member, governance } = await networkHelpers.loadFixture(active);
      await registry.connect(member).requestExit();
      await expect(registry.connect(governance).eject(member.address))
        .to.emit(registry, "MemberEjected")
        .withArgs(member.address, governance.address, Status.Exiting);
    });
    it("reverts with ConsortiumRegistryNotEjector for anyone else", async function () {
      const { registry, member, auditor } = await networkHelpers.loadFixture(active);
      await expect(registry.connect(auditor).eject(member.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryNotEjector")
        .withArgs(auditor.address);
    });
    it("reverts with ConsortiumRegistryWrongStatus for an already ejected member", async function () {
      const { registry, member, adjudicator } = await networkHelpers.loadFixture(active);
      await registry.connect(adjudicator).eject(member.address);
      await expect(registry.connect(adjudicator).eject(member.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(member.address, Status.Ejected);
    });
    it("reverts with ConsortiumRegistryWrongStatus for a non-member", async function () {
      const { registry, other, adjudicator } = await networkHelpers.loadFixture(base);
      await expect(registry.connect(adjudicator).eject(other.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(other.address, Status.None);
    });
  });

  describe("registerKey and keyHashAt", function () {
    it("registers a key and answers keyHashAt inside its interval only", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, from))
        .to.emit(registry, "RecordKeyRegistered")
        .withArgs(member.address, 0n, 11n, 1n, 2n, from);
      expect(await registry.keyHashAt(member.address, from)).to.equal(11n);
      expect(await registry.keyHashAt(member.address, 2n ** 64n - 1n)).to.equal(11n);
      await expect(registry.keyHashAt(member.address, from - 1n))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryNoKeyAt")
        .withArgs(member.address, from - 1n);
    });
    it("closes the previous interval on rotation and keeps history", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      const now = BigInt(await networkHelpers.time.latest());
      await registry.connect(member).registerKey(11n, 1n, 2n, now + 10n);
      await expect(registry.connect(member).registerKey(22n, 3n, 4n, now + 1000n))
        .to.emit(registry, "RecordKeyClosed")
        .withArgs(member.address, 0n, now + 999n);
      await registry.connect(member).registerKey(33n, 5n, 6n, now + 5000n);
      expect(await registry.keyCount(member.address)).to.equal(3n);
      expect(await registry.keyHashAt(member.address, now + 10n)).to.equal(11n);
      expect(await registry.keyHashAt(member.address, now + 999n)).to.equal(11n);
      expect(await registry.keyHashAt(member.address, now + 1000n)).to.equal(22n);
      expect(await registry.keyHashAt(member.address, now + 4999n)).to.equal(22n);
      expect(await registry.keyHashAt(member.address, now + 5000n)).to.equal(33n);
      const first = await registry.keyAt(member.address, 0n);
      expect(first.validUntil).to.equal(now + 999n);
      expect((await registry.keyAt(member.address, 2n)).validUntil).to.equal(2n ** 64n - 1n);
    });
    it("reverts with ConsortiumRegistryNoKeyAt for a member without keys", async function () {
      const { registry, other } = await networkHelpers.loadFixture(base);
      await expect(registry.keyHashAt(other.address, 5n))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryNoKeyAt")
        .withArgs(other.address, 5n);
    });
    it("reverts with ConsortiumRegistryKeyNotInFuture when backdating", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      const now = BigInt(await networkHelpers.time.latest());
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, now - 10n)).to.be.revertedWithCustomError(
        registry,
        "ConsortiumRegistryKeyNotInFuture",
      );
    });
    it("reverts with ConsortiumRegistryKeyNotInFuture when not after the previous key's start", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      const now = BigInt(await networkHelpers.time.latest());
      await registry.connect(member).registerKey(11n, 1n, 2n, now + 500n);
      await expect(registry.connect(member).registerKey(22n, 1n, 2n, now + 500n))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryKeyNotInFuture")
        .withArgs(now + 500n, now + 501n);
    });
    it("reverts with ConsortiumRegistryInvalidKey for a zero hash or values outside the field", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      for (const [h, x, y] of [
        [0n, 1n, 2n],
        [FIELD, 1n, 2n],
        [1n, FIELD, 2n],
        [1n, 1n, FIELD],
      ]) {
        await expect(registry.connect(member).registerKey(h, x, y, from)).to.be.revertedWithCustomError(
          registry,
          "ConsortiumRegistryInvalidKey",
        );
      }
    });
    it("reverts with ConsortiumRegistryInvalidKey for a validFrom at or past 2^48 - 1", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      for (const from of [2n ** 48n - 1n, 2n ** 48n, 2n ** 64n - 1n]) {
        await expect(registry.connect(member).registerKey(11n, 1n, 2n, from)).to.be.revertedWithCustomError(
          registry,
          "ConsortiumRegistryInvalidKey",
        );
      }
      expect(await registry.keyCount(member.address)).to.equal(0n);
      // The last start that fits: the key is open (validUntil 2^64 - 1 in both views).
      await registry.connect(member).registerKey(11n, 1n, 2n, 2n ** 48n - 2n);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, 2n ** 48n - 2n, 2n ** 64n - 1n]);
      expect(await registry.isKeyValidAt(member.address, 11n, 2n ** 64n - 1n)).to.equal(true);
      expect(await registry.isKeyValidAt(member.address, 11n, 2n ** 48n - 3n)).to.equal(false);
    });
    it("reverts with ConsortiumRegistryWrongStatus for an applicant (approved members only), then accepts it on probation", async function () {
      const { registry, member, auditor } = await networkHelpers.loadFixture(base);
      await registry.connect(member).applyForMembership(PROFILE);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, from))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(member.address, Status.Applied);
      // Nothing registered, the hash not taken (an applicant cannot squat it).
      expect(await registry.keyCount(member.address)).to.equal(0n);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([ethers.ZeroAddress, 0n, 0n]);
      await registry.connect(auditor).approveGenesis(member.address, GENESIS_DIGEST);
      expect(await registry.statusOf(member.address)).to.equal(Status.Probation);
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, from))
        .to.emit(registry, "RecordKeyRegistered")
        .withArgs(member.address, 0n, 11n, 1n, 2n, from);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, from, 2n ** 64n - 1n]);
    });
    it("refuses an applicant squatting a key hash before its member registers it (ConsortiumRegistryWrongStatus)", async function () {
      const { registry, member, other } = await networkHelpers.loadFixture(active);
      // An applicant sees the member's key registration coming and tries to take the hash first: refused.
      await registry.connect(other).applyForMembership(PROFILE);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      await expect(registry.connect(other).registerKey(11n, 1n, 2n, from))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(other.address, Status.Applied);
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, from)).to.emit(registry, "RecordKeyRegistered");
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, from, 2n ** 64n - 1n]);
    });
    it("reverts with ConsortiumRegistryWrongStatus for an exiting member", async function () {
      const { registry, member } = await networkHelpers.loadFixture(active);
      await registry.connect(member).requestExit();
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, from))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(member.address, Status.Exiting);
    });
    it("reverts with ConsortiumRegistryWrongStatus for a non-member or an ejected member", async function () {
      const { registry, member, other, adjudicator } = await networkHelpers.loadFixture(active);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      await expect(registry.connect(other).registerKey(1n, 1n, 2n, from))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(other.address, Status.None);
      await registry.connect(adjudicator).eject(member.address);
      await expect(registry.connect(member).registerKey(1n, 1n, 2n, from))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(member.address, Status.Ejected);
    });
  });

  describe("key ownership: keyHolderOf, isKeyValidAt and uniqueness", function () {
    it("answers keyHolderOf and isKeyValidAt for an open key, at the edges of its interval", async function () {
      const { registry, member, other } = await networkHelpers.loadFixture(probation);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      expect(await registry.keyHolderOf(11n)).to.deep.equal([ethers.ZeroAddress, 0n, 0n]);
      expect(await registry.isKeyValidAt(member.address, 11n, from)).to.equal(false);
      await registry.connect(member).registerKey(11n, 1n, 2n, from);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, from, 2n ** 64n - 1n]);
      expect(await registry.isKeyValidAt(member.address, 11n, from - 1n)).to.equal(false);
      expect(await registry.isKeyValidAt(member.address, 11n, from)).to.equal(true);
      expect(await registry.isKeyValidAt(member.address, 11n, 2n ** 64n - 1n)).to.equal(true);
      // The key names its member only: another member, the zero address, another hash are refused.
      expect(await registry.isKeyValidAt(other.address, 11n, from)).to.equal(false);
      expect(await registry.isKeyValidAt(ethers.ZeroAddress, 11n, from)).to.equal(false);
      expect(await registry.isKeyValidAt(member.address, 12n, from)).to.equal(false);
    });
    it("never validates an unregistered hash for the zero address (its holder slot is empty)", async function () {
      const { registry } = await networkHelpers.loadFixture(base);
      for (const t of [0n, 1n, 2n ** 64n - 1n]) {
        expect(await registry.isKeyValidAt(ethers.ZeroAddress, 77n, t)).to.equal(false);
      }
    });
    it("closes the previous key on rotation in keyAt, keyHolderOf and isKeyValidAt alike", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      const now = BigInt(await networkHelpers.time.latest());
      await registry.connect(member).registerKey(11n, 1n, 2n, now + 10n);
      await registry.connect(member).registerKey(22n, 3n, 4n, now + 1000n);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, now + 10n, now + 999n]);
      expect(await registry.keyHolderOf(22n)).to.deep.equal([member.address, now + 1000n, 2n ** 64n - 1n]);
      expect((await registry.keyAt(member.address, 0n)).validUntil).to.equal(now + 999n);
      expect(await registry.isKeyValidAt(member.address, 11n, now + 10n)).to.equal(true);
      expect(await registry.isKeyValidAt(member.address, 11n, now + 999n)).to.equal(true);
      expect(await registry.isKeyValidAt(member.address, 11n, now + 1000n)).to.equal(false);
      expect(await registry.isKeyValidAt(member.address, 11n, 2n ** 64n - 1n)).to.equal(false);
      expect(await registry.isKeyValidAt(member.address, 22n, now + 999n)).to.equal(false);
      expect(await registry.isKeyValidAt(member.address, 22n, now + 1000n)).to.equal(true);
      // A third key closes the second one and leaves the first one's interval alone.
      await registry.connect(member).registerKey(33n, 5n, 6n, now + 1001n);
      expect(await registry.keyHolderOf(22n)).to.deep.equal([member.address, now + 1000n, now + 1000n]);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, now + 10n, now + 999n]);
      expect(await registry.isKeyValidAt(member.address, 22n, now + 1000n)).to.equal(true);
      expect(await registry.isKeyValidAt(member.address, 22n, now + 1001n)).to.equal(false);
      expect(await registry.isKeyValidAt(member.address, 33n, now + 1001n)).to.equal(true);
    });
    it("reverts with ConsortiumRegistryKeyTaken when the member registers a hash it used before", async function () {
      const { registry, member } = await networkHelpers.loadFixture(probation);
      const now = BigInt(await networkHelpers.time.latest());
      await registry.connect(member).registerKey(11n, 1n, 2n, now + 10n);
      // The current key again, then (after a rotation) the closed one: a closed interval is never reopened.
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, now + 20n))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryKeyTaken")
        .withArgs(11n, member.address);
      await registry.connect(member).registerKey(22n, 3n, 4n, now + 1000n);
      await expect(registry.connect(member).registerKey(11n, 1n, 2n, now + 2000n))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryKeyTaken")
        .withArgs(11n, member.address);
      expect(await registry.keyCount(member.address)).to.equal(2n);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, now + 10n, now + 999n]);
      expect(await registry.keyHolderOf(22n)).to.deep.equal([member.address, now + 1000n, 2n ** 64n - 1n]);
      expect(await registry.isKeyValidAt(member.address, 11n, now + 2000n)).to.equal(false);
    });
    it("reverts with ConsortiumRegistryKeyTaken when another member registers a taken hash", async function () {
      const { registry, member, other, auditor } = await networkHelpers.loadFixture(probation);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      await registry.connect(member).registerKey(11n, 1n, 2n, from);
      await registry.connect(other).applyForMembership(PROFILE);
      await registry.connect(auditor).approveGenesis(other.address, GENESIS_DIGEST);
      // The same hash with other coordinates is still the same key hash.
      await expect(registry.connect(other).registerKey(11n, 7n, 8n, from + 1n))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryKeyTaken")
        .withArgs(11n, member.address);
      expect(await registry.keyCount(other.address)).to.equal(0n);
      expect(await registry.keyHolderOf(11n)).to.deep.equal([member.address, from, 2n ** 64n - 1n]);
      expect(await registry.isKeyValidAt(other.address, 11n, from + 1n)).to.equal(false);
      // A hash of its own is fine.
      await expect(registry.connect(other).registerKey(12n, 7n, 8n, from + 1n)).to.emit(
        registry,
        "RecordKeyRegistered",
      );
      expect(await registry.isKeyValidAt(other.address, 12n, from + 1n)).to.equal(true);
    });
    it("keeps an ejected member's keys taken and valid over their intervals", async function () {
      const { registry, member, other, adjudicator, auditor } = await networkHelpers.loadFixture(active);
      const from = BigInt(await networkHelpers.time.latest()) + 100n;
      await registry.connect(member).registerKey(11n, 1n, 2n, from);
      await registry.connect(adjudicator).eject(member.address);
      // Fraud committed under the key stays provable after ejection.
      expect(await registry.isKeyValidAt(member.address, 11n, from)).to.equal(true);
      await registry.connect(other).applyForMembership(PROFILE);
      await registry.connect(auditor).approveGenesis(other.address, GENESIS_DIGEST);
      await expect(registry.connect(other).registerKey(11n, 1n, 2n, from + 1n))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryKeyTaken")
        .withArgs(11n, member.address);
    });
  });

  describe("governance", function () {
    it("sets a member's SLA, and only governance may", async function () {
      const { registry, member, other } = await networkHelpers.loadFixture(probation);
      const sla = { snapshotInterval: 3600n, responseWindow: 600n, minCollateral: 5n };
      await expect(registry.setSla(member.address, sla)).to.emit(registry, "MemberSlaSet");
      const got = await registry.slaOf(member.address);
      expect([got.snapshotInterval, got.responseWindow, got.minCollateral]).to.deep.equal([3600n, 600n, 5n]);
      await expect(registry.connect(other).setSla(member.address, sla)).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
      await expect(registry.setSla(other.address, sla))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryWrongStatus")
        .withArgs(other.address, Status.None);
      await expect(registry.setSla(member.address, { ...sla, responseWindow: 0n })).to.be.revertedWithCustomError(
        registry,
        "ConsortiumRegistryInvalidSla",
      );
    });
    it("applies a new default SLA to later applicants only", async function () {
      const { registry, member, other } = await networkHelpers.loadFixture(probation);
      const sla = { snapshotInterval: 7200n, responseWindow: 300n, minCollateral: 7n };
      await expect(registry.setDefaultSla(sla)).to.emit(registry, "DefaultSlaSet");
      await registry.connect(other).applyForMembership(PROFILE);
      expect((await registry.slaOf(other.address)).minCollateral).to.equal(7n);
      expect((await registry.slaOf(member.address)).minCollateral).to.equal(DEFAULT_SLA.minCollateral);
    });
    it("lists assets permanently and answers assetToken", async function () {
      const { registry, token } = await networkHelpers.loadFixture(base);
      expect(await registry.assetToken(1)).to.equal(ethers.ZeroAddress);
      expect(await registry.assetToken(2)).to.equal(await token.getAddress());
      const info = await registry.assetInfo(2);
      expect([info.symbol, info.decimals]).to.deep.equal(["TUSD", 6n]);
      expect(await registry.assetIds()).to.deep.equal([1n, 2n]);
      await expect(registry.listAsset(2, ethers.ZeroAddress, "X", 18))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryAssetExists")
        .withArgs(2);
      await expect(registry.assetToken(9))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryUnknownAsset")
        .withArgs(9);
      // One asset id per token contract (one payment would count for both); the zero address may back several.
      await expect(registry.listAsset(7, await token.getAddress(), "TUSD2", 6))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryTokenListed")
        .withArgs(await token.getAddress(), 2);
      await expect(registry.listAsset(7, ethers.ZeroAddress, "BTC", 8)).to.emit(registry, "AssetListed");
      expect(await registry.assetIds()).to.deep.equal([1n, 2n, 7n]);
      await expect(registry.assetInfo(9))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryUnknownAsset")
        .withArgs(9);
    });
    it("refuses governance setters from others and a zero vault", async function () {
      const { registry, other } = await networkHelpers.loadFixture(base);
      await expect(registry.connect(other).listAsset(3, ethers.ZeroAddress, "X", 18)).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
      await expect(registry.connect(other).setUnbondingDelay(1n)).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
      await expect(registry.connect(other).setProbationPeriod(1n)).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
      await expect(registry.setStakeSource(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "ConsortiumRegistryZeroAddress",
      );
      await expect(registry.setUnbondingDelay(5n)).to.emit(registry, "UnbondingDelaySet").withArgs(5n);
      expect(await registry.unbondingDelay()).to.equal(5n);
      await expect(registry.setProbationPeriod(6n)).to.emit(registry, "ProbationPeriodSet").withArgs(6n);
      expect(await registry.probationPeriod()).to.equal(6n);
    });
    it("reports whether a member meets its minimum collateral", async function () {
      const { registry, vault, member, adjudicator } = await networkHelpers.loadFixture(active);
      expect(await registry.meetsMinCollateral(member.address)).to.equal(true);
      await vault.connect(adjudicator).slash(member.address, 6000, adjudicator.address);
      expect(await registry.meetsMinCollateral(member.address)).to.equal(false);
    });
  });
});
