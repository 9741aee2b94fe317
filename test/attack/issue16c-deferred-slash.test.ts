// Issue 16c attack on "rounds wait only for slashes ordered before they closed": `ExecutedSlash.orderedAt` is the
// time EigenLayer EXECUTED a slash, and `clearRestitution(member, orderedBy)` counts only executed slashes. A slash the
// adjudicator orders while EigenLayer refuses it (paused, OperatorNotSlashable) is recorded as deferred: it is in no
// pending list, and when `retrySlash` executes it after the round closed it gets `orderedAt` = the retry. So the round
// whose fraud proof ordered it settles without it: anyone (the cheater) calls `settleRound` at `closesAt` while the
// slash is still deferred; the round reserves 0 and its victim is paid nothing; the funds arrive later into the pool
// for whatever round comes next (possibly one holding only the cheater's own claim, as in issue 16b).
// FIXED (2026-12-07): a deferred slash keeps its order time and holds the member's rounds closing after it until it
// executes (`clearRestitution` counts it), and the retry carries the order time into the executed slash.
// Real contracts (Ignition module), real quorum attestation, a real Groth16 proof.
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

describe("issue 16c: a slash deferred while its round is open does not hold the round", function () {
  this.timeout(600_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16c-deferred-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  // Was an EXPLOIT: EigenLayer is paused when the victim's fraud proof lands (SlashDeferred: the 5 TETH fraud slash waits for
  // retrySlash) and stays paused past the round's close (7 days). At closesAt the cheater calls settleRound: the
  // deferred slash is on no pending list, so clearRestitution(member, closesAt) reports 0 and round 1 settles on an
  // empty pool (reserved 0): Bob's 1.5 TETH claim is paid 0. After the pause the retry books 4.5 TETH (after the bounty) with orderedAt =
  // the retry, into the pool for later rounds. Money at stake: every claim of the round (up to the fraud slash, 50% of
  // the member's stake). Fix: keep the order time in DeferredSlash, count the member's deferred slashes ordered by
  // `orderedBy` as pending in clearRestitution, and carry that order time into ExecutedSlash on retry.
  it("waits for a slash ordered while the round was open even when EigenLayer deferred it", async function () {
    const f = await elConsortium(connection, { moduleId: "Issue16cDeferred" });
    const { snap, t } = await f.snapshot(join(workDir, "snap"), Wallet.createRandom().address);
    await f.commitAndAttest(snap, t);
    const args = await f.fraudArgs(snap);
    await f.el.allocationManager.setPaused(true);
    await expect(f.adjudicator.connect(f.prover).proveFraud(...args)).to.emit(f.source, "SlashDeferred");
    const member = f.member.address;
    const booked = await bookedClaim(ethers.provider, await f.adjudicator.getAddress(), member, args[0].nullifier);
    if (booked === undefined) throw new Error("no claim booked");
    expect(await f.source.pendingSlashesOf(member)).to.deep.equal([]);
    await time.increaseTo(booked.closesAt);
    // Expected: round 1 waits for the slash its own fraud proof ordered.
    await expect(f.adjudicator.connect(f.attacker).settleRound(member, f.token, 1)).to.be.revertedWithCustomError(
      f.adjudicator,
      "RestitutionAwaitingSlashedFunds",
    );
    await f.el.allocationManager.setPaused(false);
    await f.source.retrySlash(1n);
    expect(await f.source.restitutionOf(member, f.token)).to.equal((5n * E18 * 9n) / 10n); // less the bounty
    const terms = { asset: TOKEN_ASSET_ID, claim: snap.victimBalance, round: 1, payoutHash: args[0].payoutHash };
    const payout = snap.victimPayout!;
    await f.adjudicator.payClaim(member, args[0].nullifier, terms, payout.address, payout.salt);
    expect(await f.el.token.balanceOf(payout.address)).to.equal(snap.victimBalance);
  });
});
