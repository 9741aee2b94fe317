// Issue 16d, a check of the fix proposed in test/attack/issue16d-free-hold.test.ts and of the bound the third review
// measured (test/attack/issue16c-reopen-delay.test.ts: "each extra window costs the cheater a fraud slash and a lapse
// slash, 55% of what is left"): the cost of holding a round is a share of the cheater's stake AT THE TIME, and the
// cheater chooses that stake. After the victim's fraud, its operator leaves the set; once it is not slashable (and
// before anyone ejects the member: `approveOperator` and the registration need an operating member) the member binds a
// fresh operator of its own with a dust allocation (1e12 wei). Every slash of it now executes (nothing is deferred),
// takes dust, and waits EigenLayer's slash resolution delay: a lapse just before each close holds the round, a spare
// fraud just after reopens it. Not made by this change, but a fix that only stops deferred slashes of a member
// without slashable stake from holding leaves this variant open: the reopening itself must be bounded (e.g. a round
// waits at its reopened close only for slashes ordered by its first close, or reopens a bounded number of times).
// Ejecting the member while its first operator is in its DEALLOCATION_DELAY (anyone may: slashed, stake 0) blocks this
// variant; it does not block the deferred one (issue16d-free-hold), whose spare frauds work after ejection.
// FIXED (2026-12-07): a reopened round waits only for the slashes ordered by its first close.
// Real contracts (Ignition module), real quorum attestation, two real Groth16 proofs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder, Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { E18, TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const RESOLUTION_BLOCKS = 200;
const DEALLOCATION_DELAY = 50;
const RESPONSE_WINDOW = 3_600n;
/** The dust operator's allocation. */
const DUST = 10n ** 12n;

describe("issue 16d: the cheater holds its victims' round with a dust operator", function () {
  this.timeout(900_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16d-dust-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  it("defence: with a dust operator the chain reopens once; the next lapse, after the first close, holds nothing and the victim is paid in full", async function () {
    const f = await elConsortium(connection, {
      slashResolutionDelayBlocks: RESOLUTION_BLOCKS,
      moduleId: "Issue16dDust",
    });
    const member = f.member.address;
    const one = await f.snapshot(join(workDir, "victim"), Wallet.createRandom().address);
    await f.commitAndAttest(one.snap, one.t);
    const two = await f.snapshot(join(workDir, "two"), f.attacker.address);
    await f.ledger.connect(f.member).commit(two.t, [two.snap.commitment]);
    const three = await f.snapshot(join(workDir, "three"), f.attacker.address);
    await f.ledger.connect(f.member).commit(three.t, [three.snap.commitment]);
    const victimArgs = await f.fraudArgs(one.snap);
    const spare2 = await f.fraudArgs(two.snap);

    await f.adjudicator.connect(f.prover).proveFraud(...victimArgs);
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      member,
      victimArgs[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    const c1 = booked.closesAt;
    // The cheater's own operator leaves at once (its slash still resolving), then the dust operator comes in.
    await f.el.allocationManager
      .connect(f.member)
      .deregisterFromOperatorSets({ operator: member, avs: f.set.avs, operatorSetIds: [f.set.id] });
    await f.el.mine(Math.max(RESOLUTION_BLOCKS, DEALLOCATION_DELAY + 1));
    await f.source.clearRestitution(member, c1);
    const pool = (5n * E18 * 9n) / 10n;
    expect(await f.source.restitutionOf(member, f.token)).to.equal(pool);
    const dust = (await ethers.getSigners())[11];
    await f.source.connect(f.member).approveOperator(dust.address);
    await f.el.stakeAndAllocate({
      operator: dust,
      operatorDeposit: DUST,
      operatorSet: f.set,
      registrationData: AbiCoder.defaultAbiCoder().encode(["address"], [member]),
    });
    await f.source.refreshStake(member);
    expect(await f.source.stakeOf(member)).to.equal(DUST);

    let requestT = one.t - 1n;
    /** A lapse of a request of itself at `at`: its dust slash executes and waits the resolution delay. */
    const lapseAt = async (at: bigint) => {
      await time.increaseTo(at - RESPONSE_WINDOW - 20n);
      await f.ledger.connect(f.member).requestProof(member, requestT--);
      const id = await f.ledger.requestCount();
      await time.setNextBlockTimestamp(at);
      await expect(f.adjudicator.connect(f.attacker).reportMissedDeadline(id)).to.emit(
        f.source,
        "OperatorSlashOrdered",
      );
    };
    const terms = {
      asset: TOKEN_ASSET_ID,
      claim: one.snap.victimBalance,
      round: 1,
      payoutHash: victimArgs[0].payoutHash,
    };
    const payout = one.snap.victimPayout!;
    const pay = () => f.adjudicator.payClaim(member, victimArgs[0].nullifier, terms, payout.address, payout.salt);

    // The first cycle still reopens: the lapse 10 s before c1 waits out EigenLayer's resolution delay.
    await lapseAt(c1 - 10n);
    await time.increaseTo(c1);
    await expect(pay()).to.be.revertedWithCustomError(f.adjudicator, "RestitutionAwaitingSlashedFunds");
    await expect(f.adjudicator.connect(f.attacker).proveFraud(...spare2)).to.emit(f.adjudicator, "RoundReopened");
    const c2 = (await f.adjudicator.roundOf(member, f.token, 1)).closesAt;
    await f.adjudicator
      .connect(f.governance)
      .vetoClaim(
        member,
        spare2[0].nullifier,
        { asset: TOKEN_ASSET_ID, claim: spare2[0].claim, round: 1, payoutHash: spare2[0].payoutHash },
        "the member's own record",
      );
    await f.el.mine(RESOLUTION_BLOCKS);
    // Defence (since the fix): the next lapse comes after the round's first close and holds nothing; the round
    // settles at its reopened close and the victim is paid in full. One reopening is all the chain gets.
    await lapseAt(c2 - 10n);
    await time.increaseTo(c2);
    await pay();
    expect(await f.el.token.balanceOf(payout.address)).to.equal(one.snap.victimBalance);
    expect((await f.adjudicator.roundOf(member, f.token, 1)).settled).to.equal(true);
  });
});
