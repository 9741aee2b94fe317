// Issue 16c attack on RoundReopened: a fraud proof's claim arriving for a closed, unsettled round while a slash ordered
// by that round's close still waits for its funds joins the round and pushes its close a full window on. The cheating
// member controls both halves: it can order a slash of itself just before each close (a lapsed request of itself,
// reported by an address of its own for the bounty) and prove one of its own spare omission frauds just after each
// close (a record paying its own address). Each cycle holds its victims' round for one more window.
// Since the fourth review a reopened round waits only for the slashes ordered by its first close: the chain stops after
// one reopening (the slashes of the first close arrive within `restitutionDelay`), the cheater's claim that joined the
// reopened round is vetoable, and the victim is paid in full.
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
    expect(c2 - c1).to.equal(window);
    // Defence (since the fourth review): round 1 waits only for the slashes ordered by its first close (c1). The
    // lapse before c2 and the spare fraud at c2 come after it: they hold nothing, and the spare's claim opens round 2.
    const terms = {
      asset: TOKEN_ASSET_ID,
      claim: one.snap.victimBalance,
      round: 1,
      payoutHash: victimArgs[0].payoutHash,
    };
    const payout = one.snap.victimPayout!;
    // The cheater's claim that joined the reopened round is vetoable while it is open.
    await f.adjudicator
      .connect(f.governance)
      .vetoClaim(
        member,
        spare2[0].nullifier,
        { asset: TOKEN_ASSET_ID, claim: spare2[0].claim, round: 1, payoutHash: spare2[0].payoutHash },
        "the member's own record",
      );
    await time.increaseTo(c2 - 10n);
    await f.adjudicator.connect(f.attacker).reportMissedDeadline(lastRequest);
    await time.setNextBlockTimestamp(c2);
    await expect(f.adjudicator.connect(f.attacker).proveFraud(...spare3)).not.to.emit(f.adjudicator, "RoundReopened");
    expect((await f.adjudicator.roundOf(member, f.token, 1)).settled).to.equal(true);
    expect((await f.adjudicator.roundOf(member, f.token, 0)).round).to.equal(2n);
    await f.adjudicator.payClaim(member, victimArgs[0].nullifier, terms, payout.address, payout.salt);
    expect(await f.el.token.balanceOf(victimPayout)).to.equal(one.snap.victimBalance);
    expect(stake1).to.equal(5n * E18);
  });
});
