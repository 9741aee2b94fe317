// The adjudicator's claim book (RestitutionClaims): claims are booked by accepted fraud proofs (proveFraud, with the
// stand-in verifier) against the proven member, keyed by (member, nullifier), for the record's payout commitment;
// they join the member's claim round of the asset's token and are paid pro rata after the round closes, from what the
// member's own pool held at settlement less the insurance share, only to the opening of the payout hash.
import { expect } from "chai";
import { network } from "hardhat";

import { fraudPublicSignals, type FraudProofStruct } from "../../src/consortium/index.js";
import { payoutHashOf } from "../../src/records/payout.js";
import {
  BOUNTY_SHARE_BPS,
  ETH_ASSET,
  INSURANCE_SHARE_BPS,
  KEY_HASH,
  MAX_INSURANCE_SHARE_BPS,
  SLASH,
  TOKEN_ASSET,
  UNBONDING_DELAY,
  commitmentOf,
  deployLedgerSystem,
  settlementOf,
} from "./ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const ETH = ethers.ZeroAddress;
const ONE = 10n ** 18n;
const NULLIFIER = 123456789n;
const SALT = 4242n;
/** The largest claim a record can book (record balances are below 2^96). */
const MAX_CLAIM = 2n ** 96n - 1n;
/** The second member's record key (every key hash belongs to one member). */
const SECOND_KEY_HASH = KEY_HASH + 77n;
/** Rounds last max(claimWindow = 2 days, unbondingDelay = 7 days). */
const ROUND = UNBONDING_DELAY;

interface Terms {
  asset: bigint;
  claim: bigint;
  round: bigint;
  payoutHash: bigint;
}

/** `bps` of `amount`, and the part of it a slash puts in the pool (all but the bounty). */
function slashOf(amount: bigint, bps: number): { taken: bigint; bounty: bigint; pool: bigint } {
  const taken = (amount * BigInt(bps)) / 10_000n;
  const bounty = (taken * BOUNTY_SHARE_BPS) / 10_000n;
  return { taken, bounty, pool: taken - bounty };
}

/** The ledger system with the member's ETH and TOKEN roots committed at t, and a prover of fraud against them. */
async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const t = BigInt(await time.latest()) - 20n;
  const eth = commitmentOf(ETH_ASSET, 1n);
  const tok = commitmentOf(TOKEN_ASSET, 1n);
  await f.ledger.connect(f.member).commit(t, [eth, tok]);
  const victimPayout = payoutHashOf({ address: f.user.address, salt: SALT });

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
      payoutHash: victimPayout,
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
  /** Books a claim through an accepted fraud proof by `by` (which also slashes the member and fills its pool). */
  async function book(fields: Partial<FraudProofStruct> = {}, by = f.prover): Promise<FraudProofStruct> {
    const p = await proofFor(fields);
    await f.adjudicator.connect(by).proveFraud(p, [eth, tok]);
    return p;
  }
  function termsOf(p: FraudProofStruct, round = 1n): Terms {
    return { asset: BigInt(p.asset), claim: p.claim, round, payoutHash: p.payoutHash };
  }
  /** What `member`'s restitution pool holds of `token`. */
  async function pool(token = ETH, member: string = f.member.address): Promise<bigint> {
    return f.vault.restitutionOf(member, token);
  }
  /** The adjudicator's books equal what it holds of `token`. */
  async function checkBooks(token = ETH): Promise<void> {
    const totals = await f.adjudicator.claimTotalsOf(token);
    const adjudicator = await f.adjudicator.getAddress();
    const held = token === ETH ? await ethers.provider.getBalance(adjudicator) : await f.token.balanceOf(adjudicator);
    expect(held).to.equal(totals.insurance + totals.reserved);
  }
  return { ...f, t, eth, tok, victimPayout, proofFor, accepted, book, termsOf, pool, checkBooks };
}

/** One ETH claim of 1 ETH for the user's payout, booked by the prover: the member's pool holds the first slash. */
async function bookedEth() {
  const f = await system();
  const proof = await f.book();
  return { ...f, proof, terms: f.termsOf(proof) };
}

/** A second member (the first operator) with its own key and an ETH root committed at `secondT`. */
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
      nullifier: NULLIFIER,
      payoutHash: payoutHashOf({ address: second.address, salt: 1n }),
      ...fields,
    });
  }
  return { ...f, second, secondEth, proofAgainstSecond };
}

describe("RestitutionClaims (in the Adjudicator)", function () {
  describe("the payout is the user's", function () {
    it("books the victim's payout when the cheating member proves the victim's record first, and pays only its opening", async function () {
      const f = await networkHelpers.loadFixture(system);
      // The member front-runs its victim with the victim's own record.
      const proof = await f.book({}, f.member);
      const terms = f.termsOf(proof);
      expect(await f.adjudicator.claimWordOf(f.member.address, NULLIFIER)).to.equal(
        (await f.adjudicator.claimDigestOf(terms)) | 1n,
      );
      // The victim's own proof now finds the nullifier spent for this member: the claim is already the victim's.
      await expect(f.adjudicator.connect(f.user).proveFraud(proof, [f.eth, f.tok]))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNullifierSpent")
        .withArgs(f.member.address, NULLIFIER);
      await time.increase(ROUND);
      // The member cannot open the payout to itself, with any salt.
      for (const salt of [0n, SALT, 1n]) {
        await expect(
          f.adjudicator.connect(f.member).payClaim(f.member.address, NULLIFIER, terms, f.member.address, salt),
        )
          .to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongPayout")
          .withArgs(f.member.address, NULLIFIER, f.member.address);
      }
      // Anyone (the member too) may trigger the payment; the money goes to the victim's payout address.
      const pool = await f.pool();
      const { insurance } = settlementOf(pool, ONE);
      const tx = f.adjudicator.connect(f.member).payClaim(f.member.address, NULLIFIER, terms, f.user.address, SALT);
      await expect(tx)
        .to.emit(f.adjudicator, "ClaimPaid")
        .withArgs(f.member.address, NULLIFIER, f.user.address, ETH, ONE);
      await expect(tx)
        .to.emit(f.adjudicator, "RoundSettled")
        .withArgs(f.member.address, ETH, 1n, pool, insurance, ONE, ONE);
      await expect(tx).to.changeEtherBalances(ethers, [f.user, f.member], [ONE, 0n]);
      await expect(f.adjudicator.payClaim(f.member.address, NULLIFIER, terms, f.user.address, SALT))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimPaid")
        .withArgs(f.member.address, NULLIFIER);
      await f.checkBooks();
    });
    it("keeps claims per member: another member's proof of the same nullifier neither spends nor touches this one", async function () {
      const f = await networkHelpers.loadFixture(twoMembers);
      // The second member proves a record with the victim's nullifier against its own set first.
      await f.adjudicator.connect(f.second).proveFraud(await f.proofAgainstSecond(), [f.secondEth]);
      expect(await f.adjudicator.isNullifierSpent(f.second.address, NULLIFIER)).to.equal(true);
      expect(await f.adjudicator.isNullifierSpent(f.member.address, NULLIFIER)).to.equal(false);
      expect(await f.adjudicator.claimWordOf(f.member.address, NULLIFIER)).to.equal(0n);
      // The victim's proof against the cheater still books, for the victim's payout, in the cheater's round.
      const proof = await f.book({}, f.user);
      const word = await f.adjudicator.claimWordOf(f.member.address, NULLIFIER);
      expect(word).to.equal((await f.adjudicator.claimDigestOf(f.termsOf(proof))) | 1n);
      // And the second member's claim stays as booked: rounds and pools are per member.
      expect((await f.adjudicator.roundOf(f.second.address, ETH, 1)).booked).to.equal(MAX_CLAIM);
      expect((await f.adjudicator.roundOf(f.member.address, ETH, 1)).booked).to.equal(ONE);
    });
    it("refuses payment with terms other than booked: another member, asset, round, amount or payout hash", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      await time.increase(ROUND);
      const wrong: [string, Terms][] = [
        [f.operators[0].address, f.terms],
        [f.member.address, { ...f.terms, asset: BigInt(TOKEN_ASSET) }],
        [f.member.address, { ...f.terms, round: 2n }],
        [f.member.address, { ...f.terms, claim: ONE + 1n }],
        [f.member.address, { ...f.terms, payoutHash: payoutHashOf({ address: f.other.address, salt: 1n }) }],
      ];
      for (const [member, terms] of wrong) {
        await expect(f.adjudicator.payClaim(member, NULLIFIER, terms, f.other.address, 1n))
          .to.be.revertedWithCustomError(f.adjudicator, "RestitutionUnknownClaim")
          .withArgs(member, NULLIFIER);
      }
      await expect(f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT)).to.emit(
        f.adjudicator,
        "ClaimPaid",
      );
    });
    it("holds a claim booked without a payout until governance assigns one (once, with a reason)", async function () {
      const f = await networkHelpers.loadFixture(system);
      const proof = await f.book({ payoutHash: 0n });
      const terms = f.termsOf(proof);
      await time.increase(ROUND);
      await expect(
        f.adjudicator.payClaim(f.member.address, NULLIFIER, terms, ethers.ZeroAddress, 0n),
      ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongPayout");
      await expect(
        f.adjudicator.connect(f.other).assignPayout(f.member.address, NULLIFIER, terms, f.victimPayout, "kyc"),
      ).to.be.revertedWithCustomError(f.adjudicator, "AccessControlUnauthorizedAccount");
      await expect(
        f.adjudicator.connect(f.governance).assignPayout(f.member.address, NULLIFIER, terms, f.victimPayout, "kyc #12"),
      )
        .to.emit(f.adjudicator, "PayoutAssigned")
        .withArgs(f.member.address, NULLIFIER, f.victimPayout, "kyc #12");
      const assigned = { ...terms, payoutHash: f.victimPayout };
      // Once: the old terms are gone, the new ones carry a payout.
      await expect(
        f.adjudicator.connect(f.governance).assignPayout(f.member.address, NULLIFIER, terms, 5n, "again"),
      ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionUnknownClaim");
      await expect(
        f.adjudicator.connect(f.governance).assignPayout(f.member.address, NULLIFIER, assigned, 5n, "again"),
      ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionPayoutAlreadySet");
      await expect(
        f.adjudicator.payClaim(f.member.address, NULLIFIER, assigned, f.user.address, SALT),
      ).to.changeEtherBalance(ethers, f.user, ONE);
    });
  });

  describe("claim rounds", function () {
    it("pays nothing before the round closes (RestitutionRoundOpen), however the member tries", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const closesAt = (await f.adjudicator.roundOf(f.member.address, ETH, 1)).closesAt;
      expect(closesAt).to.equal(BigInt(await time.latest()) + ROUND);
      await expect(f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen")
        .withArgs(f.member.address, ETH, 1n, closesAt);
      await expect(f.adjudicator.settleRound(f.member.address, ETH, 1))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen")
        .withArgs(f.member.address, ETH, 1n, closesAt);
      await time.increaseTo(closesAt - 2n);
      await expect(
        f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT),
      ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen");
      await time.increaseTo(closesAt);
      await expect(f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT)).to.emit(
        f.adjudicator,
        "ClaimPaid",
      );
    });
    it("attack: a convicted member proves fake 2^96-1 records against itself in one block: nothing before the window, after it at most its bounties plus (1 - insurance) of the pool", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const multicall = await ethers.deployContract("TestMulticall");
      const adjudicator = await f.adjudicator.getAddress();
      // The member's fake records, paid to a contract it controls, all proven in ONE transaction.
      const mine = await multicall.getAddress();
      const fakes = await Promise.all(
        [1n, 2n, 3n].map((i) =>
          f.proofFor({
            nullifier: NULLIFIER + i,
            claim: MAX_CLAIM,
            payoutHash: payoutHashOf({ address: mine, salt: i }),
          }),
        ),
      );
      const poolBefore = await f.pool();
      const stakeBefore = await f.vault.balanceOf(f.member.address, ETH);
      const payAll = fakes.map((p, i) => ({
        target: adjudicator,
        value: 0n,
        data: f.adjudicator.interface.encodeFunctionData("payClaim", [
          f.member.address,
          p.nullifier,
          f.termsOf(p),
          mine,
          BigInt(i + 1),
        ]),
      }));
      const proveAll = fakes.map((p) => ({
        target: adjudicator,
        value: 0n,
        data: f.adjudicator.interface.encodeFunctionData("proveFraud", [p, [f.eth, f.tok]]),
      }));
      // Proving and paying in the same transaction: refused (the round is open).
      await expect(multicall.run([...proveAll, ...payAll])).to.be.revertedWithCustomError(
        f.adjudicator,
        "RestitutionRoundOpen",
      );
      const tx = multicall.run(proveAll);
      await tx;
      // Only the bounties left the vault (to the prover contract): 10% of each slash.
      let left = stakeBefore;
      let bounties = 0n;
      for (let i = 0; i < 3; i++) {
        const s = slashOf(left, SLASH.fraudBps);
        bounties += s.bounty;
        left -= s.taken;
      }
      expect(await ethers.provider.getBalance(mine)).to.equal(bounties);
      const pool = await f.pool();
      expect(pool).to.equal(poolBefore + (stakeBefore - left) - bounties);
      // Nothing else before the window, by any caller.
      for (const call of payAll) {
        await expect(multicall.run([call])).to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen");
      }
      await time.increase(ROUND);
      await multicall.run(payAll);
      const victim = f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT);
      await victim;
      const booked = 3n * MAX_CLAIM + ONE;
      const { reserved, insurance } = settlementOf(pool, booked);
      // The claims exceed the pool: the round reserves (1 - insurance) of it and insurance takes the rest.
      expect(reserved).to.equal((pool * (10_000n - INSURANCE_SHARE_BPS)) / 10_000n);
      const got = (await ethers.provider.getBalance(mine)) - bounties;
      // Pro rata: the victim's 1 ETH against 3 * (2^96 - 1) of fakes (the last payer takes the rounding remainder).
      expect(got).to.be.lessThanOrEqual((3n * MAX_CLAIM * reserved) / booked + 3n);
      expect(got + bounties).to.be.lessThanOrEqual(bounties + ((10_000n - INSURANCE_SHARE_BPS) * pool) / 10_000n);
      // The insurance share stays out of its reach (on the adjudicator's books, for the insurance fund).
      expect((await f.adjudicator.claimTotalsOf(ETH)).insurance).to.equal(insurance);
      // The round took the whole pool but the rounding dust (at most 1 wei at a 20% share).
      expect(await f.pool()).to.equal(pool - reserved - insurance);
      expect(pool - reserved - insurance).to.be.lessThanOrEqual(1n);
      await f.checkBooks();
    });
    it("with a veto of the fakes during the window the member keeps only its bounties and the victim is paid in full", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const fakes: FraudProofStruct[] = [];
      for (const i of [1n, 2n, 3n]) {
        fakes.push(
          await f.book(
            {
              nullifier: NULLIFIER + i,
              claim: MAX_CLAIM,
              payoutHash: payoutHashOf({ address: f.member.address, salt: i }),
            },
            f.member,
          ),
        );
      }
      await expect(
        f.adjudicator.connect(f.other).vetoClaim(f.member.address, fakes[0].nullifier, f.termsOf(fakes[0]), "no"),
      )
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionNotVetoer")
        .withArgs(f.other.address);
      for (const [i, p] of fakes.entries()) {
        const by = i === 0 ? f.governance : f.auditor;
        await expect(
          f.adjudicator.connect(by).vetoClaim(f.member.address, p.nullifier, f.termsOf(p), "self-signed fake"),
        )
          .to.emit(f.adjudicator, "ClaimVetoed")
          .withArgs(f.member.address, p.nullifier, by.address, "self-signed fake");
      }
      expect((await f.adjudicator.roundOf(f.member.address, ETH, 1)).booked).to.equal(ONE);
      await time.increase(ROUND);
      await expect(
        f.adjudicator.payClaim(f.member.address, fakes[0].nullifier, f.termsOf(fakes[0]), f.member.address, 1n),
      )
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimVetoed")
        .withArgs(f.member.address, fakes[0].nullifier);
      await expect(
        f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT),
      ).to.changeEtherBalance(ethers, f.user, ONE);
      // Vetoes end with the round.
      await expect(
        f.adjudicator.connect(f.governance).vetoClaim(f.member.address, NULLIFIER, f.terms, "late"),
      ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimPaid");
      await f.checkBooks();
    });
    it("takes what a round reserves plus insurance of exactly its share of that, at the share the round opened with (at most 50%); a round with nothing booked takes nothing", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const member = f.member.address;
      const { claimWindow, insuranceFund } = await f.adjudicator.claimParams();
      const withShare = (insuranceShareBps: bigint) => ({ claimWindow, insuranceShareBps, insuranceFund });
      await expect(f.adjudicator.connect(f.governance).setClaimParams(withShare(MAX_INSURANCE_SHARE_BPS + 1n)))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionBadClaimParams")
        .withArgs(claimWindow, MAX_INSURANCE_SHARE_BPS + 1n, insuranceFund);
      // Raised to 50% while round 1 is open: round 1 keeps the 20% it opened with.
      await f.adjudicator.connect(f.governance).setClaimParams(withShare(MAX_INSURANCE_SHARE_BPS));
      await time.increase(ROUND);
      const pool1 = await f.pool();
      const first = settlementOf(pool1, ONE, INSURANCE_SHARE_BPS);
      expect([first.reserved, first.insurance * 10_000n]).to.deep.equal([ONE, first.taken * INSURANCE_SHARE_BPS]);
      await expect(f.adjudicator.settleRound(member, ETH, 1))
        .to.emit(f.adjudicator, "RoundSettled")
        .withArgs(member, ETH, 1n, pool1, first.insurance, ONE, ONE);
      expect(await f.pool()).to.equal(pool1 - first.taken);
      // Round 2 opens at 50%: a 1 ETH claim and a vetoed fake; insurance is half of what the round takes.
      const paid = await f.book({ nullifier: NULLIFIER + 10n });
      const fake = await f.book({ nullifier: NULLIFIER + 11n, claim: MAX_CLAIM }, f.member);
      await f.adjudicator.connect(f.auditor).vetoClaim(member, fake.nullifier, f.termsOf(fake, 2n), "fake");
      await time.increase(ROUND);
      const pool2 = await f.pool();
      const second = settlementOf(pool2, ONE, MAX_INSURANCE_SHARE_BPS);
      expect([second.reserved, second.insurance]).to.deep.equal([ONE, ONE]);
      await expect(f.adjudicator.payClaim(member, paid.nullifier, f.termsOf(paid, 2n), f.user.address, SALT))
        .to.emit(f.adjudicator, "RoundSettled")
        .withArgs(member, ETH, 2n, pool2, ONE, ONE, ONE);
      expect(await f.pool()).to.equal(pool2 - 2n * ONE);
      // Round 3: its only claim vetoed, it settles taking nothing (the pool keeps it all for later rounds).
      const vetoed = await f.book({ nullifier: NULLIFIER + 12n, claim: MAX_CLAIM }, f.member);
      await f.adjudicator.connect(f.auditor).vetoClaim(member, vetoed.nullifier, f.termsOf(vetoed, 3n), "fake");
      await time.increase(ROUND);
      const pool3 = await f.pool();
      expect(settlementOf(pool3, 0n, MAX_INSURANCE_SHARE_BPS).taken).to.equal(0n);
      await expect(f.adjudicator.settleRound(member, ETH, 3))
        .to.emit(f.adjudicator, "RoundSettled")
        .withArgs(member, ETH, 3n, pool3, 0n, 0n, 0n);
      expect(await f.pool()).to.equal(pool3);
      expect((await f.adjudicator.claimTotalsOf(ETH)).insurance).to.equal(first.insurance + ONE);
      await f.checkBooks();
    });
    it("refuses a veto once the round has closed (RestitutionRoundClosed)", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const closesAt = (await f.adjudicator.roundOf(f.member.address, ETH, 1)).closesAt;
      await time.increaseTo(closesAt);
      await expect(f.adjudicator.connect(f.auditor).vetoClaim(f.member.address, NULLIFIER, f.terms, "late"))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundClosed")
        .withArgs(f.member.address, ETH, 1n, closesAt);
    });
    it("keeps a claim booked in the round's last moments vetoable: the close moves to VETO_GRACE after it (RoundExtended)", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      const closesAt = (await f.adjudicator.roundOf(f.member.address, ETH, 1)).closesAt;
      const grace = await f.adjudicator.VETO_GRACE();
      expect(grace).to.equal(86_400n);
      // Booked one second before the close.
      await time.setNextBlockTimestamp(closesAt - 1n);
      const late = await f.proofFor({ nullifier: NULLIFIER + 1n, claim: MAX_CLAIM });
      await expect(f.adjudicator.connect(f.member).proveFraud(late, [f.eth, f.tok]))
        .to.emit(f.adjudicator, "RoundExtended")
        .withArgs(f.member.address, ETH, 1n, closesAt - 1n + grace);
      expect((await f.adjudicator.roundOf(f.member.address, ETH, 1)).closesAt).to.equal(closesAt - 1n + grace);
      await time.increaseTo(closesAt + 10n);
      await expect(f.adjudicator.settleRound(f.member.address, ETH, 1)).to.be.revertedWithCustomError(
        f.adjudicator,
        "RestitutionRoundOpen",
      );
      await f.adjudicator.connect(f.auditor).vetoClaim(f.member.address, NULLIFIER + 1n, f.termsOf(late), "own record");
      // A claim booked with more than the grace left moves nothing.
      const info = await f.adjudicator.roundOf(f.member.address, ETH, 1);
      await time.increaseTo(info.closesAt);
      await f.adjudicator.settleRound(f.member.address, ETH, 1);
      // The victim's claim is paid in full (the vetoed claim left the round's booking).
      const paid = await f.adjudicator.claimPayment(f.member.address, f.terms);
      expect(paid).to.equal(f.terms.claim);
    });

    it("settles once (idempotent): a second settleRound or a payment moves nothing more", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      await time.increase(ROUND);
      await expect(f.adjudicator.settleRound(f.member.address, ETH, 1)).to.emit(f.adjudicator, "RoundSettled");
      const pool = await f.pool();
      const totals = [...(await f.adjudicator.claimTotalsOf(ETH))];
      await expect(f.adjudicator.settleRound(f.member.address, ETH, 1)).not.to.emit(f.adjudicator, "RoundSettled");
      expect(await f.pool()).to.equal(pool);
      expect([...(await f.adjudicator.claimTotalsOf(ETH))]).to.deep.equal(totals);
      const tx = f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT);
      await expect(tx).not.to.emit(f.adjudicator, "RoundSettled");
      await expect(tx).to.changeEtherBalance(ethers, f.user, ONE);
      await expect(f.adjudicator.settleRound(f.member.address, ETH, 2))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionUnknownRound")
        .withArgs(f.member.address, ETH, 2n);
      await f.checkBooks();
    });
    it("pays victims pro rata, never raced, and rounding never pays more than the round reserved", async function () {
      const f = await networkHelpers.loadFixture(system);
      // A pool of 4.5 ETH after the first slash; three claims of 7 ETH: the round reserves 80% of the pool.
      const claims: FraudProofStruct[] = [];
      for (const i of [0n, 1n, 2n]) {
        claims.push(
          await f.book({
            nullifier: NULLIFIER + i,
            claim: 7n * ONE + i,
            payoutHash: payoutHashOf({ address: f.operators[Number(i)].address, salt: i }),
          }),
        );
      }
      const pool = await f.pool();
      await time.increase(ROUND);
      const booked = 21n * ONE + 3n;
      const { reserved } = settlementOf(pool, booked);
      let paid = 0n;
      // Paid in reverse order: each gets its share whoever is first.
      for (const i of [2, 1, 0]) {
        const p = claims[i];
        const before = await ethers.provider.getBalance(f.operators[i].address);
        await f.adjudicator
          .connect(f.other)
          .payClaim(f.member.address, p.nullifier, f.termsOf(p), f.operators[i].address, BigInt(i));
        const amount = (await ethers.provider.getBalance(f.operators[i].address)) - before;
        const share = (p.claim * reserved) / booked;
        expect(amount >= share && amount <= share + 2n).to.equal(true);
        expect(amount).to.be.lessThanOrEqual(p.claim);
        paid += amount;
      }
      expect(paid).to.equal(reserved);
      expect((await f.adjudicator.claimTotalsOf(ETH)).reserved).to.equal(0n);
      await f.checkBooks();
    });
    it("opens the next round with the first claim after the window, settling the closed one in the same call", async function () {
      const f = await networkHelpers.loadFixture(bookedEth);
      await time.increase(ROUND);
      const tx = f.adjudicator.connect(f.prover).proveFraud(await f.proofFor({ nullifier: 5n }), [f.eth, f.tok]);
      await expect(tx).to.emit(f.adjudicator, "RoundSettled");
      await expect(tx).to.emit(f.adjudicator, "FraudProven");
      const round2 = await f.adjudicator.roundOf(f.member.address, ETH, 0);
      expect([round2.round, round2.booked, round2.settled]).to.deep.equal([2n, ONE, false]);
      // The first round's claim is payable at once from its settlement.
      await expect(
        f.adjudicator.payClaim(f.member.address, NULLIFIER, f.terms, f.user.address, SALT),
      ).to.changeEtherBalance(ethers, f.user, ONE);
      await f.checkBooks();
    });
    it("pays a token claim from the member's token pool, in the token", async function () {
      const f = await networkHelpers.loadFixture(system);
      const token = await f.token.getAddress();
      await f.vault.connect(f.governance).setTokenWeight(token, 10n ** 18n);
      await f.token.mint(f.member.address, 1_000n);
      await f.token.connect(f.member).approve(await f.vault.getAddress(), 1_000n);
      await f.vault.connect(f.member).deposit(f.member.address, token, 1_000n);
      const proof = await f.book({ asset: BigInt(TOKEN_ASSET), claim: 100n });
      const pool = await f.pool(token);
      expect(pool).to.equal(slashOf(1_000n, SLASH.fraudBps).pool);
      await time.increase(ROUND);
      await expect(
        f.adjudicator.payClaim(f.member.address, NULLIFIER, f.termsOf(proof), f.user.address, SALT),
      ).to.changeTokenBalances(ethers, f.token, [f.user], [100n]);
      await f.checkBooks(token);
    });
  });

  describe("hostile payout addresses", function () {
    it("reverts with RestitutionEthTransferFailed when the payout address refuses ETH, and stays payable", async function () {
      const f = await networkHelpers.loadFixture(system);
      const refuser = await ethers.deployContract("TestRejectingReceiver");
      const address = await refuser.getAddress();
      const proof = await f.book({ payoutHash: payoutHashOf({ address, salt: 1n }) });
      await time.increase(ROUND);
      await expect(f.adjudicator.payClaim(f.member.address, NULLIFIER, f.termsOf(proof), address, 1n))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionEthTransferFailed")
        .withArgs(address, ONE);
      await refuser.setRejecting(false);
      await expect(
        f.adjudicator.payClaim(f.member.address, NULLIFIER, f.termsOf(proof), address, 1n),
      ).to.changeEtherBalance(ethers, address, ONE);
    });
    it("never pays a re-entrant payout address twice", async function () {
      const f = await networkHelpers.loadFixture(system);
      const claimant = await ethers.deployContract("TestReentrantClaimant");
      const address = await claimant.getAddress();
      const proof = await f.book({ payoutHash: payoutHashOf({ address, salt: 3n }) });
      const terms = f.termsOf(proof);
      await claimant.arm(await f.adjudicator.getAddress(), f.member.address, NULLIFIER, terms, 3n, false);
      await time.increase(ROUND);
      await expect(f.adjudicator.payClaim(f.member.address, NULLIFIER, terms, address, 3n)).to.changeEtherBalance(
        ethers,
        address,
        ONE,
      );
      expect([await claimant.attempts(), await claimant.reentered()]).to.deep.equal([1n, 0n]);
      await f.checkBooks();
    });
  });
});
