// Issue 16c attack on RoundReopened: a fraud proof's claim arriving for a closed, unsettled round while a slash ordered
// by that round's close still waits for its funds joins the round and pushes its close a full window on. The cheating
// member controls both halves: it can order a slash of itself just before each close (a lapsed request of itself,
// reported by an address of its own for the bounty) and prove one of its own spare omission frauds just after each
// close (a record paying its own address). Each cycle holds its victims' round for one more window.
// Measured here: how long the victim waits and what each extra window costs the cheater; that it ends (the stake runs
// out, and every slash lands in the pool the victim is paid from); that the cheater's claims in the reopened round can
// be vetoed and the victim is then paid in full; and that `roundOf`/`bookedClaim` follow the reopened close.
// Real contracts (Ignition module), real quorum attestation, three real Groth16 proofs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { E18, TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** EigenLayer's resolution delay in blocks: shorter than a claim window, as on mainnet (so every cycle needs a fresh
 * slash ordered just before the close). */
const RESOLUTION_BLOCKS = 200;

describe("issue 16c: the cheater reopens its victims' round again and again", function () {
  this.timeout(900_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16c-reopen-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  it("bounded: each extra window costs the cheater a fraud slash and a lapse slash, all into the round's pool; its claims are vetoable and the victim is paid in full", async function () {
    const f = await elConsortium(connection, {
      slashResolutionDelayBlocks: RESOLUTION_BLOCKS,
      moduleId: "Issue16cReopen",
    });
    const victimPayout = Wallet.createRandom().address;
    const one = await f.snapshot(join(workDir, "one"), victimPayout);
    await f.commitAndAttest(one.snap, one.t);
    // Two spare frauds of the cheater's own, committed while it still meets its minimum stake.
    const two = await f.snapshot(join(workDir, "two"), f.attacker.address);
    await f.ledger.connect(f.member).commit(two.t, [two.snap.commitment]);
    const three = await f.snapshot(join(workDir, "three"), f.attacker.address);
    await f.ledger.connect(f.member).commit(three.t, [three.snap.commitment]);
    const victimArgs = await f.fraudArgs(one.snap);
    const spare2 = await f.fraudArgs(two.snap);
    const spare3 = await f.fraudArgs(three.snap);
    // Requests of itself, to lapse on cue (the deadline passes after the 1 h response window).
    await f.ledger.connect(f.member).requestProof(f.member.address, one.t - 1n);
    await f.ledger.connect(f.member).requestProof(f.member.address, one.t - 2n);
    const lastRequest = await f.ledger.requestCount();
    const member = f.member.address;
    const adjudicator = await f.adjudicator.getAddress();

    const stake0 = await f.source.stakeOf(member);
    expect(stake0).to.equal(10n * E18);
    await f.adjudicator.connect(f.prover).proveFraud(...victimArgs);
    const booked = await bookedClaim(ethers.provider, adjudicator, member, victimArgs[0].nullifier);
    if (booked === undefined) throw new Error("no claim booked");
    const c1 = booked.closesAt;
    const window = c1 - BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const stake1 = await f.source.stakeOf(member);
    // The victim's own slash clears well before the close (delay < window).
    await f.el.mine(RESOLUTION_BLOCKS);
    expect(await f.source.pendingSlashesOf(member)).to.have.length(1); // still listed until cleared by a call
    await f.source.clearRestitution(member, c1);
    expect(await f.source.pendingSlashesOf(member)).to.have.length(0);

    /** One cycle: a lapse just before `close`, then a spare fraud at `close`: returns the new close. */
    const cycle = async (close: bigint, requestId: bigint, spare: typeof spare2): Promise<bigint> => {
      await time.increaseTo(close - 10n);
      await f.adjudicator.connect(f.attacker).reportMissedDeadline(requestId);
      await time.setNextBlockTimestamp(close);
      await expect(f.adjudicator.connect(f.attacker).proveFraud(...spare)).to.emit(f.adjudicator, "RoundReopened");
      const round = await f.adjudicator.roundOf(member, f.token, 1);
      expect(round.settled).to.equal(false);
      expect(round.closesAt).to.equal(close + window);
      // The round's own slashes clear within the window; the cycle needs a fresh lapse before the next close.
      await f.el.mine(RESOLUTION_BLOCKS);
      return round.closesAt;
    };
    const c2 = await cycle(c1, lastRequest - 1n, spare2);
    const c3 = await cycle(c2, lastRequest, spare3);
    const stake3 = await f.source.stakeOf(member);

    // The victim's claim, closed at c1, is still not payable two windows later; bookedClaim follows the reopened close.
    const terms = {
      asset: TOKEN_ASSET_ID,
      claim: one.snap.victimBalance,
      round: 1,
      payoutHash: victimArgs[0].payoutHash,
    };
    const payout = one.snap.victimPayout!;
    const again = await bookedClaim(ethers.provider, adjudicator, member, victimArgs[0].nullifier);
    expect(again!.closesAt).to.equal(c3);
    expect(again!.status).to.equal("open");
    await expect(
      f.adjudicator.payClaim(member, victimArgs[0].nullifier, terms, payout.address, payout.salt),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen");
    expect(c3 - c1).to.equal(2n * window);

    // Cost: stake 5 TETH after the victim's fraud -> 5 * 0.9 * 0.5 * 0.9 * 0.5 = 1.0125 TETH; 55% of what is left
    // per extra window, every bit of it slashed into the pool of this very round (less the 10% bounties).
    expect(stake1).to.equal(5n * E18);
    expect(stake3).to.equal((5n * E18 * 81n) / 400n);

    // Defence: the cheater's claims joined round 1 and are vetoable while it is reopened.
    for (const spare of [spare2, spare3]) {
      await f.adjudicator
        .connect(f.governance)
        .vetoClaim(
          member,
          spare[0].nullifier,
          { asset: TOKEN_ASSET_ID, claim: spare[0].claim, round: 1, payoutHash: spare[0].payoutHash },
          "the member's own record",
        );
    }
    await time.increaseTo(c3);
    // The round settles from every slash of the three cycles (8.08875 TETH in the pool); the vetoed claims left its
    // booking, so the victim's claim is reserved in full.
    await expect(f.adjudicator.payClaim(member, victimArgs[0].nullifier, terms, payout.address, payout.salt))
      .to.emit(f.adjudicator, "RoundSettled")
      .withArgs(member, f.token, 1, (8_088_750n * E18) / 1_000_000n, (375n * E18) / 1000n, terms.claim, terms.claim);
    expect(await f.el.token.balanceOf(victimPayout)).to.equal(one.snap.victimBalance);
    // No round 2 was ever opened: every claim went into round 1.
    expect((await f.adjudicator.roundOf(member, f.token, 1)).settled).to.equal(true);
    expect((await f.adjudicator.roundOf(member, f.token, 0)).round).to.equal(1n);
  });
});
