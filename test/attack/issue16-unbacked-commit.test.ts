// Issue 16 attack: under the native vault an Active member cannot take its collateral below its minimum
// (CollateralVaultBelowMinimum) and keeps committing; under EigenLayer its operator may leave the set (or deallocate)
// at any time ("either side may leave"), the member stays Active, `canCommit` only checks the status, and
// `ejectUndercollateralized` refuses anyone without a slash. After DEALLOCATION_DELAY the member commits an omission
// fraud with NOTHING slashable behind it, the co-signers attest it Solvent, the real fraud proof books the victim's
// claim and the slash is merely deferred (OperatorNotSlashable): the victim is paid 0.
// Real contracts (Ignition module), real quorum attestation, real Groth16 proof.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { MemberStatus, SetStatus } from "../helpers/enums.js";
import { TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

describe("issue 16: an Active member commits with no restaked stake behind it", function () {
  this.timeout(300_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16-unbacked-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  // EXPLOIT: the member's operator deregisters (its own call), waits DEALLOCATION_DELAY, and the still-Active member
  // commits a set omitting bob's 1.5 TETH; the quorum attests it, the fraud proof only defers a slash of nothing and
  // bob is paid 0 (the member's 10 TETH restaked stake, 5 TETH of which a fraud proof should take, are gone).
  it.skip("refuses commitments of, or lets anyone eject, a member whose stake left without a slash", async function () {
    const f = await elConsortium(connection, { moduleId: "Issue16Unbacked" });
    const { member, source, registry, adjudicator, el, set } = f;
    expect(await source.stakeOf(member.address)).to.equal(10n * 10n ** 18n);

    // The operator leaves the set: nothing in the consortium refuses or notices it.
    await el.allocationManager
      .connect(member)
      .deregisterFromOperatorSets({ operator: member.address, avs: set.avs, operatorSetIds: [set.id] });
    await el.mine((await el.allocationManager.DEALLOCATION_DELAY()) + 1n);
    expect(await el.allocationManager.isOperatorSlashable(member.address, set)).to.equal(false);
    expect(await source.stakeOf(member.address)).to.equal(0n);
    expect(await registry.meetsMinCollateral(member.address)).to.equal(false);
    expect(await registry.statusOf(member.address)).to.equal(MemberStatus.Active);
    expect(await registry.canCommit(member.address)).to.equal(true);
    // Nobody can eject it: only a slash makes a member ejectable.
    await expect(adjudicator.ejectUndercollateralized(member.address)).to.be.revertedWithCustomError(
      adjudicator,
      "AdjudicatorNotEjectable",
    );

    // It commits the doctored set and the honest co-signers attest it (they cannot see the omission).
    const victimPayout = Wallet.createRandom().address;
    const { snap, t } = await f.snapshot(join(workDir, "snap"), victimPayout);
    await f.commitAndAttest(snap, t);
    expect((await f.ledger.setOf(member.address, t)).status).to.equal(SetStatus.Finalized);

    // Bob's real fraud proof: accepted, claim booked, but the slash is deferred and takes nothing.
    const args = await f.fraudArgs(snap);
    await expect(adjudicator.connect(f.prover).proveFraud(...args)).to.emit(source, "SlashDeferred");
    expect(await source.restitutionOf(member.address, f.token)).to.equal(0n);
    const booked = await bookedClaim(
      ethers.provider,
      await adjudicator.getAddress(),
      member.address,
      args[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    await time.increaseTo(booked.closesAt);
    const terms = { asset: TOKEN_ASSET_ID, claim: snap.victimBalance, round: 1, payoutHash: args[0].payoutHash };
    const payout = snap.victimPayout!;
    await adjudicator.payClaim(member.address, args[0].nullifier, terms, payout.address, payout.salt);
    // What a member with its minimum collateral (1 TETH) bonded would have paid: > 0.
    expect(await el.token.balanceOf(victimPayout)).to.be.greaterThan(0n);
  });
});
