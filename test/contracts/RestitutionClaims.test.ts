// The adjudicator's claim book (RestitutionClaims): claims are booked by accepted fraud proofs (proveFraud, with the
// stand-in verifier) against the proven member and paid from that member's own restitution pool in the collateral
// vault, in the claim's token; one member's slashed collateral never pays claims against another.
import { expect } from "chai";
import { network } from "hardhat";

import { fraudPublicSignals, type FraudProofStruct } from "../../src/consortium/index.js";
import {
  BOUNTY_SHARE_BPS,
  ETH_ASSET,
  KEY_HASH,
  MEMBER_STAKE,
  OPERATOR_STAKE,
  SLASH,
  TOKEN_ASSET,
  commitmentOf,
  deployLedgerSystem,
} from "./ledger-fixture.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const ETH = ethers.ZeroAddress;
const ONE = 10n ** 18n;
const FEE = 10n ** 16n;
const NULLIFIER = 123456789n;
/** The largest claim a record can book (record balances are below 2^96). */
const MAX_CLAIM = 2n ** 96n - 1n;
/** The second member's record key (every key hash belongs to one member). */
const SECOND_KEY_HASH = KEY_HASH + 77n;
const SECOND_NULLIFIER = 987654321n;
/** The ETH left in the member's pool by the first fraud slash (fraud share of the stake, less the bounty). */
const FIRST_SLASH = (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n;
const FIRST_POOL = FIRST_SLASH - (FIRST_SLASH * BOUNTY_SHARE_BPS) / 10_000n;

/** `bps` of `amount`, and the part of it a slash puts in the pool (all but the bounty). */
function slashOf(amount: bigint, bps: number): { taken: bigint; bounty: bigint; pool: bigint } {
  const taken = (amount * BigInt(bps)) / 10_000n;
  const bounty = (taken * BOUNTY_SHARE_BPS) / 10_000n;
  return { taken, bounty, pool: taken - bounty };
}

/** The ledger system with the member's ETH and TOKEN roots committed at t, and a prover of fraud against them. */
async function system() {
  const f = await deployLedgerSystem(ethers, networkHelpers);
  const t = BigInt(await time.latest()) - 20n;
  const eth = commitmentOf(ETH_ASSET, 1n);
  const tok = commitmentOf(TOKEN_ASSET, 1n);
  await f.ledger.connect(f.member).commit(t, [eth, tok]);

  /** A fraud proof the stand-in verifier accepts, against the member's ETH root unless told otherwise. */
  async function proofFor(fields: Partial<FraudProofStruct> = {}): Promise<FraudProofStruct> {
    return accepted({
      rootHash: fields.asset === BigInt(TOKEN_ASSET) ? tok.rootHash : eth.rootHash,
      keyHash: KEY_HASH,
      member: f.member.address,
      asset: BigInt(ETH_ASSET),
      t,
      claim: ONE,
      nullifier: NULLIFIER,
      recipient: f.user.address,
      ...fields,
    });
  }
  /** The proof with the `a` the stand-in verifier accepts for its public signals. */
  async function accepted(p: Omit<FraudProofStruct, "a" | "b" | "c">): Promise<FraudProofStruct> {
    const zero: FraudProofStruct = {
      ...p,
      a: [0n, 0n],
      b: [
        [0n, 0n],
        [0n, 0n],
      ],
      c: [0n, 0n],
    };
    return { ...zero, a: [await f.verifier.expectedA0(fraudPublicSignals(zero)), 0n] };
  }
  /** Books a claim through an accepted fraud proof (which also slashes the member and fills its pool). */
  async function book(fields: Partial<FraudProofStruct> = {}): Promise<void> {
    await f.adjudicator.connect(f.prover).proveFraud(await proofFor(fields), [eth, tok]);
  }
  /** What `member`'s restitution pool holds of `token` (the fixture's member by default). */
  async function pool(token = ETH, member: string = f.member.address): Promise<bigint> {
    return f.vault.restitutionOf(member, token);
  }
  /** Restitution of `token` released to claims so far, all members together. */
  async function released(token = ETH): Promise<bigint> {
    return (await f.vault.totals(token)).released;
  }
  return { ...f, t, eth, tok, proofFor, accepted, book, pool, released };
}

/** One ETH claim of 1 ETH for `user` booked by the first fraud proof: the member's pool holds FIRST_POOL. */
async function bookedEth() {
  const f = await system();
  await f.book();
  return f;
}

/**
 * `system` plus a second member (the first operator, Active with OPERATOR_STAKE) with a record key of its own and an
 * ETH root committed at `second.t`, and proofs against it: by default the self-proof of a fake record of MAX_CLAIM
 * that the second member signed with its own key and left out of its own tree, paid to itself.
 */
async function twoMembers() {
  const f = await system();
  const second = f.operators[0];
  const from = BigInt(await time.latest()) + 10n;
  await f.registry.connect(second).registerKey(SECOND_KEY_HASH, 5n, 6n, from);
  await time.increaseTo(from + 10n);
  const secondT = from + 5n;
  const secondEth = commitmentOf(ETH_ASSET, 9n);
  await f.ledger.connect(second).commit(secondT, [secondEth]);
  async function proofAgainstSecond(fields: Partial<FraudProofStruct> = {}): Promise<FraudProofStruct> {
    return f.accepted({
      rootHash: secondEth.rootHash,
      keyHash: SECOND_KEY_HASH,
      member: second.address,
      asset: BigInt(ETH_ASSET),
      t: secondT,
      claim: MAX_CLAIM,
      nullifier: SECOND_NULLIFIER,
      recipient: second.address,
      ...fields,
    });
  }
  return { ...f, second, secondEth, proofAgainstSecond };
}

describe("RestitutionClaims (in the Adjudicator)", function () {
  describe("booking through proveFraud", function () {
    it("books one claim per nullifier, tagged with the member and recipient, in the asset's token", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const claim = await f.adjudicator.claimOf(NULLIFIER);
      expect(claim.booked).to.equal(true);
      expect(claim.asset).to.equal(BigInt(ETH_ASSET));
      expect(claim.token).to.equal(ETH);
      expect(claim.remaining).to.equal(ONE);
      expect(claim.tag).to.equal(await f.adjudicator.claimTagOf(f.member.address, f.user.address));
      // The tag is the top 128 bits of keccak256(abi.encode(member, recipient)) with the lowest bit set: never zero.
      const encoded = ethers.AbiCoder.defaultAbiCoder().encode(
        ["address", "address"],
        [f.member.address, f.user.address],
      );
      expect(BigInt(claim.tag)).to.equal((BigInt(ethers.keccak256(encoded)) >> 128n) | 1n);
      expect(BigInt(await f.adjudicator.claimTagOf(ETH, ETH)) & 1n).to.equal(1n);
      // Another member, or the two names swapped, give another tag.
      expect(await f.adjudicator.claimTagOf(f.other.address, f.user.address)).not.to.equal(claim.tag);
      expect(await f.adjudicator.claimTagOf(f.user.address, f.member.address)).not.to.equal(claim.tag);
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(true);
      expect(await f.pool()).to.equal(FIRST_POOL);
      expect(await f.released()).to.equal(0n);
    });
    it("answers an unbooked nullifier with an empty claim", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const claim = await f.adjudicator.claimOf(NULLIFIER + 9n);
      expect([claim.booked, claim.asset, claim.token, claim.remaining, claim.tag]).to.deep.equal([
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
    it("pays a claim in full from the member's pool (anyone may call), then refuses with RestitutionClaimSettled", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const tx = f.adjudicator.connect(f.other).payClaim(NULLIFIER, f.member.address, f.user.address);
      await expect(tx)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.member.address, f.user.address, ETH, ONE, 0n);
      await expect(tx).to.emit(f.vault, "RestitutionReleased").withArgs(f.member.address, ETH, f.user.address, ONE);
      await expect(tx).to.changeEtherBalances(ethers, [f.vault, f.user, f.adjudicator, f.other], [-ONE, ONE, 0n, 0n]);
      // Held falls and released rises by exactly the payment.
      expect(await f.pool()).to.equal(FIRST_POOL - ONE);
      expect(await f.released()).to.equal(ONE);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(0n);
      // Still booked (the nullifier stays spent), but settled.
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(true);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimSettled")
        .withArgs(NULLIFIER);
      expect(await f.pool()).to.equal(FIRST_POOL - ONE);
      expect(await f.released()).to.equal(ONE);
    });
    it("pays what the member's pool holds of a larger claim, keeps the remainder payable and pays it once the pool refills", async function () {
      const f = await networkHelpers.loadFixture(system);
      const claim = FIRST_POOL + 2n * ONE;
      await f.book({ claim });
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.member.address, f.user.address, ETH, FIRST_POOL, 2n * ONE);
      expect(await f.pool()).to.equal(0n);
      expect(await f.released()).to.equal(FIRST_POOL);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(2n * ONE);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(f.member.address, ETH);
      // A second record proven against the member slashes again and refills its pool.
      await f.book({ nullifier: NULLIFIER + 1n, recipient: f.other.address, claim: 1n });
      const refill = slashOf(MEMBER_STAKE - FIRST_SLASH, SLASH.fraudBps).pool;
      expect(await f.pool()).to.equal(refill);
      const tx = f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address);
      await expect(tx)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.member.address, f.user.address, ETH, 2n * ONE, 0n);
      await expect(tx).to.changeEtherBalances(ethers, [f.vault, f.user], [-2n * ONE, 2n * ONE]);
      expect(await f.pool()).to.equal(refill - 2n * ONE);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimSettled")
        .withArgs(NULLIFIER);
      // Over both payments: exactly the booked amount.
      expect(await f.released()).to.equal(claim);
    });
    it("refills the member's pool from any slash of it (a missed deadline too)", async function () {
      const f = await networkHelpers.loadFixture(system);
      await f.adjudicator.connect(f.governance).setSlashParams({ ...SLASH, fraudBps: 0 });
      await f.book({ claim: ONE / 2n });
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(f.member.address, ETH);
      await f.ledger.connect(f.other).requestProof(f.member.address, f.t - 100n, { value: FEE });
      await time.increaseTo((await f.ledger.requestOf(1n)).deadline + 1n);
      await f.adjudicator.connect(f.prover).reportMissedDeadline(1n);
      const missed = slashOf(MEMBER_STAKE, SLASH.missedDeadlineBps).pool;
      expect(await f.pool()).to.equal(missed);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.member.address, f.user.address, ETH, ONE / 2n, 0n);
      expect(await f.pool()).to.equal(missed - ONE / 2n);
    });
    it("shares the member's pool between the claims against it: each paid at most what is left", async function () {
      const f = await networkHelpers.loadFixture(system);
      await f.book({ claim: FIRST_POOL - ONE });
      await f.book({ nullifier: NULLIFIER + 1n, recipient: f.other.address, claim: 5n * ONE });
      const held = await f.pool();
      await f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address);
      const left = held - (FIRST_POOL - ONE);
      await expect(f.adjudicator.payClaim(NULLIFIER + 1n, f.member.address, f.other.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER + 1n, f.member.address, f.other.address, ETH, left, 5n * ONE - left);
      expect(await f.pool()).to.equal(0n);
      expect(await f.released()).to.equal(held);
    });
    it("reverts with RestitutionUnknownClaim for a nullifier no proof booked", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      await expect(f.adjudicator.payClaim(42n, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionUnknownClaim")
        .withArgs(42n);
    });
    it("reverts with RestitutionWrongClaimant when the caller names anyone but the booked member and recipient", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const named: [string, string][] = [
        // The right member, another recipient.
        ...[f.other.address, f.member.address, f.prover.address, ETH].map((r): [string, string] => [
          f.member.address,
          r,
        ]),
        // The right recipient, another member.
        ...[f.other.address, f.user.address, f.operators[0].address, ETH].map((m): [string, string] => [
          m,
          f.user.address,
        ]),
        // Both swapped.
        [f.user.address, f.member.address],
      ];
      for (const [member, recipient] of named) {
        await expect(f.adjudicator.connect(f.other).payClaim(NULLIFIER, member, recipient))
          .to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongClaimant")
          .withArgs(NULLIFIER, member, recipient);
      }
      expect(await f.pool()).to.equal(FIRST_POOL);
      expect(await f.released()).to.equal(0n);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
    });
    it("reverts with RestitutionPoolEmpty while nothing was slashed into the member's pool", async function () {
      const f = await networkHelpers.loadFixture(system);
      // A zero fraud share books the claim but slashes nothing.
      await f.adjudicator.connect(f.governance).setSlashParams({ ...SLASH, fraudBps: 0 });
      await f.book();
      expect(await f.pool()).to.equal(0n);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(f.member.address, ETH);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
    });
    it("reverts with RestitutionClaimSettled for a zero-amount claim", async function () {
      const f = await networkHelpers.loadFixture(system);
      await f.book({ claim: 0n });
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(true);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimSettled")
        .withArgs(NULLIFIER);
    });
    it("pays a token claim from the member's token pool only, in the token", async function () {
      const f = await networkHelpers.loadFixture(system);
      const token = await f.token.getAddress();
      // Only ETH is collateral: a token claim finds the member's token pool empty although its ETH pool is full.
      await f.book({ asset: BigInt(TOKEN_ASSET), claim: 500n });
      expect(await f.pool(ETH)).to.equal(FIRST_POOL);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(f.member.address, token);
      // The token becomes collateral and the member deposits some; the next fraud slash fills its token pool.
      await f.vault.connect(f.governance).setTokenWeight(token, ONE);
      await f.token.mint(f.member.address, 1_000n);
      await f.token.connect(f.member).approve(await f.vault.getAddress(), 1_000n);
      await f.vault.connect(f.member).deposit(f.member.address, token, 1_000n);
      await f.book({ nullifier: NULLIFIER + 1n, claim: 1n });
      const tokenPool = slashOf(1_000n, SLASH.fraudBps).pool;
      expect(await f.pool(token)).to.equal(tokenPool);
      const ethPool = await f.pool(ETH);
      const tx = f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address);
      await expect(tx)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.member.address, f.user.address, token, tokenPool, 500n - tokenPool);
      await expect(tx).to.changeEtherBalance(ethers, f.user, 0n);
      expect(await f.token.balanceOf(f.user.address)).to.equal(tokenPool);
      expect(await f.pool(token)).to.equal(0n);
      expect(await f.released(token)).to.equal(tokenPool);
      expect(await f.pool(ETH)).to.equal(ethPool);
      expect(await f.released(ETH)).to.equal(0n);
    });
    it("reverts with CollateralVaultEthTransferFailed when the recipient refuses ETH, and stays payable", async function () {
      const f = await networkHelpers.loadFixture(system);
      const refuser = await ethers.deployContract("TestRejectingReceiver");
      const addr = await refuser.getAddress();
      await f.book({ recipient: addr });
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, addr))
        .to.be.revertedWithCustomError(f.vault, "CollateralVaultEthTransferFailed")
        .withArgs(addr, ONE);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
      expect(await f.pool()).to.equal(FIRST_POOL);
      await refuser.setRejecting(false);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, addr)).to.changeEtherBalance(
        ethers,
        refuser,
        ONE,
      );
    });
    it("never pays a re-entrant recipient twice", async function () {
      const f = await networkHelpers.loadFixture(system);
      const claimant = await ethers.deployContract("TestReentrantClaimant");
      const addr = await claimant.getAddress();
      await claimant.arm(await f.adjudicator.getAddress(), NULLIFIER, f.member.address, false);
      await f.book({ recipient: addr });
      const tx = f.adjudicator.payClaim(NULLIFIER, f.member.address, addr);
      await expect(tx).to.changeEtherBalances(ethers, [claimant, f.vault], [ONE, -ONE]);
      await expect(tx).to.emit(f.adjudicator, "ClaimPaid").withArgs(NULLIFIER, f.member.address, addr, ETH, ONE, 0n);
      // The claimant tried once, inside the payment, and was refused by the guard.
      expect(await claimant.attempts()).to.equal(1n);
      expect(await claimant.reentered()).to.equal(0n);
      const guard = f.adjudicator.interface.getError("ReentrancyGuardReentrantCall")!.selector;
      expect(await claimant.lastError()).to.equal(guard);
      expect(await f.pool()).to.equal(FIRST_POOL - ONE);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(0n);
    });
    it("leaves the claim payable when a re-entrant recipient refuses the payment its re-entry failed in", async function () {
      const f = await networkHelpers.loadFixture(system);
      const claimant = await ethers.deployContract("TestReentrantClaimant");
      const addr = await claimant.getAddress();
      await claimant.arm(await f.adjudicator.getAddress(), NULLIFIER, f.member.address, true);
      await f.book({ recipient: addr });
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, addr))
        .to.be.revertedWithCustomError(f.vault, "CollateralVaultEthTransferFailed")
        .withArgs(addr, ONE);
      expect((await f.adjudicator.claimOf(NULLIFIER)).remaining).to.equal(ONE);
      expect(await f.pool()).to.equal(FIRST_POOL);
      expect(await ethers.provider.getBalance(addr)).to.equal(0n);
    });
  });

  describe("one pool per member", function () {
    it("pays a claim only from the accused member's pool: RestitutionPoolEmpty(member) beside another's full pool", async function () {
      const f = await networkHelpers.loadFixture(twoMembers);
      // The fixture's member is slashed: its pool holds FIRST_POOL.
      await f.book();
      // A record proven against the second member with a zero fraud share: its claim is booked, its pool empty.
      await f.adjudicator.connect(f.governance).setSlashParams({ ...SLASH, fraudBps: 0 });
      const proof = await f.proofAgainstSecond({ claim: ONE, recipient: f.user.address });
      await f.adjudicator.connect(f.prover).proveFraud(proof, [f.secondEth]);
      expect(await f.pool(ETH, f.second.address)).to.equal(0n);
      await expect(f.adjudicator.payClaim(SECOND_NULLIFIER, f.second.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(f.second.address, ETH);
      // Naming the member whose pool is full (the right recipient): the claim is not against it.
      await expect(f.adjudicator.payClaim(SECOND_NULLIFIER, f.member.address, f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongClaimant")
        .withArgs(SECOND_NULLIFIER, f.member.address, f.user.address);
      expect(await f.pool()).to.equal(FIRST_POOL);
      expect(await f.released()).to.equal(0n);
      expect((await f.adjudicator.claimOf(SECOND_NULLIFIER)).remaining).to.equal(ONE);
      // The first member's own claim is still paid from its own pool.
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.member.address, f.user.address, ETH, ONE, 0n);
    });
    it("never pays a member's self-proven claim of 2^96 - 1 more than its own pool, nor anything slashed from another member", async function () {
      const f = await networkHelpers.loadFixture(twoMembers);
      const victim = f.member; // slashed first: its pool holds what its victims are owed
      const attacker = f.second;
      const vaultAddress = await f.vault.getAddress();

      // The victim member misses a proof request, then two records are proven against it (two victims).
      await f.ledger.connect(f.other).requestProof(victim.address, f.t - 100n, { value: FEE });
      await time.increaseTo((await f.ledger.requestOf(1n)).deadline + 1n);
      await f.adjudicator.connect(f.prover).reportMissedDeadline(1n);
      const missed = slashOf(MEMBER_STAKE, SLASH.missedDeadlineBps);
      const fraud1 = slashOf(MEMBER_STAKE - missed.taken, SLASH.fraudBps);
      const fraud2 = slashOf(MEMBER_STAKE - missed.taken - fraud1.taken, SLASH.fraudBps);
      const victimPool = missed.pool + fraud1.pool + fraud2.pool;
      // The two victims' claims add up to the victim member's whole pool.
      const firstClaim = ONE;
      const secondClaim = victimPool - firstClaim;
      await f.book({ claim: firstClaim, recipient: f.user.address });
      await f.book({ nullifier: NULLIFIER + 1n, claim: secondClaim, recipient: f.other.address });
      expect(await f.pool(ETH, victim.address)).to.equal(victimPool);
      expect(await f.pool(ETH, attacker.address)).to.equal(0n);

      // The attacker proves fraud against itself: its own key signed a fake record of 2^96 - 1 that its committed
      // tree omits, and it names itself as recipient (and submits the proof, so it gets the bounty too).
      const selfProof = await f.proofAgainstSecond();
      const selfProve = f.adjudicator.connect(attacker).proveFraud(selfProof, [f.secondEth]);
      const own = slashOf(OPERATOR_STAKE, SLASH.fraudBps);
      await expect(selfProve)
        .to.emit(f.adjudicator, "FraudProven")
        .withArgs(
          attacker.address,
          SECOND_NULLIFIER,
          ETH_ASSET,
          selfProof.t,
          MAX_CLAIM,
          attacker.address,
          attacker.address,
          own.taken,
        );
      expect(await f.pool(ETH, attacker.address)).to.equal(own.pool);
      expect(await f.pool(ETH, victim.address)).to.equal(victimPool);

      // Paid (by anyone) at most its own pool: what it was slashed less the bounty.
      const pay = f.adjudicator.connect(f.prover).payClaim(SECOND_NULLIFIER, attacker.address, attacker.address);
      await expect(pay)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(SECOND_NULLIFIER, attacker.address, attacker.address, ETH, own.pool, MAX_CLAIM - own.pool);
      await expect(pay)
        .to.emit(f.vault, "RestitutionReleased")
        .withArgs(attacker.address, ETH, attacker.address, own.pool);
      await expect(pay).to.changeEtherBalances(ethers, [attacker, f.vault], [own.pool, -own.pool]);
      expect(await f.pool(ETH, attacker.address)).to.equal(0n);
      expect(await f.pool(ETH, victim.address)).to.equal(victimPool);
      // Bounty and restitution together give it back exactly what it was slashed: never a wei more.
      expect(own.bounty + own.pool).to.equal(own.taken);

      // Nothing more: its pool is empty, the victim member's pool is not its to name, nor the victims' claims.
      await expect(f.adjudicator.connect(attacker).payClaim(SECOND_NULLIFIER, attacker.address, attacker.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(attacker.address, ETH);
      await expect(f.adjudicator.connect(attacker).payClaim(SECOND_NULLIFIER, victim.address, attacker.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongClaimant")
        .withArgs(SECOND_NULLIFIER, victim.address, attacker.address);
      for (const nullifier of [NULLIFIER, NULLIFIER + 1n]) {
        await expect(f.adjudicator.connect(attacker).payClaim(nullifier, victim.address, attacker.address))
          .to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongClaimant")
          .withArgs(nullifier, victim.address, attacker.address);
      }
      expect(await f.pool(ETH, victim.address)).to.equal(victimPool);
      expect((await f.adjudicator.claimOf(SECOND_NULLIFIER)).remaining).to.equal(MAX_CLAIM - own.pool);

      // The victim member's victims are paid in full, every wei of its pool to them.
      await expect(f.adjudicator.payClaim(NULLIFIER, victim.address, f.user.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, victim.address, f.user.address, ETH, firstClaim, 0n);
      const second = f.adjudicator.payClaim(NULLIFIER + 1n, victim.address, f.other.address);
      await expect(second)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER + 1n, victim.address, f.other.address, ETH, secondClaim, 0n);
      await expect(second).to.changeEtherBalances(ethers, [f.other, f.vault], [secondClaim, -secondClaim]);
      expect(await f.pool(ETH, victim.address)).to.equal(0n);
      expect(await f.released()).to.equal(own.pool + victimPool);
      // Still nothing for the attacker, though its claim is far from settled.
      await expect(f.adjudicator.payClaim(SECOND_NULLIFIER, attacker.address, attacker.address))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionPoolEmpty")
        .withArgs(attacker.address, ETH);

      // The vault still holds exactly every member's balance and pool (no bounty was refused).
      const everyone = [victim.address, ...f.operators.map((o) => o.address)];
      let books = 0n;
      for (const member of everyone) {
        books += (await f.vault.balanceOf(member, ETH)) + (await f.vault.pendingOf(member, ETH)).amount;
        books += await f.vault.restitutionOf(member, ETH);
      }
      expect((await f.vault.totals(ETH)).unclaimedBounty).to.equal(0n);
      expect(await ethers.provider.getBalance(vaultAddress)).to.equal(books);
    });
    it("pays a self-proven claim from the attacker's own pool even when it proves before the other member is slashed", async function () {
      const f = await networkHelpers.loadFixture(twoMembers);
      const attacker = f.second;
      await f.adjudicator.connect(attacker).proveFraud(await f.proofAgainstSecond(), [f.secondEth]);
      const own = slashOf(OPERATOR_STAKE, SLASH.fraudBps);
      // The other member is slashed later, with a victim's claim: its pool only ever pays that claim.
      await f.book({ claim: FIRST_POOL });
      await expect(f.adjudicator.payClaim(SECOND_NULLIFIER, attacker.address, attacker.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(SECOND_NULLIFIER, attacker.address, attacker.address, ETH, own.pool, MAX_CLAIM - own.pool);
      expect(await f.pool()).to.equal(FIRST_POOL);
      await expect(f.adjudicator.payClaim(NULLIFIER, f.member.address, f.user.address))
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(NULLIFIER, f.member.address, f.user.address, ETH, FIRST_POOL, 0n);
      expect(await f.released()).to.equal(own.pool + FIRST_POOL);
    });
  });
});
