// Issue 16c: the boundary of "a round waits for the slashes ordered by its close". A round is closed from
// `block.timestamp >= closesAt` (a claim booked at closesAt goes to the next round), and `clearRestitution(member,
// closesAt)` counts a pending slash with `orderedAt <= closesAt`: a slash ordered at exactly closesAt holds the round
// (conservative: it belongs to the next round, whose close is later, so that round waits for it too). Within the
// block at closesAt, a settlement ordered before the slash settles without it, which is the same rule: at closesAt
// the round is closed, and the slash's funds go to the next round, which counts it.
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
import { TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const RESOLUTION_BLOCKS = 200;

describe("issue 16c: a slash ordered at exactly a round's close", function () {
  this.timeout(600_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16c-boundary-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  async function setup(moduleId: string) {
    const f = await elConsortium(connection, { slashResolutionDelayBlocks: RESOLUTION_BLOCKS, moduleId });
    const { snap, t } = await f.snapshot(join(workDir, moduleId), Wallet.createRandom().address);
    await f.commitAndAttest(snap, t);
    const args = await f.fraudArgs(snap);
    await f.ledger.connect(f.member).requestProof(f.member.address, t - 1n);
    const requestId = await f.ledger.requestCount();
    await f.adjudicator.connect(f.prover).proveFraud(...args);
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      f.member.address,
      args[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    // Round 1's own slash clears before the close.
    await f.el.mine(RESOLUTION_BLOCKS);
    await f.source.clearRestitution(f.member.address, booked.closesAt);
    expect(await f.source.pendingSlashesOf(f.member.address)).to.deep.equal([]);
    const terms = { asset: TOKEN_ASSET_ID, claim: snap.victimBalance, round: 1, payoutHash: args[0].payoutHash };
    return { f, snap, args, requestId, closesAt: booked.closesAt, terms };
  }

  it("defence: a slash ordered at orderedAt == closesAt holds the round until it clears; then the victim is paid in full", async function () {
    const { f, snap, args, requestId, closesAt, terms } = await setup("Issue16cBoundaryEq");
    await time.setNextBlockTimestamp(closesAt);
    await f.adjudicator.connect(f.attacker).reportMissedDeadline(requestId);
    const [slashId] = await f.source.pendingSlashesOf(f.member.address);
    expect((await f.source.executedSlash(slashId)).orderedAt).to.equal(closesAt);
    await expect(f.adjudicator.settleRound(f.member.address, f.token, 1))
      .to.be.revertedWithCustomError(f.adjudicator, "RestitutionAwaitingSlashedFunds")
      .withArgs(f.member.address, f.token, 1, 1);
    await f.el.mine(RESOLUTION_BLOCKS);
    const payout = snap.victimPayout!;
    await f.adjudicator.payClaim(f.member.address, args[0].nullifier, terms, payout.address, payout.salt);
    expect(await f.el.token.balanceOf(payout.address)).to.equal(snap.victimBalance);
  });

  it("defence: in the block at closesAt a settlement before the slash settles without it (the slash is after the close)", async function () {
    const { f, snap, args, requestId, closesAt, terms } = await setup("Issue16cBoundarySameBlock");
    const payout = snap.victimPayout!;
    await connection.provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      await time.setNextBlockTimestamp(closesAt);
      const pay = await f.adjudicator.payClaim(
        f.member.address,
        args[0].nullifier,
        terms,
        payout.address,
        payout.salt,
        { gasLimit: 2_000_000n },
      );
      const lapse = await f.adjudicator.connect(f.attacker).reportMissedDeadline(requestId, { gasLimit: 2_000_000n });
      await connection.provider.request({ method: "evm_mine", params: [] });
      const [a, b] = [await pay.wait(), await lapse.wait()];
      expect(a!.blockNumber).to.equal(b!.blockNumber);
    } finally {
      await connection.provider.request({ method: "evm_setAutomine", params: [true] });
    }
    expect((await f.adjudicator.roundOf(f.member.address, f.token, 1)).settled).to.equal(true);
    expect(await f.el.token.balanceOf(payout.address)).to.equal(snap.victimBalance);
    // The slash at closesAt is pending for whatever round comes next.
    const [slashId] = await f.source.pendingSlashesOf(f.member.address);
    expect((await f.source.executedSlash(slashId)).orderedAt).to.equal(closesAt);
  });
});
