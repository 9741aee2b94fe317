import { expect } from "chai";
import { network } from "hardhat";

import { ETH_ASSET, TOKEN_ASSET, deployConsortium } from "./consortium-fixture.js";

const { ethers, networkHelpers } = await network.create();
const ETH = "0x0000000000000000000000000000000000000000";
const NULLIFIER = 123456789n;

async function base() {
  return deployConsortium(ethers);
}
/** A booked ETH claim of 10 wei for `user` and a booked token claim of 500 units. */
async function booked() {
  const f = await deployConsortium(ethers);
  await f.fund.connect(f.adjudicator).bookClaim(NULLIFIER, f.member.address, ETH_ASSET, 10n, f.user.address);
  await f.fund.connect(f.adjudicator).bookClaim(NULLIFIER + 1n, f.member.address, TOKEN_ASSET, 500n, f.user.address);
  return f;
}

describe("RestitutionFund", function () {
  describe("constructor", function () {
    it("reverts with RestitutionFundZeroAddress", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("RestitutionFund");
      await expect(factory.deploy(ETH, a.address)).to.be.revertedWithCustomError(factory, "RestitutionFundZeroAddress");
      await expect(factory.deploy(a.address, ETH)).to.be.revertedWithCustomError(factory, "RestitutionFundZeroAddress");
    });
  });

  describe("bookClaim", function () {
    it("books a claim in the asset's token and emits ClaimBooked", async function () {
      const { fund, adjudicator, member, user, token } = await networkHelpers.loadFixture(base);
      await expect(fund.connect(adjudicator).bookClaim(NULLIFIER, member.address, TOKEN_ASSET, 77n, user.address))
        .to.emit(fund, "ClaimBooked")
        .withArgs(NULLIFIER, member.address, TOKEN_ASSET, 77n, user.address);
      const claim = await fund.claimOf(NULLIFIER);
      expect(claim.booked).to.equal(true);
      expect(claim.asset).to.equal(BigInt(TOKEN_ASSET));
      expect(claim.token).to.equal(await token.getAddress());
      expect(claim.remaining).to.equal(77n);
      expect(claim.recipientTag).to.equal(await fund.recipientTagOf(user.address));
      // The tag is the top 128 bits of keccak256(abi.encode(recipient)) with the lowest bit set: never zero.
      const hash = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [user.address])));
      expect(BigInt(claim.recipientTag)).to.equal((hash >> 128n) | 1n);
      expect((await fund.claimOf(NULLIFIER + 9n)).booked).to.equal(false);
      expect(await fund.isBooked(NULLIFIER)).to.equal(true);
      expect(await fund.outstanding(await token.getAddress())).to.equal(77n);
    });
    it("reverts with RestitutionFundClaimExists for a nullifier booked before", async function () {
      const { fund, adjudicator, member, user } = await networkHelpers.loadFixture(booked);
      await expect(fund.connect(adjudicator).bookClaim(NULLIFIER, member.address, ETH_ASSET, 1n, user.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundClaimExists")
        .withArgs(NULLIFIER);
    });
    it("reverts with RestitutionFundClaimExists for a zero-amount claim booked before", async function () {
      const { fund, adjudicator, member, user } = await networkHelpers.loadFixture(base);
      await fund.connect(adjudicator).bookClaim(5n, member.address, ETH_ASSET, 0n, user.address);
      await expect(fund.connect(adjudicator).bookClaim(5n, member.address, ETH_ASSET, 9n, user.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundClaimExists")
        .withArgs(5n);
    });
    it("reverts with RestitutionFundAmountTooLarge at 2^96", async function () {
      const { fund, adjudicator, member, user } = await networkHelpers.loadFixture(base);
      await expect(fund.connect(adjudicator).bookClaim(NULLIFIER, member.address, ETH_ASSET, 2n ** 96n, user.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundAmountTooLarge")
        .withArgs(2n ** 96n);
      await fund.connect(adjudicator).bookClaim(NULLIFIER, member.address, ETH_ASSET, 2n ** 96n - 1n, user.address);
      expect((await fund.claimOf(NULLIFIER)).remaining).to.equal(2n ** 96n - 1n);
    });
    it("reverts with AccessControlUnauthorizedAccount for anyone but the adjudicator", async function () {
      const { fund, governance, member, user } = await networkHelpers.loadFixture(base);
      await expect(fund.connect(governance).bookClaim(NULLIFIER, member.address, ETH_ASSET, 1n, user.address))
        .to.be.revertedWithCustomError(fund, "AccessControlUnauthorizedAccount")
        .withArgs(governance.address, await fund.ADJUDICATOR_ROLE());
    });
    it("reverts with ConsortiumRegistryUnknownAsset for an unlisted asset", async function () {
      const { fund, registry, adjudicator, member, user } = await networkHelpers.loadFixture(base);
      await expect(fund.connect(adjudicator).bookClaim(NULLIFIER, member.address, 99, 1n, user.address))
        .to.be.revertedWithCustomError(registry, "ConsortiumRegistryUnknownAsset")
        .withArgs(99);
    });
    it("reverts with RestitutionFundZeroAddress for a zero recipient or member", async function () {
      const { fund, adjudicator, member, user } = await networkHelpers.loadFixture(base);
      await expect(
        fund.connect(adjudicator).bookClaim(NULLIFIER, member.address, ETH_ASSET, 1n, ETH),
      ).to.be.revertedWithCustomError(fund, "RestitutionFundZeroAddress");
      await expect(
        fund.connect(adjudicator).bookClaim(NULLIFIER, ETH, ETH_ASSET, 1n, user.address),
      ).to.be.revertedWithCustomError(fund, "RestitutionFundZeroAddress");
    });
  });

  describe("payClaim", function () {
    it("pays in full when the fund holds enough, then refuses to pay again", async function () {
      const { fund, other, user } = await networkHelpers.loadFixture(booked);
      await other.sendTransaction({ to: await fund.getAddress(), value: 100n });
      const tx = fund.connect(other).payClaim(NULLIFIER, user.address);
      await expect(tx).to.emit(fund, "ClaimPaid").withArgs(NULLIFIER, user.address, ETH, 10n, 0n);
      await expect(tx).to.changeEtherBalances(ethers, [fund, user], [-10n, 10n]);
      await expect(fund.payClaim(NULLIFIER, user.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundClaimSettled")
        .withArgs(NULLIFIER);
      expect(await fund.totals(ETH)).to.deep.equal([10n, 10n]);
    });
    it("pays partially, tracks the remainder and completes later", async function () {
      const { fund, token, user } = await networkHelpers.loadFixture(booked);
      const fundAddress = await fund.getAddress();
      await token.mint(fundAddress, 200n);
      await expect(fund.payClaim(NULLIFIER + 1n, user.address))
        .to.emit(fund, "ClaimPaid")
        .withArgs(NULLIFIER + 1n, user.address, await token.getAddress(), 200n, 300n);
      expect((await fund.claimOf(NULLIFIER + 1n)).remaining).to.equal(300n);
      await expect(fund.payClaim(NULLIFIER + 1n, user.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundEmpty")
        .withArgs(await token.getAddress());
      await token.mint(fundAddress, 1_000n);
      await fund.payClaim(NULLIFIER + 1n, user.address);
      expect(await token.balanceOf(user.address)).to.equal(500n);
      expect(await token.balanceOf(fundAddress)).to.equal(700n);
      expect(await fund.outstanding(await token.getAddress())).to.equal(0n);
    });
    it("reverts with RestitutionFundUnknownClaim for an unbooked nullifier", async function () {
      const { fund, user } = await networkHelpers.loadFixture(booked);
      await expect(fund.payClaim(42n, user.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundUnknownClaim")
        .withArgs(42n);
    });
    it("reverts with RestitutionFundWrongRecipient when the caller names anyone but the booked recipient", async function () {
      const { fund, other } = await networkHelpers.loadFixture(booked);
      await other.sendTransaction({ to: await fund.getAddress(), value: 100n });
      await expect(fund.connect(other).payClaim(NULLIFIER, other.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundWrongRecipient")
        .withArgs(NULLIFIER, other.address);
    });
    it("reverts with RestitutionFundClaimSettled for a zero-amount claim", async function () {
      const { fund, adjudicator, member, user } = await networkHelpers.loadFixture(base);
      await fund.connect(adjudicator).bookClaim(5n, member.address, ETH_ASSET, 0n, user.address);
      await expect(fund.payClaim(5n, user.address))
        .to.be.revertedWithCustomError(fund, "RestitutionFundClaimSettled")
        .withArgs(5n);
    });
    it("reverts with RestitutionFundEthTransferFailed when the recipient refuses ETH", async function () {
      const { fund, adjudicator, member, other } = await networkHelpers.loadFixture(base);
      const refuser = await ethers.deployContract("TestRejectingReceiver");
      await fund.connect(adjudicator).bookClaim(7n, member.address, ETH_ASSET, 3n, await refuser.getAddress());
      await other.sendTransaction({ to: await fund.getAddress(), value: 3n });
      await expect(fund.payClaim(7n, await refuser.getAddress()))
        .to.be.revertedWithCustomError(fund, "RestitutionFundEthTransferFailed")
        .withArgs(await refuser.getAddress(), 3n);
    });
  });

  describe("withdrawSurplus", function () {
    it("moves only the surplus over outstanding claims, governance only", async function () {
      const { fund, governance, other, user } = await networkHelpers.loadFixture(booked);
      await other.sendTransaction({ to: await fund.getAddress(), value: 25n });
      await expect(fund.connect(other).withdrawSurplus(ETH, other.address, 1n)).to.be.revertedWithCustomError(
        fund,
        "AccessControlUnauthorizedAccount",
      );
      await expect(fund.connect(governance).withdrawSurplus(ETH, other.address, 16n))
        .to.be.revertedWithCustomError(fund, "RestitutionFundExceedsSurplus")
        .withArgs(ETH, 16n, 15n);
      await expect(fund.connect(governance).withdrawSurplus(ETH, other.address, 15n)).to.changeEtherBalances(
        ethers,
        [fund, other],
        [-15n, 15n],
      );
      await expect(fund.payClaim(NULLIFIER, user.address)).to.changeEtherBalance(ethers, fund, -10n);
      await expect(fund.connect(governance).withdrawSurplus(ETH, ETH, 0n)).to.be.revertedWithCustomError(
        fund,
        "RestitutionFundZeroAddress",
      );
    });
  });

  it("receives slashed collateral from the vault", async function () {
    const f = await networkHelpers.loadFixture(base);
    await f.registry.connect(f.member).applyForMembership(ethers.ZeroHash);
    await f.vault.connect(f.member).deposit(f.member.address, ETH, 1000n, { value: 1000n });
    await f.fund.connect(f.adjudicator).bookClaim(NULLIFIER, f.member.address, ETH_ASSET, 950n, f.user.address);
    await expect(f.vault.connect(f.adjudicator).slash(f.member.address, 10_000, f.prover.address))
      .to.emit(f.fund, "EthReceived")
      .withArgs(await f.vault.getAddress(), 900n);
    await expect(f.fund.payClaim(NULLIFIER, f.user.address)).to.changeEtherBalance(ethers, f.user, 900n);
    expect((await f.fund.claimOf(NULLIFIER)).remaining).to.equal(50n);
  });
});
