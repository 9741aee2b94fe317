import { expect } from "chai";
import { network } from "hardhat";

import type { CollateralVault, TestToken } from "../../types/ethers-contracts/index.js";
import {
  BOUNTY_SHARE_BPS,
  TOKEN_WEIGHT,
  UNBONDING_DELAY,
  deployConsortium,
  deployWithActiveMember,
  deployWithProbationMember,
} from "./consortium-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const ETH = "0x0000000000000000000000000000000000000000";
const ONE = 10n ** 18n;

async function base() {
  return deployConsortium({ ethers, networkHelpers, ignition });
}
async function probation() {
  return deployWithProbationMember({ ethers, networkHelpers, ignition });
}
/** Active member with 2 ETH, plus 1000 TUSD (6 decimals) deposited. */
async function funded() {
  const f = await deployWithActiveMember({ ethers, networkHelpers, ignition });
  const tokenAddress = await f.token.getAddress();
  await f.token.mint(f.member.address, 10_000n * 10n ** 6n);
  await f.token.connect(f.member).approve(await f.vault.getAddress(), 1_000n * 10n ** 6n);
  await f.vault.connect(f.member).deposit(f.member.address, tokenAddress, 1_000n * 10n ** 6n);
  return { ...f, tokenAddress };
}
/** `funded`, plus `other` applied (Applied members may deposit) with 3 ETH of its own. */
async function twoMembers() {
  const f = await funded();
  await f.registry.connect(f.other).applyForMembership("0x" + "02".repeat(32));
  await f.vault.connect(f.other).deposit(f.other.address, ETH, 3n * ONE, { value: 3n * ONE });
  return f;
}

/** Everyone who could hold collateral or a pool in these tests (the fixture's signers): the sums below run over them. */
const holders = (await ethers.getSigners()).slice(0, 8).map((s) => s.address);

/**
 * The vault's books of `token` against what it actually holds, summing the members' positions (the vault keeps no
 * per-token total of balances or pools): the holding is exactly balances + pending + pools + unclaimed bounty; every
 * deposit is in a balance, a pending withdrawal, withdrawn, or slashed; and everything slashed is bounty (pushed,
 * given; or credited) + restitution held + released. `slashed` is what the test slashed (the vault no longer derives
 * it).
 */
async function expectConserved(
  vault: CollateralVault,
  tokenAddress: string,
  { slashed = 0n, pushedBounty = 0n, token }: { slashed?: bigint; pushedBounty?: bigint; token?: TestToken },
): Promise<void> {
  const vaultAddress = await vault.getAddress();
  const holding = token ? await token.balanceOf(vaultAddress) : await ethers.provider.getBalance(vaultAddress);
  const t = await vault.totals(tokenAddress);
  let balances = 0n;
  let pending = 0n;
  let pools = 0n;
  for (const holder of holders) {
    balances += await vault.balanceOf(holder, tokenAddress);
    pending += (await vault.pendingOf(holder, tokenAddress)).amount;
    pools += await vault.restitutionOf(holder, tokenAddress);
  }
  expect(t.pending).to.equal(pending);
  expect(holding).to.equal(balances + pending + pools + t.unclaimedBounty);
  expect(t.deposited).to.equal(balances + pending + t.withdrawn + slashed);
  // Claimed credits left the vault like pushed bounties; `pushedBounty` counts both.
  expect(slashed).to.equal(pushedBounty + t.unclaimedBounty + pools + t.released);
}

/** The storage slot of `_positions[member][token]` (mapping at slot 1). */
function positionSlot(member: string, token: string): string {
  const coder = ethers.AbiCoder.defaultAbiCoder();
  const inner = ethers.keccak256(coder.encode(["address", "uint256"], [member, 1n]));
  return ethers.keccak256(coder.encode(["address", "bytes32"], [token, inner]));
}

describe("CollateralVault", function () {
  describe("constructor", function () {
    it("reverts with CollateralVaultZeroAddress, CollateralVaultInvalidBps and CollateralVaultWeightTooLarge", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("CollateralVault");
      await expect(factory.deploy(ETH, a.address, ONE, 0)).to.be.revertedWithCustomError(
        factory,
        "CollateralVaultZeroAddress",
      );
      await expect(factory.deploy(a.address, ETH, ONE, 0)).to.be.revertedWithCustomError(
        factory,
        "CollateralVaultZeroAddress",
      );
      await expect(factory.deploy(a.address, a.address, ONE, 10_001))
        .to.be.revertedWithCustomError(factory, "CollateralVaultInvalidBps")
        .withArgs(10_001);
      await expect(factory.deploy(a.address, a.address, 2n ** 96n, 0))
        .to.be.revertedWithCustomError(factory, "CollateralVaultWeightTooLarge")
        .withArgs(2n ** 96n);
    });
    it("starts without an adjudicator: nobody can slash, count or release until governance sets one", async function () {
      const [a, b] = await ethers.getSigners();
      const vault = await ethers.deployContract("CollateralVault", [a.address, a.address, 2n ** 96n - 1n, 10_000]);
      expect(await vault.adjudicator()).to.equal(ETH);
      expect(await vault.tokenWeight(ETH)).to.equal(2n ** 96n - 1n);
      expect(await vault.registry()).to.equal(a.address);
      for (const caller of [a, b]) {
        await expect(vault.connect(caller).slash(b.address, 1, ETH))
          .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
          .withArgs(caller.address);
        await expect(vault.connect(caller).countSlash(b.address))
          .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
          .withArgs(caller.address);
        await expect(vault.connect(caller).releaseRestitution(b.address, ETH, b.address, 1n))
          .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
          .withArgs(caller.address);
      }
    });
  });

  describe("deposit", function () {
    it("credits ETH and an approved token and weighs the stake", async function () {
      const { vault, member, tokenAddress } = await networkHelpers.loadFixture(funded);
      expect(await vault.balanceOf(member.address, ETH)).to.equal(2n * ONE);
      expect(await vault.balanceOf(member.address, tokenAddress)).to.equal(1_000n * 10n ** 6n);
      expect(await vault.stakeOf(member.address)).to.equal(2n * ONE + (1_000n * 10n ** 6n * TOKEN_WEIGHT) / ONE);
      // [deposited, pending, withdrawn, unclaimedBounty, released]: no per-token balance any more.
      expect(await vault.totals(ETH)).to.deep.equal([2n * ONE, 0n, 0n, 0n, 0n]);
      expect(await vault.totals(tokenAddress)).to.deep.equal([1_000n * 10n ** 6n, 0n, 0n, 0n, 0n]);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(0n);
    });
    it("lets anyone top up a member and emits CollateralDeposited", async function () {
      const { vault, member, other } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(other).deposit(member.address, ETH, 5n, { value: 5n }))
        .to.emit(vault, "CollateralDeposited")
        .withArgs(member.address, ETH, other.address, 5n);
    });
    it("reverts with CollateralVaultZeroAmount", async function () {
      const { vault, member } = await networkHelpers.loadFixture(probation);
      await expect(vault.connect(member).deposit(member.address, ETH, 0)).to.be.revertedWithCustomError(
        vault,
        "CollateralVaultZeroAmount",
      );
    });
    it("reverts with CollateralVaultValueMismatch for ETH and for a token with value", async function () {
      const { vault, member, token } = await networkHelpers.loadFixture(probation);
      await expect(vault.connect(member).deposit(member.address, ETH, 10n, { value: 9n }))
        .to.be.revertedWithCustomError(vault, "CollateralVaultValueMismatch")
        .withArgs(10n, 9n);
      await expect(vault.connect(member).deposit(member.address, await token.getAddress(), 10n, { value: 1n }))
        .to.be.revertedWithCustomError(vault, "CollateralVaultValueMismatch")
        .withArgs(10n, 1n);
    });
    it("reverts with CollateralVaultTokenNotApproved for an unapproved or disabled token", async function () {
      const { vault, member, governance } = await networkHelpers.loadFixture(probation);
      const stray = await ethers.deployContract("TestToken", ["Stray", "STR", 18]);
      await expect(vault.connect(member).deposit(member.address, await stray.getAddress(), 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultTokenNotApproved")
        .withArgs(await stray.getAddress());
      await vault.connect(governance).setTokenWeight(ETH, 0n);
      await expect(vault.connect(member).deposit(member.address, ETH, 1n, { value: 1n })).to.be.revertedWithCustomError(
        vault,
        "CollateralVaultTokenNotApproved",
      );
    });
    it("reverts with CollateralVaultNotMember for a non-member or an ejected member", async function () {
      const { vault, registry, member, other, adjudicator } = await networkHelpers.loadFixture(probation);
      await expect(vault.connect(other).deposit(other.address, ETH, 1n, { value: 1n }))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNotMember")
        .withArgs(other.address);
      await registry.connect(adjudicator).eject(member.address);
      await expect(vault.connect(member).deposit(member.address, ETH, 1n, { value: 1n }))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNotMember")
        .withArgs(member.address);
    });
    it("reverts with SafeCastOverflowedUintDowncast for a deposit that does not fit in 128 bits", async function () {
      const { vault, member, token } = await networkHelpers.loadFixture(probation);
      await token.mint(member.address, 2n ** 128n);
      await token.connect(member).approve(await vault.getAddress(), 2n ** 128n);
      await expect(vault.connect(member).deposit(member.address, await token.getAddress(), 2n ** 128n))
        .to.be.revertedWithCustomError(vault, "SafeCastOverflowedUintDowncast")
        .withArgs(128, 2n ** 128n);
    });
    it("reverts with ERC20InsufficientAllowance without approval", async function () {
      const { vault, member, token } = await networkHelpers.loadFixture(probation);
      await token.mint(member.address, 10n);
      await expect(
        vault.connect(member).deposit(member.address, await token.getAddress(), 10n),
      ).to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance");
    });
  });

  describe("requestWithdrawal, cancelWithdrawal, withdraw", function () {
    it("pays out after the unbonding delay, not before", async function () {
      const { vault, member } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(member).requestWithdrawal(ETH, ONE)).to.emit(vault, "WithdrawalRequested");
      const pending = await vault.pendingOf(member.address, ETH);
      expect(pending.amount).to.equal(ONE);
      expect(pending.executableAt).to.equal(BigInt(await networkHelpers.time.latest()) + UNBONDING_DELAY);
      await expect(vault.connect(member).withdraw(ETH))
        .to.be.revertedWithCustomError(vault, "CollateralVaultWithdrawalLocked")
        .withArgs(member.address, ETH, pending.executableAt);
      await networkHelpers.time.increaseTo(pending.executableAt);
      await expect(vault.connect(member).withdraw(ETH)).to.changeEtherBalances(ethers, [member, vault], [ONE, -ONE]);
      const totals = await vault.totals(ETH);
      expect(totals.withdrawn).to.equal(ONE);
      expect(totals.pending).to.equal(0n);
    });
    it("restarts the delay when a pending withdrawal grows", async function () {
      const { vault, member, tokenAddress } = await networkHelpers.loadFixture(funded);
      await vault.connect(member).requestWithdrawal(tokenAddress, 100n);
      await networkHelpers.time.increase(UNBONDING_DELAY - 10n);
      await vault.connect(member).requestWithdrawal(tokenAddress, 50n);
      const pending = await vault.pendingOf(member.address, tokenAddress);
      expect(pending.amount).to.equal(150n);
      await networkHelpers.time.increase(20n);
      await expect(vault.connect(member).withdraw(tokenAddress)).to.be.revertedWithCustomError(
        vault,
        "CollateralVaultWithdrawalLocked",
      );
    });
    it("returns a cancelled withdrawal to the balance", async function () {
      const { vault, member, tokenAddress, token } = await networkHelpers.loadFixture(funded);
      await vault.connect(member).requestWithdrawal(tokenAddress, 100n);
      await expect(vault.connect(member).cancelWithdrawal(tokenAddress))
        .to.emit(vault, "WithdrawalCancelled")
        .withArgs(member.address, tokenAddress, 100n);
      expect(await vault.balanceOf(member.address, tokenAddress)).to.equal(1_000n * 10n ** 6n);
      await expect(vault.connect(member).cancelWithdrawal(tokenAddress))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNoPendingWithdrawal")
        .withArgs(member.address, tokenAddress);
      expect(await token.balanceOf(await vault.getAddress())).to.equal(1_000n * 10n ** 6n);
    });
    it("reverts with CollateralVaultBelowMinimum when an Active member would drop below its minimum", async function () {
      const { vault, member } = await networkHelpers.loadFixture(funded);
      // 2 ETH + 1000 TUSD * 0.5 weight; minimum 1 ETH of weight.
      const stake = await vault.stakeOf(member.address);
      await expect(vault.connect(member).requestWithdrawal(ETH, 2n * ONE))
        .to.be.revertedWithCustomError(vault, "CollateralVaultBelowMinimum")
        .withArgs(member.address, stake - 2n * ONE, ONE);
      await expect(vault.connect(member).requestWithdrawal(ETH, ONE)).to.emit(vault, "WithdrawalRequested");
    });
    it("lets an exiting member withdraw everything", async function () {
      const { vault, registry, member } = await networkHelpers.loadFixture(funded);
      await registry.connect(member).requestExit();
      await expect(vault.connect(member).requestWithdrawal(ETH, 2n * ONE)).to.emit(vault, "WithdrawalRequested");
    });
    it("reverts with CollateralVaultInsufficientBalance and CollateralVaultZeroAmount", async function () {
      const { vault, member } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(member).requestWithdrawal(ETH, 3n * ONE))
        .to.be.revertedWithCustomError(vault, "CollateralVaultInsufficientBalance")
        .withArgs(member.address, ETH, 2n * ONE, 3n * ONE);
      await expect(vault.connect(member).requestWithdrawal(ETH, 0n)).to.be.revertedWithCustomError(
        vault,
        "CollateralVaultZeroAmount",
      );
    });
    it("reverts with CollateralVaultNoPendingWithdrawal when nothing is pending", async function () {
      const { vault, member } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(member).withdraw(ETH))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNoPendingWithdrawal")
        .withArgs(member.address, ETH);
    });
    it("reverts with CollateralVaultEthTransferFailed when the member refuses ETH", async function () {
      const { vault, registry, auditor, governance } = await networkHelpers.loadFixture(base);
      const wallet = await ethers.deployContract("TestRejectingReceiver");
      const addr = await wallet.getAddress();
      await wallet.execute(
        await registry.getAddress(),
        registry.interface.encodeFunctionData("applyForMembership", [ethers.ZeroHash]),
      );
      await registry.connect(auditor).approveGenesis(addr, "0x" + "ab".repeat(32));
      await vault.connect(governance).deposit(addr, ETH, 5n, { value: 5n });
      await wallet.execute(
        await vault.getAddress(),
        vault.interface.encodeFunctionData("requestWithdrawal", [ETH, 5n]),
      );
      await networkHelpers.time.increase(UNBONDING_DELAY);
      await expect(wallet.execute(await vault.getAddress(), vault.interface.encodeFunctionData("withdraw", [ETH])))
        .to.be.revertedWithCustomError(vault, "CollateralVaultEthTransferFailed")
        .withArgs(addr, 5n);
    });
  });

  describe("slash", function () {
    it("takes bps of balances and pending withdrawals, pays the bounty and keeps the rest in the member's pool", async function () {
      const { vault, member, other, adjudicator, prover, token, tokenAddress } =
        await networkHelpers.loadFixture(funded);
      await vault.connect(member).requestWithdrawal(ETH, ONE / 2n);
      const bps = 3_333n;
      const fromBalance = ((2n * ONE - ONE / 2n) * bps) / 10_000n;
      const fromPending = ((ONE / 2n) * bps) / 10_000n;
      const taken = fromBalance + fromPending;
      const bounty = (taken * BOUNTY_SHARE_BPS) / 10_000n;
      const vaultAddress = await vault.getAddress();
      const tokenHeld = await token.balanceOf(vaultAddress);
      const tx = vault.connect(adjudicator).slash(member.address, bps, prover.address);
      await expect(tx)
        .to.emit(vault, "CollateralSlashed")
        .withArgs(member.address, ETH, fromBalance, fromPending, bounty, taken - bounty, prover.address);
      // No money moves to another contract: only the bounty leaves the vault.
      await expect(tx).to.changeEtherBalances(ethers, [vault, prover, adjudicator], [-bounty, bounty, 0n]);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(taken - bounty);
      const tokenTaken = (1_000n * 10n ** 6n * bps) / 10_000n;
      const tokenBounty = (tokenTaken * BOUNTY_SHARE_BPS) / 10_000n;
      expect(await token.balanceOf(prover.address)).to.equal(tokenBounty);
      expect(await token.balanceOf(vaultAddress)).to.equal(tokenHeld - tokenBounty);
      expect(await vault.restitutionOf(member.address, tokenAddress)).to.equal(tokenTaken - tokenBounty);
      // Nobody else's pool (the pools are the member's own, per token).
      expect(await vault.restitutionOf(other.address, ETH)).to.equal(0n);
      expect(await vault.restitutionOf(prover.address, ETH)).to.equal(0n);
      expect((await vault.pendingOf(member.address, ETH)).amount).to.equal(ONE / 2n - fromPending);
      expect((await vault.totals(ETH)).pending).to.equal(ONE / 2n - fromPending);
      await expectConserved(vault, ETH, { slashed: taken, pushedBounty: bounty });
      await expectConserved(vault, tokenAddress, { slashed: tokenTaken, pushedBounty: tokenBounty, token });
    });
    it("adds every further slash to the same pool and never takes a member below zero", async function () {
      const { vault, member, adjudicator, prover } = await networkHelpers.loadFixture(funded);
      let pushed = 0n;
      for (const bps of [10_000n, 5_000n, 10_000n]) {
        const before = await vault.balanceOf(member.address, ETH);
        const taken = (before * bps) / 10_000n;
        pushed += (taken * BOUNTY_SHARE_BPS) / 10_000n;
        await vault.connect(adjudicator).slash(member.address, Number(bps), prover.address);
        expect(await vault.balanceOf(member.address, ETH)).to.equal(before - taken);
      }
      expect(await vault.balanceOf(member.address, ETH)).to.equal(0n);
      expect(await vault.stakeOf(member.address)).to.equal(0n);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE - pushed);
      expect((await vault.stakeHistoryOf(member.address)).slashCount).to.equal(3n);
      await expectConserved(vault, ETH, { slashed: 2n * ONE, pushedBounty: pushed });
    });
    it("returns the slashed weight", async function () {
      const { vault, member, adjudicator, prover } = await networkHelpers.loadFixture(funded);
      const before = await vault.stakeOf(member.address);
      const weight = await vault.connect(adjudicator).slash.staticCall(member.address, 10_000, prover.address);
      expect(weight).to.equal(before);
      await vault.connect(adjudicator).slash(member.address, 10_000, prover.address);
      expect(await vault.stakeOf(member.address)).to.equal(0n);
    });
    it("keeps everything in the member's pool when the bounty recipient is zero (no ETH leaves the vault)", async function () {
      const { vault, member, adjudicator } = await networkHelpers.loadFixture(funded);
      const tx = vault.connect(adjudicator).slash(member.address, 10_000, ETH);
      await expect(tx).to.changeEtherBalances(ethers, [vault, adjudicator], [0n, 0n]);
      await expect(tx)
        .to.emit(vault, "CollateralSlashed")
        .withArgs(member.address, ETH, 2n * ONE, 0n, 0n, 2n * ONE, ETH);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
      expect((await vault.totals(ETH)).released).to.equal(0n);
      await expectConserved(vault, ETH, { slashed: 2n * ONE });
    });
    it("fills each member's own pool: one member's slash never reaches another's pool", async function () {
      const { vault, member, other, adjudicator, prover } = await networkHelpers.loadFixture(twoMembers);
      await vault.connect(adjudicator).slash(other.address, 5_000, prover.address);
      const otherTaken = (3n * ONE) / 2n;
      const otherPool = otherTaken - (otherTaken * BOUNTY_SHARE_BPS) / 10_000n;
      expect(await vault.restitutionOf(other.address, ETH)).to.equal(otherPool);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(0n);
      await vault.connect(adjudicator).slash(member.address, 2_500, ETH);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(ONE / 2n);
      expect(await vault.restitutionOf(other.address, ETH)).to.equal(otherPool);
      const otherBounty = (otherTaken * BOUNTY_SHARE_BPS) / 10_000n;
      await expectConserved(vault, ETH, { slashed: otherTaken + ONE / 2n, pushedBounty: otherBounty });
    });
    it("credits a bounty the recipient refuses, and lets it be claimed later", async function () {
      const { vault, member, adjudicator, tokenAddress, token } = await networkHelpers.loadFixture(funded);
      const refuser = await ethers.deployContract("TestRejectingReceiver");
      const addr = await refuser.getAddress();
      await token.setBlocked(addr, true);
      const ethBounty = (2n * ONE * BOUNTY_SHARE_BPS) / 10_000n;
      const slash = vault.connect(adjudicator).slash(member.address, 10_000, addr);
      await expect(slash).to.emit(vault, "BountyCredited").withArgs(addr, ETH, ethBounty);
      await expect(slash).to.changeEtherBalance(ethers, vault, 0n);
      expect(await vault.bountyOf(addr, ETH)).to.equal(ethBounty);
      expect((await vault.totals(ETH)).unclaimedBounty).to.equal(ethBounty);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE - ethBounty);
      // The refused bounty is not the refuser's pool either.
      expect(await vault.restitutionOf(addr, ETH)).to.equal(0n);
      expect(await vault.bountyOf(addr, tokenAddress)).to.be.greaterThan(0n);
      await expectConserved(vault, ETH, { slashed: 2n * ONE });
      await expectConserved(vault, tokenAddress, { slashed: 1_000n * 10n ** 6n, token });
      await refuser.setRejecting(false);
      const claim = refuser.execute(await vault.getAddress(), vault.interface.encodeFunctionData("claimBounty", [ETH]));
      await expect(claim).to.changeEtherBalances(ethers, [vault, refuser], [-ethBounty, ethBounty]);
      await expect(claim).to.emit(vault, "BountyClaimed").withArgs(addr, ETH, ethBounty);
      expect((await vault.totals(ETH)).unclaimedBounty).to.equal(0n);
      await expectConserved(vault, ETH, { slashed: 2n * ONE, pushedBounty: ethBounty });
      await expect(refuser.execute(await vault.getAddress(), vault.interface.encodeFunctionData("claimBounty", [ETH])))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNoBounty")
        .withArgs(addr, ETH);
    });
    it("reverts with CollateralVaultNotAdjudicator for anyone but the adjudicator (governance included)", async function () {
      const { vault, member, governance } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(governance).slash(member.address, 100, governance.address))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
        .withArgs(governance.address);
      await expect(vault.connect(member).slash(member.address, 100, member.address))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
        .withArgs(member.address);
      await expect(vault.connect(governance).countSlash(member.address))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
        .withArgs(governance.address);
      expect(await vault.balanceOf(member.address, ETH)).to.equal(2n * ONE);
    });
    it("reverts with CollateralVaultInvalidBps for 0 and above 10000", async function () {
      const { vault, member, adjudicator } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(adjudicator).slash(member.address, 0, adjudicator.address))
        .to.be.revertedWithCustomError(vault, "CollateralVaultInvalidBps")
        .withArgs(0);
      await expect(vault.connect(adjudicator).slash(member.address, 10_001, adjudicator.address))
        .to.be.revertedWithCustomError(vault, "CollateralVaultInvalidBps")
        .withArgs(10_001);
    });
    it("slashes nothing and returns zero for a member without collateral", async function () {
      const { vault, member, other, adjudicator } = await networkHelpers.loadFixture(funded);
      expect(await vault.connect(adjudicator).slash.staticCall(other.address, 5_000, adjudicator.address)).to.equal(0n);
      await expect(vault.connect(adjudicator).slash(other.address, 5_000, adjudicator.address)).not.to.emit(
        vault,
        "CollateralSlashed",
      );
      expect(await vault.restitutionOf(other.address, ETH)).to.equal(0n);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(0n);
    });
  });

  describe("releaseRestitution", function () {
    /** The funded member slashed in full with no bounty: 2 ETH and 1000 TUSD in its pool. */
    async function pooled() {
      const f = await funded();
      await f.vault.connect(f.adjudicator).slash(f.member.address, 10_000, ETH);
      return f;
    }
    /** `pooled`, plus `other` (3 ETH) slashed in half with a bounty: its own pool holds the rest. */
    async function twoPools() {
      const f = await twoMembers();
      await f.vault.connect(f.adjudicator).slash(f.member.address, 10_000, ETH);
      await f.vault.connect(f.adjudicator).slash(f.other.address, 5_000, f.prover.address);
      const otherTaken = (3n * ONE) / 2n;
      const otherBounty = (otherTaken * BOUNTY_SHARE_BPS) / 10_000n;
      return { ...f, otherTaken, otherBounty, otherPool: otherTaken - otherBounty };
    }
    it("pays from the member's pool: held falls and released rises by exactly the amount", async function () {
      const { vault, member, adjudicator, user } = await networkHelpers.loadFixture(pooled);
      const tx = vault.connect(adjudicator).releaseRestitution(member.address, ETH, user.address, ONE / 4n);
      await expect(tx)
        .to.emit(vault, "RestitutionReleased")
        .withArgs(member.address, ETH, user.address, ONE / 4n);
      await expect(tx).to.changeEtherBalances(ethers, [vault, user], [-ONE / 4n, ONE / 4n]);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE - ONE / 4n);
      expect((await vault.totals(ETH)).released).to.equal(ONE / 4n);
      await expectConserved(vault, ETH, { slashed: 2n * ONE });
      // The whole rest can go, then nothing more.
      await vault.connect(adjudicator).releaseRestitution(member.address, ETH, user.address, 2n * ONE - ONE / 4n);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(0n);
      expect((await vault.totals(ETH)).released).to.equal(2n * ONE);
      await expect(vault.connect(adjudicator).releaseRestitution(member.address, ETH, user.address, 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultRestitutionShort")
        .withArgs(member.address, ETH, 0n, 1n);
      await expectConserved(vault, ETH, { slashed: 2n * ONE });
    });
    it("pays a token pool in the token", async function () {
      const { vault, member, adjudicator, user, token, tokenAddress } = await networkHelpers.loadFixture(pooled);
      const all = 1_000n * 10n ** 6n;
      await expect(vault.connect(adjudicator).releaseRestitution(member.address, tokenAddress, user.address, 300n))
        .to.emit(vault, "RestitutionReleased")
        .withArgs(member.address, tokenAddress, user.address, 300n);
      expect(await token.balanceOf(user.address)).to.equal(300n);
      expect(await vault.restitutionOf(member.address, tokenAddress)).to.equal(all - 300n);
      expect((await vault.totals(tokenAddress)).released).to.equal(300n);
      // The ETH pool is a separate one.
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
      expect((await vault.totals(ETH)).released).to.equal(0n);
      await expectConserved(vault, tokenAddress, { slashed: all, token });
    });
    it("reverts with CollateralVaultRestitutionShort past what the pool holds, and changes nothing", async function () {
      const { vault, member, other, adjudicator, user } = await networkHelpers.loadFixture(pooled);
      await expect(vault.connect(adjudicator).releaseRestitution(member.address, ETH, user.address, 2n * ONE + 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultRestitutionShort")
        .withArgs(member.address, ETH, 2n * ONE, 2n * ONE + 1n);
      // A token never slashed has an empty pool; so has a member never slashed.
      const stray = ethers.toBeHex(0x1234n, 20);
      await expect(vault.connect(adjudicator).releaseRestitution(member.address, stray, user.address, 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultRestitutionShort")
        .withArgs(member.address, ethers.getAddress(stray), 0n, 1n);
      await expect(vault.connect(adjudicator).releaseRestitution(other.address, ETH, user.address, 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultRestitutionShort")
        .withArgs(other.address, ETH, 0n, 1n);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
      expect((await vault.totals(ETH)).released).to.equal(0n);
    });
    it("keeps the pools apart: a release from one member's pool never draws on another's", async function () {
      const { vault, member, other, adjudicator, user, otherPool, otherTaken, otherBounty } =
        await networkHelpers.loadFixture(twoPools);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
      expect(await vault.restitutionOf(other.address, ETH)).to.equal(otherPool);
      // One wei beyond `other`'s pool is refused although the vault holds member's 2 ETH of restitution too.
      await expect(vault.connect(adjudicator).releaseRestitution(other.address, ETH, user.address, otherPool + 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultRestitutionShort")
        .withArgs(other.address, ETH, otherPool, otherPool + 1n);
      // `other`'s whole pool is paid; the member's stays whole.
      const tx = vault.connect(adjudicator).releaseRestitution(other.address, ETH, user.address, otherPool);
      await expect(tx).to.emit(vault, "RestitutionReleased").withArgs(other.address, ETH, user.address, otherPool);
      await expect(tx).to.changeEtherBalances(ethers, [vault, user], [-otherPool, otherPool]);
      expect(await vault.restitutionOf(other.address, ETH)).to.equal(0n);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
      await expect(vault.connect(adjudicator).releaseRestitution(other.address, ETH, user.address, 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultRestitutionShort")
        .withArgs(other.address, ETH, 0n, 1n);
      // And the member's pool pays only up to its own 2 ETH.
      await expect(vault.connect(adjudicator).releaseRestitution(member.address, ETH, user.address, 2n * ONE + 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultRestitutionShort")
        .withArgs(member.address, ETH, 2n * ONE, 2n * ONE + 1n);
      expect((await vault.totals(ETH)).released).to.equal(otherPool);
      await expectConserved(vault, ETH, { slashed: 2n * ONE + otherTaken, pushedBounty: otherBounty });
    });
    it("reverts with CollateralVaultZeroAmount and CollateralVaultZeroAddress", async function () {
      const { vault, member, adjudicator, user } = await networkHelpers.loadFixture(pooled);
      await expect(
        vault.connect(adjudicator).releaseRestitution(member.address, ETH, user.address, 0n),
      ).to.be.revertedWithCustomError(vault, "CollateralVaultZeroAmount");
      await expect(
        vault.connect(adjudicator).releaseRestitution(member.address, ETH, ETH, 1n),
      ).to.be.revertedWithCustomError(vault, "CollateralVaultZeroAddress");
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
    });
    it("reverts with CollateralVaultNotAdjudicator for anyone but the adjudicator (governance included)", async function () {
      const { vault, governance, member, user } = await networkHelpers.loadFixture(pooled);
      for (const caller of [governance, member, user]) {
        await expect(vault.connect(caller).releaseRestitution(member.address, ETH, caller.address, 1n))
          .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
          .withArgs(caller.address);
      }
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
    });
    it("reverts with CollateralVaultEthTransferFailed when the receiver refuses ETH, keeping the pool", async function () {
      const { vault, member, adjudicator } = await networkHelpers.loadFixture(pooled);
      const refuser = await ethers.deployContract("TestRejectingReceiver");
      const addr = await refuser.getAddress();
      await expect(vault.connect(adjudicator).releaseRestitution(member.address, ETH, addr, 5n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultEthTransferFailed")
        .withArgs(addr, 5n);
      expect(await vault.restitutionOf(member.address, ETH)).to.equal(2n * ONE);
      expect((await vault.totals(ETH)).released).to.equal(0n);
    });
    it("keeps the pool's slot open from the first deposit, so a slash never writes a fresh slot", async function () {
      const { vault, member, other, adjudicator, user } = await networkHelpers.loadFixture(twoMembers);
      // `_positions` sits at slot 1 (after AccessControl's `_roles`); a position is two slots: (balance, pending),
      // then (executableAt, restitution, opened).
      const vaultAddress = await vault.getAddress();
      const base = (who: string) => BigInt(positionSlot(who, ETH));
      const word = async (slot: bigint) => BigInt(await ethers.provider.getStorage(vaultAddress, slot));
      // The layout assumed above, checked against the views: slot 0 is balance | pending << 128.
      expect(await word(base(member.address))).to.equal(await vault.balanceOf(member.address, ETH));
      const opened = 1n << 192n;
      expect(await word(base(member.address) + 1n)).to.equal(opened);
      expect(await word(base(other.address) + 1n)).to.equal(opened);
      // Never deposited: both slots empty.
      expect(await word(base(user.address))).to.equal(0n);
      expect(await word(base(user.address) + 1n)).to.equal(0n);
      await vault.connect(adjudicator).slash(member.address, 10_000, ETH);
      expect(await word(base(member.address) + 1n)).to.equal(opened | ((2n * ONE) << 64n));
      // Emptied again, the slot stays open.
      await vault.connect(adjudicator).releaseRestitution(member.address, ETH, user.address, 2n * ONE);
      expect(await word(base(member.address))).to.equal(0n);
      expect(await word(base(member.address) + 1n)).to.equal(opened);
    });
  });

  describe("setAdjudicator", function () {
    it("is set once: a second call reverts with the current adjudicator, which keeps slashing and releasing", async function () {
      const { vault, governance, member, adjudicator, other } = await networkHelpers.loadFixture(funded);
      expect(await vault.adjudicator()).to.equal(adjudicator.address);
      for (const next of [other.address, adjudicator.address, governance.address]) {
        await expect(vault.connect(governance).setAdjudicator(next))
          .to.be.revertedWithCustomError(vault, "CollateralVaultAdjudicatorAlreadySet")
          .withArgs(adjudicator.address);
      }
      expect(await vault.adjudicator()).to.equal(adjudicator.address);
      await expect(vault.connect(other).slash(member.address, 100, ETH))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
        .withArgs(other.address);
      await expect(vault.connect(adjudicator).slash(member.address, 100, ETH)).to.emit(vault, "CollateralSlashed");
      await expect(vault.connect(other).releaseRestitution(member.address, ETH, other.address, 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNotAdjudicator")
        .withArgs(other.address);
      await expect(vault.connect(adjudicator).releaseRestitution(member.address, ETH, other.address, 1n)).to.emit(
        vault,
        "RestitutionReleased",
      );
    });
    it("sets the first adjudicator of a fresh vault, refusing zero before and after", async function () {
      const [a, b, c] = await ethers.getSigners();
      const vault = await ethers.deployContract("CollateralVault", [a.address, a.address, ONE, 0]);
      expect(await vault.adjudicator()).to.equal(ETH);
      await expect(vault.setAdjudicator(ETH)).to.be.revertedWithCustomError(vault, "CollateralVaultZeroAddress");
      expect(await vault.adjudicator()).to.equal(ETH);
      await expect(vault.setAdjudicator(b.address)).to.emit(vault, "AdjudicatorSet").withArgs(b.address);
      expect(await vault.adjudicator()).to.equal(b.address);
      await expect(vault.setAdjudicator(c.address))
        .to.be.revertedWithCustomError(vault, "CollateralVaultAdjudicatorAlreadySet")
        .withArgs(b.address);
      await expect(vault.setAdjudicator(ETH)).to.be.revertedWithCustomError(vault, "CollateralVaultZeroAddress");
      expect(await vault.adjudicator()).to.equal(b.address);
    });
    it("reverts with AccessControlUnauthorizedAccount for anyone but governance (the adjudicator included)", async function () {
      const { vault, adjudicator, other } = await networkHelpers.loadFixture(funded);
      for (const caller of [adjudicator, other]) {
        await expect(vault.connect(caller).setAdjudicator(caller.address))
          .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, await vault.DEFAULT_ADMIN_ROLE());
      }
      expect(await vault.adjudicator()).to.equal(adjudicator.address);
    });
    it("reverts with CollateralVaultZeroAddress for the zero address", async function () {
      const { vault, governance, adjudicator } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(governance).setAdjudicator(ETH)).to.be.revertedWithCustomError(
        vault,
        "CollateralVaultZeroAddress",
      );
      expect(await vault.adjudicator()).to.equal(adjudicator.address);
    });
  });

  describe("governance", function () {
    it("sets weights and bounty share, refusing others and out-of-range shares", async function () {
      const { vault, governance, other, token } = await networkHelpers.loadFixture(base);
      await expect(vault.connect(other).setTokenWeight(ETH, 1n)).to.be.revertedWithCustomError(
        vault,
        "AccessControlUnauthorizedAccount",
      );
      await expect(vault.connect(other).setBountyShareBps(1)).to.be.revertedWithCustomError(
        vault,
        "AccessControlUnauthorizedAccount",
      );
      await expect(vault.connect(governance).setBountyShareBps(10_001))
        .to.be.revertedWithCustomError(vault, "CollateralVaultInvalidBps")
        .withArgs(10_001);
      await expect(vault.connect(governance).setBountyShareBps(2_500)).to.emit(vault, "BountyShareSet").withArgs(2_500);
      expect(await vault.bountyShareBps()).to.equal(2_500n);
      expect(await vault.collateralTokens()).to.deep.equal([ETH, await token.getAddress()]);
      expect(await vault.tokenWeight(await token.getAddress())).to.equal(TOKEN_WEIGHT);
    });
    it("reverts with CollateralVaultWeightTooLarge for a weight that does not fit in 96 bits", async function () {
      const { vault, governance, token } = await networkHelpers.loadFixture(base);
      const tokenAddress = await token.getAddress();
      await expect(vault.connect(governance).setTokenWeight(tokenAddress, 2n ** 96n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultWeightTooLarge")
        .withArgs(2n ** 96n);
      expect(await vault.tokenWeight(tokenAddress)).to.equal(TOKEN_WEIGHT);
      await vault.connect(governance).setTokenWeight(tokenAddress, 2n ** 96n - 1n);
      expect(await vault.tokenWeight(tokenAddress)).to.equal(2n ** 96n - 1n);
    });
    it("reverts with CollateralVaultTooManyTokens past MAX_TOKENS", async function () {
      const { vault, governance } = await networkHelpers.loadFixture(base);
      const max = await vault.MAX_TOKENS();
      for (let i = 2n; i < max; i++) {
        await vault.connect(governance).setTokenWeight(ethers.toBeHex(0x1000n + i, 20), 1n);
      }
      await expect(vault.connect(governance).setTokenWeight(ethers.toBeHex(0x9999n, 20), 1n))
        .to.be.revertedWithCustomError(vault, "CollateralVaultTooManyTokens")
        .withArgs(max);
    });
  });
});
