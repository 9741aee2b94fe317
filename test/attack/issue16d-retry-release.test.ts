// Issue 16d attacks on the order time a deferred slash keeps, its retry and its release:
// - boundary: a slash EigenLayer refuses at exactly a round's close (orderedAt == closesAt) holds the round, and the
//   retry carries that order time into the executed slash, which holds the round until it clears;
// - operator: the retry is made against the member's operator at the time of the retry. Can the cheater leave its
//   operator while its victims' slash waits and have the retry take from a token operator instead? Within
//   DEALLOCATION_DELAY the old operator is slashable and the member cannot switch (`EigenLayerOperatorStillBound`);
//   only a slashing pause longer than DEALLOCATION_DELAY (mainnet: about 14 days) lets the stake escape (documented
//   below: the hold then ends when anyone retries against the new operator, as the round then settles with what
//   that took);
// - release: governance's release stops a deferred slash holding; its round settles without it, and what the slash
//   takes when retried goes to the member's pool for later rounds (docs/protocol.md section 7), never to the round it
//   was ordered in; and it stays retriable for good: once the member has another operator (one that registered for it
//   seeing no deferred and no pending slash in `deferredSlashesOf`/`pendingSlashesOf`), anyone's retry takes its
//   share of that operator's allocation.
// Real contracts (Ignition module), real quorum attestation, a real Groth16 proof per test.
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
/** The stand-ins' DEALLOCATION_DELAY (testnets: 50 blocks). */
const DEALLOCATION_DELAY = 50;

describe("issue 16d: a deferred slash's order time, retry and release", function () {
  this.timeout(900_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16d-retry-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  /** One omission fraud against the cheater, committed and attested; `proveWhilePaused` proves it while EigenLayer
   * refuses slashes (its 5 TETH slash deferred), else normally. A request of the member's, to lapse on cue. */
  async function setup(moduleId: string, proveWhilePaused: boolean) {
    const f = await elConsortium(connection, { slashResolutionDelayBlocks: RESOLUTION_BLOCKS, moduleId });
    const { snap, t } = await f.snapshot(join(workDir, moduleId), Wallet.createRandom().address);
    await f.commitAndAttest(snap, t);
    const args = await f.fraudArgs(snap);
    await f.ledger.connect(f.member).requestProof(f.member.address, t - 1n);
    const requestId = await f.ledger.requestCount();
    if (proveWhilePaused) await f.el.allocationManager.setPaused(true);
    await f.adjudicator.connect(f.prover).proveFraud(...args);
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      f.member.address,
      args[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    const terms = { asset: TOKEN_ASSET_ID, claim: snap.victimBalance, round: 1, payoutHash: args[0].payoutHash };
    const payout = snap.victimPayout!;
    const pay = () => f.adjudicator.payClaim(f.member.address, args[0].nullifier, terms, payout.address, payout.salt);
    return { f, snap, args, requestId, closesAt: booked.closesAt, pay, payout };
  }

  it("defence: a slash refused at exactly the close holds the round; its retry keeps orderedAt == closesAt and the round waits for its clearing; the victim is paid in full", async function () {
    const { f, requestId, closesAt, pay, payout, snap } = await setup("Issue16dBoundary", false);
    const member = f.member.address;
    // Round 1's own slash clears before the close.
    await f.el.mine(RESOLUTION_BLOCKS);
    await f.source.clearRestitution(member, closesAt);
    expect(await f.source.pendingSlashesOf(member)).to.deep.equal([]);
    // EigenLayer refuses the lapse's slash ordered at exactly closesAt (the round is closed from then on).
    await f.el.allocationManager.setPaused(true);
    await time.setNextBlockTimestamp(closesAt);
    await expect(f.adjudicator.connect(f.attacker).reportMissedDeadline(requestId)).to.emit(f.source, "SlashDeferred");
    const [id] = await f.source.deferredSlashesOf(member);
    expect((await f.source.deferredSlash(id)).orderedAt).to.equal(closesAt);
    await expect(f.adjudicator.settleRound(member, f.token, 1))
      .to.be.revertedWithCustomError(f.adjudicator, "RestitutionAwaitingSlashedFunds")
      .withArgs(member, f.token, 1, 1);
    await f.el.allocationManager.setPaused(false);
    await f.source.connect(f.attacker).retrySlash(id);
    expect(await f.source.deferredSlashesOf(member)).to.deep.equal([]);
    const [slashId] = await f.source.pendingSlashesOf(member);
    expect((await f.source.executedSlash(slashId)).orderedAt).to.equal(closesAt);
    // Executed but still in EigenLayer's resolution delay: the round still waits (it does not settle in between).
    await expect(pay()).to.be.revertedWithCustomError(f.adjudicator, "RestitutionAwaitingSlashedFunds");
    await f.el.mine(RESOLUTION_BLOCKS);
    await pay();
    expect(await f.el.token.balanceOf(payout.address)).to.equal(snap.victimBalance);
  });

  it("defence: the cheater cannot have the retry hit another operator while its own is slashable: it can neither leave during the pause nor switch during DEALLOCATION_DELAY, and the retry takes from the operator of the order", async function () {
    const { f, closesAt, pay, payout, snap } = await setup("Issue16dOperator", true);
    const member = f.member.address;
    const [id] = await f.source.deferredSlashesOf(member);
    const leave = () =>
      f.el.allocationManager
        .connect(f.member)
        .deregisterFromOperatorSets({ operator: member, avs: f.set.avs, operatorSetIds: [f.set.id] });
    await expect(leave()).to.be.revertedWithCustomError(f.el.allocationManager, "CurrentlyPaused");
    await f.el.allocationManager.setPaused(false);
    // It leaves the moment the pause ends, and names a fresh operator of its own with a token stake: refused.
    await leave();
    const fresh = (await ethers.getSigners())[11];
    await expect(f.source.connect(f.member).approveOperator(fresh.address))
      .to.be.revertedWithCustomError(f.source, "EigenLayerOperatorStillBound")
      .withArgs(member, member);
    // Anyone retries within the deallocation window: the slash takes 50% of the original operator's 10 TETH.
    await expect(f.source.connect(f.prover).retrySlash(id))
      .to.emit(f.source, "OperatorSlashOrdered")
      .withArgs(member, member, 1n, 5_000, 5n * E18);
    await f.el.mine(RESOLUTION_BLOCKS);
    await time.increaseTo(closesAt);
    await pay();
    expect(await f.el.token.balanceOf(payout.address)).to.equal(snap.victimBalance);
  });

  it("documented: a slashing pause longer than DEALLOCATION_DELAY lets the cheater's stake leave; anyone's retry then takes 50% of a token operator's stake and the round settles with that (as before this change)", async function () {
    const { f, closesAt, pay, payout } = await setup("Issue16dPauseLong", true);
    const member = f.member.address;
    const [id] = await f.source.deferredSlashesOf(member);
    // EigenLayer pauses slashing only (flags of its own; the stand-in has one, so: unpause, leave, pause again).
    await f.el.allocationManager.setPaused(false);
    await f.el.allocationManager
      .connect(f.member)
      .deregisterFromOperatorSets({ operator: member, avs: f.set.avs, operatorSetIds: [f.set.id] });
    await f.el.allocationManager.setPaused(true);
    await f.el.mine(DEALLOCATION_DELAY + 1);
    await f.el.allocationManager.setPaused(false);
    // Out of the window: the member switches to a fresh operator with 0.1 TETH, and retries the slash itself.
    const fresh = (await ethers.getSigners())[11];
    await f.source.connect(f.member).approveOperator(fresh.address);
    await f.el.stakeAndAllocate({
      operator: fresh,
      operatorDeposit: E18 / 10n,
      operatorSet: f.set,
      registrationData: AbiCoder.defaultAbiCoder().encode(["address"], [member]),
    });
    await expect(f.source.connect(f.member).retrySlash(id))
      .to.emit(f.source, "OperatorSlashOrdered")
      .withArgs(member, fresh.address, 1n, 5_000, E18 / 20n);
    await f.el.mine(RESOLUTION_BLOCKS);
    await time.increaseTo(closesAt);
    await pay();
    // The victim's 1.5 TETH claim is paid 0.036 TETH (0.05 TETH less the 10% bounty and the 20% insurance share)
    // instead of 1.5 TETH from the 5 TETH the slash would have taken of the cheater's own operator.
    expect(await f.el.token.balanceOf(payout.address)).to.equal(((((E18 / 20n) * 9n) / 10n) * 8n) / 10n);
  });

  it("documented: a released deferred slash stays retriable and, once the member has a new operator, anyone's retry takes its 50% from that operator, which `deferredSlashesOf` did not show it", async function () {
    const { f } = await setup("Issue16dReleasedLandmine", true);
    const member = f.member.address;
    const [id] = await f.source.deferredSlashesOf(member);
    await f.source.connect(f.governance).releaseDeferredSlash(id);
    await f.el.allocationManager.setPaused(false);
    // The cheater's own operator leaves; once it is not slashable, the member takes a staking provider (10 TETH).
    await f.el.allocationManager
      .connect(f.member)
      .deregisterFromOperatorSets({ operator: member, avs: f.set.avs, operatorSetIds: [f.set.id] });
    await f.el.mine(DEALLOCATION_DELAY + 1);
    const provider = (await ethers.getSigners())[11];
    await f.source.connect(f.member).approveOperator(provider.address);
    // What the provider can see of the member before it registers: no deferred slash, no pending slash.
    expect(await f.source.deferredSlashesOf(member)).to.deep.equal([]);
    expect(await f.source.pendingSlashesOf(member)).to.deep.equal([]);
    // (Only `deferredSlash(id)` over every id, as `eigenlayer status` reads it, shows the released one.)
    expect((await f.source.deferredSlash(id)).member).to.equal(member);
    await f.el.stakeAndAllocate({
      operator: provider,
      operatorDeposit: 10n * E18,
      operatorSet: f.set,
      registrationData: AbiCoder.defaultAbiCoder().encode(["address"], [member]),
    });
    await expect(f.source.connect(f.attacker).retrySlash(id))
      .to.emit(f.source, "OperatorSlashOrdered")
      .withArgs(member, provider.address, 1n, 5_000, 5n * E18);
  });

  it("documented: a released deferred slash no longer holds its round, which settles without it; retried later, its funds go to the pool for later rounds, never to that round's victim", async function () {
    const { f, args, closesAt, pay, payout } = await setup("Issue16dRelease", true);
    const member = f.member.address;
    const [id] = await f.source.deferredSlashesOf(member);
    await expect(f.source.connect(f.attacker).releaseDeferredSlash(id)).to.be.revertedWithCustomError(
      f.source,
      "AccessControlUnauthorizedAccount",
    );
    await expect(f.source.connect(f.governance).releaseDeferredSlash(id))
      .to.emit(f.source, "DeferredSlashReleased")
      .withArgs(id, member);
    await expect(f.source.connect(f.governance).releaseDeferredSlash(id))
      .to.be.revertedWithCustomError(f.source, "EigenLayerDeferredSlashNotHolding")
      .withArgs(id);
    const released = await f.source.deferredSlash(id);
    expect([released.holdsRounds, released.member]).to.deep.equal([false, member]);
    await time.increaseTo(closesAt);
    await pay();
    expect(await f.el.token.balanceOf(payout.address)).to.equal(0n);
    // The pause ends; the retry (still possible) takes the 5 TETH, keeping its order time, into the pool.
    await f.el.allocationManager.setPaused(false);
    await f.source.retrySlash(id);
    const [slashId] = await f.source.pendingSlashesOf(member);
    expect((await f.source.executedSlash(slashId)).orderedAt).to.be.below(closesAt);
    await f.el.mine(RESOLUTION_BLOCKS);
    await f.source.clearSlash(slashId);
    expect(await f.source.restitutionOf(member, f.token)).to.equal((5n * E18 * 9n) / 10n);
    // Round 1's victim was paid (0) once and for all; the 4.5 TETH wait for the member's next round.
    const terms = { asset: TOKEN_ASSET_ID, claim: args[0].claim, round: 1, payoutHash: args[0].payoutHash };
    await expect(
      f.adjudicator.payClaim(member, args[0].nullifier, terms, payout.address, payout.salt),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimPaid");
  });
});
