// The adjudicator's claim book (RestitutionClaims): claims are booked by accepted fraud proofs (proveFraud, with the
// stand-in verifier) and paid from the collateral vault's restitution pool of the claim's token.
import { expect } from "chai";
import { network } from "hardhat";

import { fraudPublicSignals, type FraudProofStruct } from "../../src/consortium/index.js";
import {
  BOUNTY_SHARE_BPS,
  ETH_ASSET,
  KEY_HASH,
  MEMBER_STAKE,
  SLASH,
  TOKEN_ASSET,
  commitmentOf,
  deployLedgerSystem,
} from "./ledger-fixture.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const ETH = ethers.ZeroAddress;
const ONE = 10n ** 18n;
const NULLIFIER = 123456789n;
/** The ETH left in the pool by the first fraud slash (fraud share of the stake, less the bounty). */
const FIRST_SLASH = (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n;
const FIRST_POOL = FIRST_SLASH - (FIRST_SLASH * BOUNTY_SHARE_BPS) / 10_000n;

/** The ledger system with the member's ETH and TOKEN roots committed at t, and a prover of fraud against them. */
async function system() {
  const f = await deployLedgerSystem(ethers, networkHelpers);
  const t = BigInt(await time.latest()) - 20n;
  const eth = commitmentOf(ETH_ASSET, 1n);
  const tok = commitmentOf(TOKEN_ASSET, 1n);
  await f.ledger.connect(f.member).commit(t, [eth, tok]);

  /** A fraud proof the stand-in verifier accepts, against the member's ETH root unless told otherwise. */
  async function proofFor(fields: Partial<FraudProofStruct> = {}): Promise<FraudProofStruct> {
    const p: FraudProofStruct = {
      rootHash: fields.asset === BigInt(TOKEN_ASSET) ? tok.rootHash : eth.rootHash,
      keyHash: KEY_HASH,
      member: f.member.address,
      asset: BigInt(ETH_ASSET),
      t,
      claim: ONE,
      nullifier: NULLIFIER,
      recipient: f.user.address,
      a: [0n, 0n],
      b: [
        [0n, 0n],
        [0n, 0n],
      ],
      c: [0n, 0n],
      ...fields,
    };
    return { ...p, a: [await f.verifier.expectedA0(fraudPublicSignals(p)), 0n] };
  }
  /** Books a claim through an accepted fraud proof (which also slashes the member and fills the pool). */
  async function book(fields: Partial<FraudProofStruct> = {}): Promise<void> {
    await f.adjudicator.connect(f.prover).proveFraud(await proofFor(fields), [eth, tok]);
  }
  /** The vault's restitution pool of `token` as [held, released]. */
  async function pool(token = ETH): Promise<[bigint, bigint]> {
    const [held, released] = await f.vault.restitutionOf(token);
    return [held, released];
  }
  return { ...f, t, eth, tok, proofFor, book, pool };
}

/** One ETH claim of 1 ETH for `user` booked by the first fraud proof: the pool holds FIRST_POOL. */
async function bookedEth() {
  const f = await system();
  await f.book();
  return f;
}

describe("RestitutionClaims (in the Adjudicator)", function () {
  describe("booking through proveFraud", function () {
    it("books one claim per nullifier, with the recipient's tag, the asset's token and the amount", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const claim = await f.adjudicator.claimOf(NULLIFIER);
      expect(claim.booked).to.equal(true);
      expect(claim.asset).to.equal(BigInt(ETH_ASSET));
      expect(claim.token).to.equal(ETH);
      expect(claim.remaining).to.equal(ONE);
      expect(claim.recipientTag).to.equal(await f.adjudicator.recipientTagOf(f.user.address));
      // The tag is the top 128 bits of keccak256(abi.encode(recipient)) with the lowest bit set: never zero.
      const hash = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [f.user.address])));
      expect(BigInt(claim.recipientTag)).to.equal((hash >> 128n) | 1n);
      expect(BigInt(await f.adjudicator.recipientTagOf(ETH)) & 1n).to.equal(1n);
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(true);
      expect(await f.pool()).to.deep.equal([FIRST_POOL, 0n]);
    });
    it("answers an unbooked nullifier with an empty claim", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const claim = await f.adjudicator.claimOf(NULLIFIER + 9n);
      expect([claim.booked, claim.asset, claim.token, claim.remaining, claim.recipientTag]).to.deep.equal([
        false,
        0n,
        ETH,
        0n,
        "0x" + "00".repeat(16),
      ]);
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER + 9n)).to.equal(false);
    });
    it("books a claim in the token of a token record", async function () {
      const f = await networkHelpers.loadFixture(system);
      await f.book({ asset: BigInt(TOKEN_ASSET), claim: 500n });
      const claim = await f.adjudicator.claimOf(NULLIFIER);
      expect([claim.asset, claim.token, claim.remaining]).to.deep.equal([
        BigInt(TOKEN_ASSET),
        await f.token.getAddress(),
        500n,
      ]);
    });
  });

  describe("payClaim", function () {
    it("pays a claim in full from the vault pool (anyone may call), then refuses with RestitutionClaimSettled", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const tx = f.adjudicator.connect(f.other).payClaim(NULLIFIER, f.user.address);
      await expect(tx).to.emit(f.adjudicator, "ClaimPaid").withArgs(NULLIFIER, f.user.address, ETH, ONE, 0n);
      await expect(tx).to.emit(f.vault, "RestitutionReleased").withArgs(ETH, f.user.address, ONE);
      await expect(tx).to.changeEtherBalances(ethers, [f.vault, f.user, f.adjudicator, f.other], [-ONE, ONE, 0n, 0n]);
      // Held falls and released rises by exactly the payment.
      expect(await f.pool()).to.deep.equal([FIRST_POOL - ONE, ONE]);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(0n);
      // Still booked (the nullifier stays spent), but settled.
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(true);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimSettled")
        .withArgs(NULLIFIER);
      expect(await f.pool()).to.deep.equal([FIRST_POOL - ONE, ONE]);
    });
    it("pays what the pool holds of a larger claim, keeps the remainder payable and pays it once the pool refills", async function () {
      const f = await networkHelpers.loadFixture(system);
      const claim = FIRST_POOL + 2n * ONE;
      await f.book({ claim });
      await expect(f.adjudicator.payClaim(NULLIFIER, f.user.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.user.address, ETH, FIRST_POOL, 2n * ONE);
      expect(await f.pool()).to.deep.equal([0n, FIRST_POOL]);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(2n * ONE);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(ETH);
      // A second record proven against the member slashes again and refills the pool.
      await f.book({ nullifier: NULLIFIER + 1n, recipient: f.other.address, claim: 1n });
      const second = (MEMBER_STAKE - FIRST_SLASH) / 2n;
      const refill = second - (second * BOUNTY_SHARE_BPS) / 10_000n;
      expect(await f.pool()).to.deep.equal([refill, FIRST_POOL]);
      const tx = f.adjudicator.payClaim(NULLIFIER, f.user.address);
      await expect(tx)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.user.address, ETH, 2n * ONE, 0n);
      await expect(tx).to.changeEtherBalances(ethers, [f.vault, f.user], [-2n * ONE, 2n * ONE]);
      expect(await f.pool()).to.deep.equal([refill - 2n * ONE, FIRST_POOL + 2n * ONE]);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimSettled")
        .withArgs(NULLIFIER);
      // Over both payments: exactly the booked amount.
      expect((await f.pool())[1]).to.equal(claim);
    });
    it("shares one pool per token between claims: each paid at most what is left", async function () {
      const f = await networkHelpers.loadFixture(system);
      await f.book({ claim: FIRST_POOL - ONE });
      await f.book({ nullifier: NULLIFIER + 1n, recipient: f.other.address, claim: 5n * ONE });
      const [held] = await f.pool();
      await f.adjudicator.payClaim(NULLIFIER, f.user.address);
      const left = held - (FIRST_POOL - ONE);
      await expect(f.adjudicator.payClaim(NULLIFIER + 1n, f.other.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER + 1n, f.other.address, ETH, left, 5n * ONE - left);
      expect(await f.pool()).to.deep.equal([0n, held]);
    });
    it("reverts with RestitutionUnknownClaim for a nullifier no proof booked", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      await expect(f.adjudicator.payClaim(42n, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionUnknownClaim")
        .withArgs(42n);
    });
    it("reverts with RestitutionWrongRecipient when the caller names anyone but the booked recipient", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      for (const named of [f.other.address, f.member.address, f.prover.address, ETH]) {
        await expect(f.adjudicator.connect(f.other).payClaim(NULLIFIER, named))
          .to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongRecipient")
          .withArgs(NULLIFIER, named);
      }
      expect(await f.pool()).to.deep.equal([FIRST_POOL, 0n]);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
    });
    it("reverts with RestitutionPoolEmpty while nothing was slashed into the claim's pool", async function () {
      const f = await networkHelpers.loadFixture(system);
      // A zero fraud share books the claim but slashes nothing.
      await f.adjudicator.connect(f.governance).setSlashParams({ ...SLASH, fraudBps: 0 });
      await f.book();
      expect(await f.pool()).to.deep.equal([0n, 0n]);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(ETH);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
    });
    it("reverts with RestitutionClaimSettled for a zero-amount claim", async function () {
      const f = await networkHelpers.loadFixture(system);
      await f.book({ claim: 0n });
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(true);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimSettled")
        .withArgs(NULLIFIER);
    });
    it("pays a token claim from the token pool only, in the token", async function () {
      const f = await networkHelpers.loadFixture(system);
      const token = await f.token.getAddress();
      // Only ETH is collateral: a token claim finds its pool empty although the ETH pool is full.
      await f.book({ asset: BigInt(TOKEN_ASSET), claim: 500n });
      expect((await f.pool(ETH))[0]).to.equal(FIRST_POOL);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(token);
      // The token becomes collateral and the member deposits some; the next fraud slash fills its pool.
      await f.vault.connect(f.governance).setTokenWeight(token, ONE);
      await f.token.mint(f.member.address, 1_000n);
      await f.token.connect(f.member).approve(await f.vault.getAddress(), 1_000n);
      await f.vault.connect(f.member).deposit(f.member.address, token, 1_000n);
      await f.book({ nullifier: NULLIFIER + 1n, claim: 1n });
      const taken = (1_000n * BigInt(SLASH.fraudBps)) / 10_000n;
      const tokenPool = taken - (taken * BOUNTY_SHARE_BPS) / 10_000n;
      expect(await f.pool(token)).to.deep.equal([tokenPool, 0n]);
      const ethPool = await f.pool(ETH);
      const tx = f.adjudicator.payClaim(NULLIFIER, f.user.address);
      await expect(tx)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.user.address, token, tokenPool, 500n - tokenPool);
      await expect(tx).to.changeEtherBalance(ethers, f.user, 0n);
      expect(await f.token.balanceOf(f.user.address)).to.equal(tokenPool);
      expect(await f.pool(token)).to.deep.equal([0n, tokenPool]);
      expect(await f.pool(ETH)).to.deep.equal(ethPool);
    });
    it("reverts with CollateralVaultEthTransferFailed when the recipient refuses ETH, and stays payable", async function () {
      const f = await networkHelpers.loadFixture(system);
      const refuser = await ethers.deployContract("TestRejectingReceiver");
      const addr = await refuser.getAddress();
      await f.book({ recipient: addr });
      await expect(f.adjudicator.payClaim(NULLIFIER, addr))
        .to.be.revertedWithCustomError(f.vault, "CollateralVaultEthTransferFailed")
        .withArgs(addr, ONE);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
      expect(await f.pool()).to.deep.equal([FIRST_POOL, 0n]);
      await refuser.setRejecting(false);
      await expect(f.adjudicator.payClaim(NULLIFIER, addr)).to.changeEtherBalance(ethers, refuser, ONE);
    });
    it("never pays a re-entrant recipient twice", async function () {
      const f = await networkHelpers.loadFixture(system);
      const claimant = await ethers.deployContract("TestReentrantClaimant");
      const addr = await claimant.getAddress();
      await claimant.arm(await f.adjudicator.getAddress(), NULLIFIER, false);
      await f.book({ recipient: addr });
      const tx = f.adjudicator.payClaim(NULLIFIER, addr);
      await expect(tx).to.changeEtherBalances(ethers, [claimant, f.vault], [ONE, -ONE]);
      await expect(tx).to.emit(f.adjudicator, "ClaimPaid").withArgs(NULLIFIER, addr, ETH, ONE, 0n);
      // The claimant tried once, inside the payment, and was refused by the guard.
      expect(await claimant.attempts()).to.equal(1n);
      expect(await claimant.reentered()).to.equal(0n);
      const guard = f.adjudicator.interface.getError("ReentrancyGuardReentrantCall")!.selector;
      expect(await claimant.lastError()).to.equal(guard);
      expect(await f.pool()).to.deep.equal([FIRST_POOL - ONE, ONE]);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(0n);
    });
    it("leaves the claim payable when a re-entrant recipient refuses the payment its re-entry failed in", async function () {
      const f = await networkHelpers.loadFixture(system);
      const claimant = await ethers.deployContract("TestReentrantClaimant");
      const addr = await claimant.getAddress();
      await claimant.arm(await f.adjudicator.getAddress(), NULLIFIER, true);
      await f.book({ recipient: addr });
      await expect(f.adjudicator.payClaim(NULLIFIER, addr))
        .to.be.revertedWithCustomError(f.vault, "CollateralVaultEthTransferFailed")
        .withArgs(addr, ONE);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
      expect(await f.pool()).to.deep.equal([FIRST_POOL, 0n]);
      expect(await ethers.provider.getBalance(addr)).to.equal(0n);
    });
  });
});
