import { expect } from "chai";
import { network } from "hardhat";

import {
  BOUNTY_SHARE_BPS,
  TOKEN_WEIGHT,
  UNBONDING_DELAY,
  deployConsortium,
  deployWithActiveMember,
  deployWithProbationMember,
} from "./consortium-fixture.js";

const { ethers, networkHelpers } = await network.create();
const ETH = "0x0000000000000000000000000000000000000000";
const ONE = 10n ** 18n;

async function base() {
  return deployConsortium(ethers);
}
async function probation() {
  return deployWithProbationMember(ethers);
}
/** Active member with 2 ETH, plus 1000 TUSD (6 decimals) deposited. */
async function funded() {
  const f = await deployWithActiveMember(ethers);
  const tokenAddress = await f.token.getAddress();
  await f.token.mint(f.member.address, 10_000n * 10n ** 6n);
  await f.token.connect(f.member).approve(await f.vault.getAddress(), 1_000n * 10n ** 6n);
  await f.vault.connect(f.member).deposit(f.member.address, tokenAddress, 1_000n * 10n ** 6n);
  return { ...f, tokenAddress };
}

describe("CollateralVault", function () {
  describe("constructor", function () {
    it("reverts with CollateralVaultZeroAddress and CollateralVaultInvalidBps", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("CollateralVault");
      await expect(factory.deploy(ETH, a.address, a.address, ONE, 0)).to.be.revertedWithCustomError(
        factory,
        "CollateralVaultZeroAddress",
      );
      await expect(factory.deploy(a.address, a.address, a.address, ONE, 10_001))
        .to.be.revertedWithCustomError(factory, "CollateralVaultInvalidBps")
        .withArgs(10_001);
    });
  });

  describe("deposit", function () {
    it("credits ETH and an approved token and weighs the stake", async function () {
      const { vault, member, tokenAddress } = await networkHelpers.loadFixture(funded);
      expect(await vault.balanceOf(member.address, ETH)).to.equal(2n * ONE);
      expect(await vault.balanceOf(member.address, tokenAddress)).to.equal(1_000n * 10n ** 6n);
      expect(await vault.stakeOf(member.address)).to.equal(2n * ONE + (1_000n * 10n ** 6n * TOKEN_WEIGHT) / ONE);
      const totals = await vault.totals(ETH);
      expect(totals.deposited).to.equal(2n * ONE);
      expect(totals.balance).to.equal(2n * ONE);
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
    it("takes bps of balances and pending withdrawals, splits bounty and fund exactly", async function () {
      const { vault, fund, member, adjudicator, prover, token } = await networkHelpers.loadFixture(funded);
      await vault.connect(member).requestWithdrawal(ETH, ONE / 2n);
      const bps = 3_333n;
      const fromBalance = ((2n * ONE - ONE / 2n) * bps) / 10_000n;
      const fromPending = ((ONE / 2n) * bps) / 10_000n;
      const taken = fromBalance + fromPending;
      const bounty = (taken * BOUNTY_SHARE_BPS) / 10_000n;
      const tx = vault.connect(adjudicator).slash(member.address, bps, prover.address);
      await expect(tx)
        .to.emit(vault, "CollateralSlashed")
        .withArgs(member.address, ETH, fromBalance, fromPending, bounty, taken - bounty, prover.address);
      await expect(tx).to.changeEtherBalances(ethers, [vault, fund, prover], [-taken, taken - bounty, bounty]);
      const tokenTaken = (1_000n * 10n ** 6n * bps) / 10_000n;
      const tokenBounty = (tokenTaken * BOUNTY_SHARE_BPS) / 10_000n;
      expect(await token.balanceOf(prover.address)).to.equal(tokenBounty);
      expect(await token.balanceOf(await fund.getAddress())).to.equal(tokenTaken - tokenBounty);
      expect((await vault.pendingOf(member.address, ETH)).amount).to.equal(ONE / 2n - fromPending);
      const t = await vault.totals(ETH);
      expect(t.deposited).to.equal(t.balance + t.pending + t.slashed + t.withdrawn);
      expect(t.slashed).to.equal(taken);
    });
    it("returns the slashed weight", async function () {
      const { vault, member, adjudicator, prover } = await networkHelpers.loadFixture(funded);
      const before = await vault.stakeOf(member.address);
      const weight = await vault.connect(adjudicator).slash.staticCall(member.address, 10_000, prover.address);
      expect(weight).to.equal(before);
      await vault.connect(adjudicator).slash(member.address, 10_000, prover.address);
      expect(await vault.stakeOf(member.address)).to.equal(0n);
    });
    it("sends everything to the fund when the bounty recipient is zero", async function () {
      const { vault, fund, member, adjudicator } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(adjudicator).slash(member.address, 10_000, ETH)).to.changeEtherBalances(
        ethers,
        [vault, fund],
        [-2n * ONE, 2n * ONE],
      );
    });
    it("credits a bounty the recipient refuses, and lets it be claimed later", async function () {
      const { vault, member, adjudicator, tokenAddress, token } = await networkHelpers.loadFixture(funded);
      const refuser = await ethers.deployContract("TestRejectingReceiver");
      const addr = await refuser.getAddress();
      await token.setBlocked(addr, true);
      const ethBounty = (2n * ONE * BOUNTY_SHARE_BPS) / 10_000n;
      await expect(vault.connect(adjudicator).slash(member.address, 10_000, addr))
        .to.emit(vault, "BountyCredited")
        .withArgs(addr, ETH, ethBounty);
      expect(await vault.bountyOf(addr, ETH)).to.equal(ethBounty);
      expect((await vault.totals(ETH)).unclaimedBounty).to.equal(ethBounty);
      expect(await vault.bountyOf(addr, tokenAddress)).to.be.greaterThan(0n);
      await refuser.setRejecting(false);
      const claim = refuser.execute(await vault.getAddress(), vault.interface.encodeFunctionData("claimBounty", [ETH]));
      await expect(claim).to.changeEtherBalances(ethers, [vault, refuser], [-ethBounty, ethBounty]);
      await expect(claim).to.emit(vault, "BountyClaimed").withArgs(addr, ETH, ethBounty);
      expect((await vault.totals(ETH)).unclaimedBounty).to.equal(0n);
      await expect(refuser.execute(await vault.getAddress(), vault.interface.encodeFunctionData("claimBounty", [ETH])))
        .to.be.revertedWithCustomError(vault, "CollateralVaultNoBounty")
        .withArgs(addr, ETH);
    });
    it("reverts with AccessControlUnauthorizedAccount for anyone but the adjudicator", async function () {
      const { vault, member, governance } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(governance).slash(member.address, 100, governance.address))
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount")
        .withArgs(governance.address, await vault.ADJUDICATOR_ROLE());
      await expect(vault.connect(member).slash(member.address, 100, member.address)).to.be.revertedWithCustomError(
        vault,
        "AccessControlUnauthorizedAccount",
      );
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
      const { vault, other, adjudicator } = await networkHelpers.loadFixture(funded);
      await expect(vault.connect(adjudicator).slash(other.address, 5_000, adjudicator.address)).not.to.emit(
        vault,
        "CollateralSlashed",
      );
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
