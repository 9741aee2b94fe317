// Issue 16: the member -> operator binding of EigenLayerStakeSource, attacked. Real contracts through the Ignition
// module over the TEST-ONLY EigenLayer stand-ins (test/contracts/stake-fixtures.ts `eigenLayerStake`).
import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import type { EigenLayerStakeSource } from "../../types/ethers-contracts/index.js";
import { eigenLayerStake } from "../contracts/stake-fixtures.js";

const connection = await network.create();
const { networkHelpers } = connection;
const E18 = 10n ** 18n;
const encodeMember = (address: string) => AbiCoder.defaultAbiCoder().encode(["address"], [address]);

async function fixture() {
  const f = await eigenLayerStake(connection);
  return { ...f, source: f.source as EigenLayerStakeSource };
}

describe("issue 16: EigenLayer operator binding", function () {
  // Was an EXPLOIT (fixed): approveOperator needed no consent of the operator, so any operating member could
  // front-run a new member's approveOperator(O) and hold O; the victim could not bind the operator its stakers
  // delegated to. Now only the operator's registration (naming the member) binds it.
  it("lets a member bind the operator it names, whatever another member approved first", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [victim, squatter] = f.members;
    const operator = f.outsider;
    // The squatter sees the victim's approveOperator(operator) in the mempool and goes first.
    await f.source.connect(squatter).approveOperator(operator.address);
    await f.source.connect(victim).approveOperator(operator.address);
    expect((await f.source.operatorOf(victim.address)).operator).to.equal(operator.address);
  });

  it("defence: the squatter gains nothing: the operator registers for the victim, and a slash of the squatter never touches it", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [victim, squatter] = f.members;
    await f.source.connect(squatter).approveOperator(victim.address);
    // The victim is its own operator: it approves itself and registers naming itself (its consent).
    await f.addStake(victim, 5n * E18);
    expect(await f.source.memberOf(victim.address)).to.equal(victim.address);
    expect(await f.source.stakeOf(squatter.address)).to.equal(0n);
    expect((await f.source.operatorOf(squatter.address)).registered).to.equal(false);
    // A slash ordered for the squatter finds no operator of its own: deferred, the victim's allocation untouched.
    await expect(f.source.connect(f.adjudicator).slash(squatter.address, 5_000, f.prover.address)).to.emit(
      f.source,
      "SlashDeferred",
    );
    expect(await f.source.stakeOf(victim.address)).to.equal(5n * E18);
  });

  it("defence: only the AllocationManager calls the registrar back", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a] = f.members;
    await f.source.connect(a).approveOperator(a.address);
    await expect(
      f.source.connect(a).registerOperator(a.address, await f.source.getAddress(), [1], encodeMember(a.address)),
    ).to.be.revertedWithCustomError(f.source, "EigenLayerNotAllocationManager");
    await expect(
      f.source.connect(a).deregisterOperator(a.address, await f.source.getAddress(), [1]),
    ).to.be.revertedWithCustomError(f.source, "EigenLayerNotAllocationManager");
  });

  it("defence: an operator registers only for the member that approved it, and serves one member", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a, b] = f.members;
    await f.addStake(a, 5n * E18);
    // B's operator (B itself) tries to register naming A: A approved another operator.
    const set = { avs: await f.source.getAddress(), id: await f.source.operatorSetId() };
    await expect(
      f.el.stakeAndAllocate({
        operator: b,
        operatorDeposit: E18,
        operatorSet: set,
        registrationData: encodeMember(a.address),
      }),
    ).to.be.revertedWithCustomError(f.source, "EigenLayerOperatorNotApproved");
    // B cannot name A's registered operator to count A's stake twice.
    await expect(f.source.connect(b).approveOperator(a.address))
      .to.be.revertedWithCustomError(f.source, "EigenLayerOperatorTaken")
      .withArgs(a.address, a.address);
  });

  it("defence: leaving the set does not escape a slash: the operator stays slashable and bound for DEALLOCATION_DELAY", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a] = f.members;
    await f.addStake(a, 10n * E18);
    const set = { avs: await f.source.getAddress(), id: await f.source.operatorSetId() };
    // The cheater sees the fraud proof coming: its operator leaves and it tries to switch to a fresh operator.
    await f.el.allocationManager
      .connect(a)
      .deregisterFromOperatorSets({ operator: a.address, avs: set.avs, operatorSetIds: [set.id] });
    expect(await f.source.stakeOf(a.address)).to.equal(0n);
    await expect(f.source.connect(a).approveOperator(f.outsider.address))
      .to.be.revertedWithCustomError(f.source, "EigenLayerOperatorStillBound")
      .withArgs(a.address, a.address);
    // The slash still takes half the allocation into A's pool (less the bounty).
    const source = f.source.connect(f.adjudicator);
    await expect(source.slash(a.address, 5_000, f.prover.address)).to.emit(f.source, "OperatorSlashOrdered");
    expect(await f.source.restitutionOf(a.address, f.poolToken)).to.equal(45n * 10n ** 17n);
    expect(await f.el.token.balanceOf(f.prover.address)).to.equal(5n * 10n ** 17n);
    const t = await f.source.totals(f.poolToken);
    expect(t.cleared).to.equal(t.released + t.bountyPaid + t.unclaimedBounty + 45n * 10n ** 17n);
  });

  it("defence: a refused slash is kept and a refused retry keeps it; a starved slash reverts instead of deferring", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a, b] = f.members;
    // No operator: deferred, counted for reputation.
    const source = f.source.connect(f.adjudicator);
    await expect(source.slash(a.address, 5_000, f.prover.address)).to.emit(f.source, "SlashDeferred");
    expect((await f.source.stakeHistoryOf(a.address)).slashCount).to.equal(1n);
    await expect(f.source.retrySlash(1)).to.be.revertedWithCustomError(f.source, "EigenLayerSlashRefused");
    expect((await f.source.deferredSlash(1)).member).to.equal(a.address);
    // Starving the slash of gas never records it as refused.
    await f.addStake(b, 10n * E18);
    const gas = await source.slash.estimateGas(b.address, 5_000, f.prover.address);
    let starved = false;
    for (const limit of [gas / 2n, (gas * 2n) / 3n, (gas * 3n) / 4n, (gas * 9n) / 10n]) {
      try {
        await source.slash(b.address, 5_000, f.prover.address, { gasLimit: limit });
      } catch {
        starved = true;
      }
    }
    expect(starved).to.equal(true);
    expect(await f.source.deferredSlashCount()).to.equal(1n);
  });
});
