// Issue 16b attack on the RestitutionAwaitingSlashedFunds fix: `settleRound` and `payClaim` now wait while the
// member's slashes still clear, but a fraud proof that opens the member's next round settles the closed one at once
// "without waiting" (`_bookClaim` -> `_settle(..., false)`). The cheating member holds a second omission fraud of its
// own (a set it committed with a record whose payout it controls) and proves it the moment round 1 closes, while round
// 1's slash is still in EigenLayer's resolution delay: round 1 settles with an empty pool and its victim is paid 0;
// the victim's restitution arrives later into the pool, for round 2, which holds only the cheater's own claim.
// Real contracts (Ignition module), real quorum attestation, two real Groth16 proofs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const RESOLUTION_BLOCKS = 200;

describe("issue 16b: the cheater's own fraud proof settles its closed round before the round's slash clears", function () {
  this.timeout(600_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16b-self-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  async function setup(moduleId: string) {
    const f = await elConsortium(connection, { slashResolutionDelayBlocks: RESOLUTION_BLOCKS, moduleId });
    const victimPayout = Wallet.createRandom().address;
    const one = await f.snapshot(join(workDir, `${moduleId}-1`), victimPayout);
    await f.commitAndAttest(one.snap, one.t);
    // The cheater's spare fraud: a second set whose omitted record pays the cheater's own address.
    const two = await f.snapshot(join(workDir, `${moduleId}-2`), f.attacker.address);
    await f.ledger.connect(f.member).commit(two.t, [two.snap.commitment]);
    const victimArgs = await f.fraudArgs(one.snap);
    const spareArgs = await f.fraudArgs(two.snap);
    await f.adjudicator.connect(f.prover).proveFraud(...victimArgs);
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      f.member.address,
      victimArgs[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    expect(await f.source.pendingSlashesOf(f.member.address)).to.deep.equal([1n]);
    // Round 1 closes while its slash still waits (closesAt reached in fewer blocks than the resolution delay).
    await time.increaseTo(booked.closesAt);
    const terms = {
      asset: TOKEN_ASSET_ID,
      claim: one.snap.victimBalance,
      round: 1,
      payoutHash: victimArgs[0].payoutHash,
    };
    return { f, one, victimArgs, spareArgs, victimPayout, terms };
  }

  it("defence: settleRound and payClaim wait for the round's slash, then pay the victim in full", async function () {
    const { f, one, victimArgs, victimPayout, terms } = await setup("Issue16bSelfDefence");
    await expect(f.adjudicator.settleRound(f.member.address, f.token, 1)).to.be.revertedWithCustomError(
      f.adjudicator,
      "RestitutionAwaitingSlashedFunds",
    );
    await f.el.mine(RESOLUTION_BLOCKS);
    const payout = one.snap.victimPayout!;
    await f.adjudicator.payClaim(f.member.address, victimArgs[0].nullifier, terms, payout.address, payout.salt);
    expect(await f.el.token.balanceOf(victimPayout)).to.equal(one.snap.victimBalance);
  });

  // Was an EXPLOIT (fixed): at closesAt, with round 1's 5 TETH slash still in the resolution delay, the cheater proves its spare fraud:
  // round 2 opens and round 1 settles "without waiting" on an empty pool (reserved 0). Bob's 1.5 TETH claim is paid 0.
  // When the slash clears, its 4.5 TETH go to the member's pool for round 2, whose only claim is the cheater's own
  // (paid to the cheater unless an auditor vetoes it; vetoed, the funds sit in the pool until another fraud proof).
  it("pays round 1's victim from round 1's slash even when a fraud proof opens round 2 first", async function () {
    const { f, one, victimArgs, spareArgs, victimPayout, terms } = await setup("Issue16bSelfExploit");
    // Fixed: the spare proof's claim joins the closed round 1 (its slash still waits), which reopens for a window, so
    // an auditor can veto the cheater's own claim, and round 1 settles from both slashes.
    await expect(f.adjudicator.connect(f.attacker).proveFraud(...spareArgs)).to.emit(f.adjudicator, "RoundReopened");
    const reopened = await f.adjudicator.roundOf(f.member.address, f.token, 1);
    expect(reopened.settled).to.equal(false);
    const spareTerms = {
      asset: terms.asset,
      claim: spareArgs[0].claim,
      round: 1,
      payoutHash: spareArgs[0].payoutHash,
    };
    await f.adjudicator
      .connect(f.governance)
      .vetoClaim(f.member.address, spareArgs[0].nullifier, spareTerms, "the member's own record");
    await f.el.mine(RESOLUTION_BLOCKS);
    await time.increaseTo(reopened.closesAt);
    const payout = one.snap.victimPayout!;
    await f.adjudicator.payClaim(f.member.address, victimArgs[0].nullifier, terms, payout.address, payout.salt);
    expect(await f.el.token.balanceOf(victimPayout)).to.equal(one.snap.victimBalance);
  });
});
