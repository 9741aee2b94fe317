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
import { MemberStatus } from "../helpers/enums.js";
import { elConsortium } from "./issue16-fixture.js";

const connection = await network.create();

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

  // Was an EXPLOIT (fixed): the member's operator deregistered (its own call), waited DEALLOCATION_DELAY, and the
  // still-Active member committed a set omitting bob's 1.5 TETH; the quorum attested it, the fraud proof only deferred
  // a slash of nothing and bob was paid 0. Now the commit is refused below the member's minimum stake.
  it("refuses commitments of, or lets anyone eject, a member whose stake left without a slash", async function () {
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
    // Fixed: a member below its minimum stake weight commits nothing (the registry's commit terms refuse it).
    expect(await registry.canCommit(member.address)).to.equal(false);
    const victimPayout = Wallet.createRandom().address;
    const { snap, t } = await f.snapshot(join(workDir, "snap"), victimPayout);
    await expect(f.ledger.connect(member).commit(t, [snap.commitment]))
      .to.be.revertedWithCustomError(registry, "ConsortiumRegistryInsufficientCollateral")
      .withArgs(member.address, 0n, 10n ** 18n);
    // Nor can it be ejected by anyone for it (only a slash makes a member ejectable); governance can.
    await expect(adjudicator.ejectUndercollateralized(member.address)).to.be.revertedWithCustomError(
      adjudicator,
      "AdjudicatorNotEjectable",
    );
    expect((await f.ledger.setOf(member.address, t)).status).to.equal(0n);
  });
});
