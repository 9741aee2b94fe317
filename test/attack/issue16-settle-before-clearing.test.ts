// Issue 16 attack: claim rounds are timed in SECONDS (max(claimWindow, unbondingDelay, restitutionDelay)) but
// EigenLayer's v1.13 slash resolution delay is in BLOCKS (50,400). With the documented setting (restitutionDelay =
// 604,800 s, "at least that long in seconds", docs/threat-model.md) the round of a fraud proof closes exactly 7 days
// after the slash, while its funds clear 50,400 blocks after it: with a single missed slot (mainnet misses hundreds
// per week) the round closes first. The cheating member (or anyone) settles it at closesAt: `clearRestitution`
// cannot clear yet, the pool is empty, the round reserves 0 and the victim is paid 0. When the tokens clear later
// they sit in the member's pool, which only a later round (a later fraud proof) would ever read.
// Real contracts (Ignition module), real Groth16 proof, mainnet delays on the stand-ins.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { MEMBER_STAKE, TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

/** Every slash, whenever ordered (clearRestitution counts those ordered by this time). */
const MAX_UINT64 = 2n ** 64n - 1n;

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** v1.13's SLASH_RESOLUTION_DELAY_BLOCKS and the restitutionDelay the threat model asks for (12 s x 50,400). */
const RESOLUTION_BLOCKS = 50_400;
const RESTITUTION_DELAY = 604_800n;
const slashed = MEMBER_STAKE / 2n; // fraudBps 5000
const pool = slashed - slashed / 10n; // less the 10% bounty

describe("issue 16: a claim round settles before its slash's funds can clear (seconds vs blocks)", function () {
  this.timeout(600_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16-settle-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  // Was an EXPLOIT (fixed): with restitutionDelay = 604,800 s and two missed slots in the week after the slash, the
  // cheating member settled round 1 at closesAt, one block before EigenLayer let the slash clear: the victim's 1.5
  // TETH claim was paid 0. Now settlement waits (RestitutionAwaitingSlashedFunds) until the slash has cleared.
  it("pays the round's victims from the round's own slash whatever the block time", async function () {
    const f = await elConsortium(connection, {
      slashResolutionDelayBlocks: RESOLUTION_BLOCKS,
      restitutionDelay: RESTITUTION_DELAY,
      moduleId: "Issue16Settle",
    });
    const victimPayout = Wallet.createRandom().address;
    const { snap, t } = await f.snapshot(join(workDir, "snap"), victimPayout);
    await f.commitAndAttest(snap, t);
    const args = await f.fraudArgs(snap);
    const receipt = await (await f.adjudicator.connect(f.prover).proveFraud(...args)).wait();
    const slashBlock = receipt!.blockNumber;
    const slashTime = BigInt((await ethers.provider.getBlock(slashBlock))!.timestamp);
    const [slashId] = await f.source.pendingSlashesOf(f.member.address);
    expect(await f.el.strategyManager.getSlashResolutionBlock(f.set, slashId)).to.equal(
      BigInt(slashBlock + RESOLUTION_BLOCKS),
    );
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      f.member.address,
      args[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    expect(booked.closesAt).to.equal(slashTime + RESTITUTION_DELAY);

    // A week of 12-second slots, two of them missed right after the slash.
    await time.setNextBlockTimestamp(slashTime + 36n);
    await f.el.mine(1);
    await ethers.provider.send("hardhat_mine", [ethers.toQuantity(RESOLUTION_BLOCKS - 3), ethers.toQuantity(12)]);
    const head = await ethers.provider.getBlock("latest");
    expect(BigInt(head!.timestamp)).to.be.lessThanOrEqual(booked.closesAt);
    expect(head!.number).to.equal(slashBlock + RESOLUTION_BLOCKS - 2);

    // The cheating member tries to settle the round at closesAt, in the block before the slash may clear: refused
    // (fixed: a round waits while the member's slashes still wait for their funds).
    await time.setNextBlockTimestamp(booked.closesAt);
    await expect(f.adjudicator.connect(f.member).settleRound(f.member.address, f.token, 1))
      .to.be.revertedWithCustomError(f.adjudicator, "RestitutionAwaitingSlashedFunds")
      .withArgs(f.member.address, f.token, 1n, 1n);
    // A refused call mines no block: the next one is the first in which the slash may clear.
    expect(await ethers.provider.getBlockNumber()).to.equal(slashBlock + RESOLUTION_BLOCKS - 2);
    await f.el.mine(1);
    const terms = { asset: TOKEN_ASSET_ID, claim: snap.victimBalance, round: 1, payoutHash: args[0].payoutHash };
    const payout = snap.victimPayout!;
    await f.adjudicator.payClaim(f.member.address, args[0].nullifier, terms, payout.address, payout.salt);
    await f.source.clearRestitution(f.member.address, MAX_UINT64);
    // The pool (4.5 TETH) covers the 1.5 TETH claim in full: the victim must be paid it.
    expect(await f.el.token.balanceOf(victimPayout)).to.equal(snap.victimBalance);
    expect(await f.source.restitutionOf(f.member.address, f.token)).to.be.lessThan(pool);
  });
});
