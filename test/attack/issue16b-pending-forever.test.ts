// Issue 16b attack on the RestitutionAwaitingSlashedFunds fix: `settleRound`/`payClaim` wait while the stake source
// reports ANY pending slash of the member (all tokens, any slash, ordered at any time - also after the round closed).
// The cheating member stays Active after a fraud proof that leaves it above its minimum, so it can request proofs of
// itself (anyone may; the fee comes back to it) and let them lapse: each `reportMissedDeadline` orders a fresh
// EigenLayer slash with a fresh resolution delay. One lapse per delay keeps the member's pending list non-empty and
// the victims' round unsettleable for as long as the cheater pays missedDeadlineBps of its remaining stake per delay
// (mainnet: 10% a week; the reporter it names earns the 10% bounty back).
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
import { elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const RESOLUTION_BLOCKS = 200;

describe("issue 16b: the cheater keeps its own slashes pending so its victims' round never settles", function () {
  this.timeout(600_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16b-pending-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  // Was an EXPLOIT (fixed): after the fraud proof the cheater requests proofs of two past t's of itself and lets them lapse. It
  // reports one at closesAt (a slash ordered AFTER round 1 closed) and the next just before that one clears: round 1's
  // own slash cleared long ago, yet settleRound keeps reverting RestitutionAwaitingSlashedFunds; with maxOpenRequests
  // lapses queued and new requests any time, indefinitely. Bob's 1.5 TETH stays unpaid.
  it("settles a round once the slashes ordered before it closed have cleared", async function () {
    const f = await elConsortium(connection, {
      slashResolutionDelayBlocks: RESOLUTION_BLOCKS,
      moduleId: "Issue16bPend",
    });
    const { snap, t } = await f.snapshot(join(workDir, "snap"), Wallet.createRandom().address);
    await f.commitAndAttest(snap, t);
    const args = await f.fraudArgs(snap);
    const receipt = await (await f.adjudicator.connect(f.prover).proveFraud(...args)).wait();
    const fraudBlock = receipt!.blockNumber;
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      f.member.address,
      args[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    // The member is still Active (5 TETH left >= 1 TETH minimum): it requests proofs of itself.
    await f.ledger.connect(f.member).requestProof(f.member.address, t - 1n);
    await f.ledger.connect(f.member).requestProof(f.member.address, t - 2n);
    const last = await f.ledger.requestCount();
    await time.increaseTo(booked.closesAt);
    // Reported by an address of the cheater's (it gets the bounty back).
    const r1 = await (await f.adjudicator.connect(f.attacker).reportMissedDeadline(last - 1n)).wait();
    await f.el.mineTo(fraudBlock + RESOLUTION_BLOCKS);
    // Round 1's own slash clears now; only the post-close slash still waits, and round 1 does not wait for it
    // (fixed: a round waits only for the slashes ordered before it closed).
    expect((await f.source.pendingSlashesOf(f.member.address)).length).to.equal(2);
    await f.adjudicator.settleRound(f.member.address, f.token, 1);
    expect((await f.adjudicator.roundOf(f.member.address, f.token, 1)).settled).to.equal(true);
    expect(r1).to.not.equal(null);
  });
});
