// Reputation (A9 v1): a view over the ledger's duty counters and the vault's stake history, scored as time-weighted
// collateral x duties met / duties total x (1 - penalty)^slashes. The system comes from the Ignition module
// (test/contracts/ledger-fixture.ts) with the stand-in verifier, so the slashes are fraud proofs it accepts.
import { expect } from "chai";
import { network } from "hardhat";

import {
  ETH_ASSET,
  MEMBER_STAKE,
  REQUEST_FEE as FEE,
  SLA,
  SLASH_PENALTY_BPS,
  commitmentOf,
  deployWithCommittedSets,
} from "./ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;

/** Member commits ETH and TOKEN at t1 and the same ETH root again at t2. */
async function committed() {
  return deployWithCommittedSets({ ethers, networkHelpers, ignition });
}

describe("Reputation", function () {
  it("reverts with AccessControlUnauthorizedAccount when anyone but governance sets the penalty, ReputationBadBps above 10000", async function () {
    const f = await networkHelpers.loadFixture(committed);
    await expect(f.reputation.connect(f.other).setSlashPenalty(1)).to.be.revertedWithCustomError(
      f.reputation,
      "AccessControlUnauthorizedAccount",
    );
    await expect(f.reputation.connect(f.governance).setSlashPenalty(10_001))
      .to.be.revertedWithCustomError(f.reputation, "ReputationBadBps")
      .withArgs(10_001n);
  });
  it("accumulates stake x seconds into time-weighted collateral and scores met/total with a penalty per slash", async function () {
    const f = await networkHelpers.loadFixture(committed);
    const rep0 = await f.reputation.reputationOf(f.member.address);
    // The fixture's two commits, both timely, 5 s apart: one snapshot interval counts one met duty.
    expect(rep0.dutiesMet).to.equal(1n);
    expect(rep0.dutiesTotal).to.equal(1n);
    expect(rep0.lastStake).to.equal(MEMBER_STAKE);
    const since = rep0.since;

    // 1000 s at the full stake, then a fraud slash halves it.
    const proof = await f.proofFor();
    await time.setNextBlockTimestamp(since + 1000n);
    await f.adjudicator.proveFraud(...f.args(proof));
    const half = MEMBER_STAKE / 2n;
    await time.increaseTo(since + 2000n);
    // twc over 2000 s = (10 ETH * 1000 + 5 ETH * 1000) / 2000 = 7.5 ETH.
    const twc = (MEMBER_STAKE * 1000n + half * 1000n) / 2000n;
    expect(await f.reputation.timeWeightedCollateral(f.member.address)).to.equal(twc);
    // score = twc * 1/1 * 0.5 (one slash at 5000 bps).
    expect(await f.reputation.scoreOf(f.member.address)).to.equal(twc / 2n);

    // Anyone may re-cache the stake: the interval since the slash is integrated at the slashed weight.
    await f.vault.connect(f.other).refreshStake(f.member.address);
    const rep1 = await f.reputation.reputationOf(f.member.address);
    expect(rep1.stakeSeconds).to.equal(MEMBER_STAKE * 1000n + half * 1001n);
    expect(rep1.lastStake).to.equal(half);
    expect(rep1.slashCount).to.equal(1n);
  });
  it("counts missed cadence intervals and late commits as missed duties", async function () {
    const f = await networkHelpers.loadFixture(committed);
    // Two intervals skipped after t2, and posted later than the response window: 3 missed, none met.
    const t3 = f.t2 + 3n * SLA.snapshotInterval;
    await time.increaseTo(t3 + SLA.responseWindow + 10n);
    await f.ledger.connect(f.member).commit(t3, [f.eth]);
    const rep = await f.reputation.reputationOf(f.member.address);
    expect(rep.dutiesMet).to.equal(1n);
    expect(rep.dutiesTotal).to.equal(4n);
    const twc = await f.reputation.timeWeightedCollateral(f.member.address);
    expect(await f.reputation.scoreOf(f.member.address)).to.equal((twc * 1n) / 4n);
  });
  it("counts at most one met cadence duty per snapshot interval (frequent commits earn nothing more)", async function () {
    const f = await networkHelpers.loadFixture(committed);
    const before = await f.ledger.memberRecordOf(f.member.address);
    // Ten more timely commits within the same interval: no duty either way.
    for (let i = 1n; i <= 10n; i++) await f.ledger.connect(f.member).commit(f.t2 + i, [f.eth]);
    const after = await f.ledger.memberRecordOf(f.member.address);
    expect([after.dutiesMet, after.dutiesTotal]).to.deep.equal([before.dutiesMet, before.dutiesTotal]);
    // A full interval after the last met snapshot, the next timely commit counts again.
    const next = f.t1 + SLA.snapshotInterval;
    await time.increaseTo(next + 1n);
    await expect(f.ledger.connect(f.member).commit(next, [f.eth]))
      .to.emit(f.ledger, "DutiesRecorded")
      .withArgs(f.member.address, 1n, 0n);
  });
  it("gives no credit for self-opened requests: an answered request adds no duty (attack: request yourself, answer)", async function () {
    const f = await networkHelpers.loadFixture(committed);
    const before = await f.ledger.memberRecordOf(f.member.address);
    const scoreBefore = await f.reputation.scoreOf(f.member.address);
    for (let i = 0n; i < 4n; i++) {
      const t = f.t1 - 100n - i;
      await f.ledger.connect(f.member).requestProof(f.member.address, t, { value: FEE });
      const id = await f.ledger.requestIdOf(f.member.address, t);
      await expect(f.ledger.connect(f.member).respondToRequest(id, [commitmentOf(ETH_ASSET, 50n + i)])).not.to.emit(
        f.ledger,
        "DutiesRecorded",
      );
    }
    const after = await f.ledger.memberRecordOf(f.member.address);
    expect([after.dutiesMet, after.dutiesTotal]).to.deep.equal([before.dutiesMet, before.dutiesTotal]);
    expect(after.openRequests).to.equal(0n);
    expect(await f.reputation.scoreOf(f.member.address)).to.be.lessThanOrEqual(scoreBefore);
  });
  it("starts no time-weighted clock for refreshStake on a future member (attack: refresh early, apply later)", async function () {
    const f = await networkHelpers.loadFixture(committed);
    const newcomer = f.user;
    await f.vault.connect(f.other).refreshStake(newcomer.address);
    const early = await f.vault.stakeHistoryOf(newcomer.address);
    expect([early.since, early.lastUpdate, early.weight]).to.deep.equal([0n, 0n, 0n]);
    await time.increase(30n * 86_400n);
    await f.vault.connect(f.other).refreshStake(newcomer.address);
    // It applies and deposits a month later: the clock starts at its first non-zero weight.
    await f.registry.connect(newcomer).applyForMembership("0x" + "02".repeat(32));
    await f.vault.connect(f.other).refreshStake(newcomer.address);
    expect((await f.vault.stakeHistoryOf(newcomer.address)).since).to.equal(0n);
    await f.vault
      .connect(newcomer)
      .deposit(newcomer.address, ethers.ZeroAddress, MEMBER_STAKE, { value: MEMBER_STAKE });
    const started = await f.vault.stakeHistoryOf(newcomer.address);
    expect(started.since).to.equal(BigInt(await time.latest()));
    await time.increase(1000n);
    // Time-weighted collateral is the stake itself (no idle month diluting or inflating it).
    expect(await f.reputation.timeWeightedCollateral(newcomer.address)).to.equal(MEMBER_STAKE);
  });
  it("scores zero without duties", async function () {
    const f = await networkHelpers.loadFixture(committed);
    expect(await f.reputation.scoreOf(f.other.address)).to.equal(0n);
    expect(await f.reputation.timeWeightedCollateral(f.other.address)).to.equal(0n);
  });

  describe("constructor", function () {
    it("reverts with ReputationZeroAddress for a zero admin, vault or ledger", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("Reputation");
      const zero = ethers.ZeroAddress;
      for (const args of [
        [zero, a.address, a.address],
        [a.address, zero, a.address],
        [a.address, a.address, zero],
      ] as const) {
        await expect(factory.deploy(...args, SLASH_PENALTY_BPS)).to.be.revertedWithCustomError(
          factory,
          "ReputationZeroAddress",
        );
      }
    });
    it("reverts with ReputationBadBps for an initial penalty above 10000 and accepts 10000", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("Reputation");
      await expect(factory.deploy(a.address, a.address, a.address, 10_001))
        .to.be.revertedWithCustomError(factory, "ReputationBadBps")
        .withArgs(10_001n);
      const reputation = await factory.deploy(a.address, a.address, a.address, 10_000);
      expect(await reputation.slashPenaltyBps()).to.equal(10_000n);
    });
    it("reads the vault and ledger it was deployed with, and the module's penalty", async function () {
      const f = await networkHelpers.loadFixture(committed);
      expect(await f.reputation.stakeSource()).to.equal(await f.vault.getAddress());
      expect(await f.reputation.ledger()).to.equal(await f.ledger.getAddress());
      expect(await f.reputation.slashPenaltyBps()).to.equal(BigInt(SLASH_PENALTY_BPS));
      expect(await f.reputation.hasRole(ethers.ZeroHash, f.governance.address)).to.equal(true);
    });
  });

  describe("setSlashPenalty", function () {
    it("sets the penalty, emits SlashPenaltySet, and rescales the score of a slashed member", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.adjudicator.proveFraud(...f.args(await f.proofFor()));
      await expect(f.reputation.connect(f.governance).setSlashPenalty(2_500))
        .to.emit(f.reputation, "SlashPenaltySet")
        .withArgs(2_500n);
      expect(await f.reputation.slashPenaltyBps()).to.equal(2_500n);
      // One met duty of one and one slash: the time-weighted collateral x (1 - 0.25), not x (1 - 0.5).
      const twc = await f.reputation.timeWeightedCollateral(f.member.address);
      expect(await f.reputation.scoreOf(f.member.address)).to.equal((twc * 3n) / 4n);
    });
    it("at 0 a slash costs no score, at 10000 it costs all of it (both edges accepted)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.adjudicator.proveFraud(...f.args(await f.proofFor()));
      await f.reputation.connect(f.governance).setSlashPenalty(0);
      const twc = await f.reputation.timeWeightedCollateral(f.member.address);
      expect(twc).to.be.greaterThan(0n);
      // One met duty of one: the score is the time-weighted collateral itself.
      expect(await f.reputation.scoreOf(f.member.address)).to.equal(twc);
      await f.reputation.connect(f.governance).setSlashPenalty(10_000);
      expect(await f.reputation.scoreOf(f.member.address)).to.equal(0n);
    });
  });

  describe("reputationOf", function () {
    it("copies the ledger's duty counters and the vault's stake history field by field", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.adjudicator.proveFraud(...f.args(await f.proofFor()));
      // A late commit two intervals on: the met and total counters differ.
      const t3 = f.t2 + 2n * SLA.snapshotInterval;
      await time.increaseTo(t3 + SLA.responseWindow + 10n);
      await f.ledger.connect(f.member).commit(t3, [f.eth]);
      const rep = await f.reputation.reputationOf(f.member.address);
      const record = await f.ledger.memberRecordOf(f.member.address);
      const history = await f.vault.stakeHistoryOf(f.member.address);
      expect(rep.dutiesTotal).to.be.greaterThan(rep.dutiesMet);
      expect([rep.dutiesMet, rep.dutiesTotal]).to.deep.equal([record.dutiesMet, record.dutiesTotal]);
      expect([rep.slashCount, rep.since, rep.lastUpdate, rep.lastStake, rep.stakeSeconds]).to.deep.equal([
        history.slashCount,
        history.since,
        history.lastUpdate,
        history.weight,
        history.weightSeconds,
      ]);
      expect(rep.slashCount).to.equal(1n);
    });
  });

  describe("scoreOf", function () {
    it("compounds the penalty per slash (three slashes at 10%: 0.9^3 of the unslashed score)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.reputation.connect(f.governance).setSlashPenalty(1_000);
      for (const nullifier of [1n, 2n, 3n]) await f.adjudicator.proveFraud(...f.args(await f.proofFor({ nullifier })));
      await time.increase(1_000);
      const rep = await f.reputation.reputationOf(f.member.address);
      expect(rep.slashCount).to.equal(3n);
      const twc = await f.reputation.timeWeightedCollateral(f.member.address);
      const unslashed = (twc * rep.dutiesMet) / rep.dutiesTotal;
      expect(await f.reputation.scoreOf(f.member.address)).to.equal((unslashed * 729n) / 1_000n);
    });
    it("scores zero for a bonded member that owes no duty yet (stake alone earns nothing)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const operator = f.operators[0].address;
      await time.increase(1_000);
      expect(await f.reputation.timeWeightedCollateral(operator)).to.be.greaterThan(0n);
      expect((await f.reputation.reputationOf(operator)).dutiesTotal).to.equal(0n);
      expect(await f.reputation.scoreOf(operator)).to.equal(0n);
    });
    it("scales with met / total: a missed interval costs its share of the score", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const t3 = f.t2 + 2n * SLA.snapshotInterval;
      await time.increaseTo(t3 + 10n);
      await f.ledger.connect(f.member).commit(t3, [f.eth]);
      const rep = await f.reputation.reputationOf(f.member.address);
      // One interval skipped, then a timely commit: 2 of 3 met.
      expect([rep.dutiesMet, rep.dutiesTotal]).to.deep.equal([2n, 3n]);
      const twc = await f.reputation.timeWeightedCollateral(f.member.address);
      expect(await f.reputation.scoreOf(f.member.address)).to.equal((twc * 2n) / 3n);
    });
  });
});
