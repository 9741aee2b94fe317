// Attack review of issue 15 (0-confirmation transfers), by a reviewer with no stake in it. Real components: the
// whole system from the Ignition module (test/contracts/ledger-fixture.ts) on Hardhat EDR, real EIP-712 signatures,
// the real CollateralVault paying the slash. Exploits that work today are `it.skip("EXPLOIT: ...")`, written to pass
// once the defence exists; refused attacks are passing `it("defence: ...")`.
import { expect } from "chai";
import { Signature, Wallet, ZeroAddress, concat } from "ethers";
import { network } from "hardhat";

import {
  DEPOSIT_ADDRESS_TYPES,
  signDepositAddress,
  signNotice,
  signSettlement,
  transfersDomain,
  type NoticeRecord,
} from "../../src/transfers/index.js";
import { fraudPublicSignals, packSignatures } from "../../src/consortium/index.js";
import { payoutHashOf } from "../../src/records/payout.js";
import {
  ETH_ASSET,
  KEY_HASH,
  MEMBER_STAKE,
  TOKEN_ASSET,
  UNBONDING_DELAY,
  commitmentOf,
  deployLedgerSystem,
} from "../contracts/ledger-fixture.js";
import { ethGainOf, noticeDrafter } from "../helpers/transfers.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const ETH = 10n ** 18n;
const BPS = 10_000n;
const OFF_ASSET = 3;
const STATUS = { Open: 1n, Settled: 2n, Defaulted: 3n, Paid: 4n };

async function attackSystem() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = transfersDomain(chainId, await f.transfers.getAddress());
  const [recipient, colluder] = [f.operators[0], f.operators[1]];
  const deadline = BigInt(await time.latest()) + 3_600n;
  // The recipient's plain deposit address for ETH, and one for an off-chain asset settled by the quorum.
  await f.registry.listAsset(OFF_ASSET, ZeroAddress, "BTC", 8);
  await f.transfers.setAssetTerms(OFF_ASSET, { kind: 3, weight: 10n ** 29n });
  const ethDeposit = Wallet.createRandom();
  const offDeposit = Wallet.createRandom();
  for (const [asset, wallet, member] of [
    [ETH_ASSET, ethDeposit, recipient],
    [OFF_ASSET, offDeposit, recipient],
  ] as const) {
    const sig = await signDepositAddress(wallet, domain, member.address, asset, deadline);
    await f.transfers.connect(member).registerDepositAddress(asset, wallet.address, deadline, sig);
  }
  // The colluder's deposit address (an address it controls).
  const colluderDeposit = Wallet.createRandom();
  const colluderSig = await signDepositAddress(colluderDeposit, domain, colluder.address, ETH_ASSET, deadline);
  await f.transfers.connect(colluder).registerDepositAddress(ETH_ASSET, colluderDeposit.address, deadline, colluderSig);
  return { ...f, domain, sender: f.member, recipient, colluder, ethDeposit, offDeposit, colluderDeposit };
}
type A = Awaited<ReturnType<typeof attackSystem>>;

const { draft, postAs } = noticeDrafter({ ethers, networkHelpers, ignition }, 1_000n);
const gainOf = (to: string, f: () => Promise<unknown>) => ethGainOf({ ethers, networkHelpers, ignition }, to, f);

/**
 * Reports `record`'s default (by `a.other`), waits for the payout (the unbonding delay after posting) and has a
 * stranger (`a.user`) pay it: what `to` (default the recipient) gained in ETH.
 */
async function defaultAndPay(a: A, record: NoticeRecord, to = record.notice.recipient): Promise<bigint> {
  await a.transfers.connect(a.other).reportDefault(record);
  await time.increaseTo(record.postedAt + UNBONDING_DELAY);
  return gainOf(to, () => a.transfers.connect(a.user).payDefault(record, to));
}

describe("attack: issue 15 transfers", function () {
  let a: A;
  beforeEach(async function () {
    a = await networkHelpers.loadFixture(attackSystem);
  });

  describe("the default slash reads the stake not pending withdrawal, but cuts balance and pending alike", function () {
    // How it works: Adjudicator.slashTransferDefault computes bps = owed / stakeOf(sender), and stakeOf excludes the
    // collateral pending withdrawal; CollateralVault.slash then cuts bps of the balance AND of the pending amount.
    // A sender that posts a notice, requests exit (so the minimum collateral no longer binds) and requests withdrawal
    // of everything has stakeOf = 0: bps = 0, the Adjudicator only counts a slash, and the recipient gets nothing,
    // although all 10 ETH are still in the vault for the unbonding delay. The sender withdraws them 7 days later
    // and keeps the 4 ETH it never paid. Fix: compute bps over balance + pending (the slashable total), or have
    // the vault slash a weight amount rather than a share of a different base.
    it("defence (was an EXPLOIT): a sender escapes a default by requesting exit and withdrawal of all its stake after posting", async function () {
      const record = await postAs(a);
      const owed = await a.transfers.owedWeightOf(ETH_ASSET, record.notice.amount);
      await a.registry.connect(a.sender).requestExit();
      await a.vault.connect(a.sender).requestWithdrawal(ZeroAddress, MEMBER_STAKE);
      expect(await a.vault.stakeOf(a.sender.address)).to.equal(0n);
      await time.increaseTo(record.notice.settleBy + 1n);
      const paid = await defaultAndPay(a, record);
      expect(await a.transfers.noticeStatusOf(record)).to.equal(STATUS.Paid);
      // Before: paid == 0 and the sender withdraws MEMBER_STAKE after the unbonding delay.
      expect(paid).to.be.gte(owed);
    });

    // Same root cause, the other way: an Active sender withdraws down to the minimum collateral (1 ETH) after
    // posting; bps = owed / 1 ETH is capped at 100% and the vault cuts 100% of the balance AND of the 9 ETH pending,
    // so the recipient is paid all 10 ETH for 4.4 ETH owed (the sender loses 5.6 ETH more than it owes).
    it("defence (was an EXPLOIT): a sender with stake pending withdrawal is slashed far more than owed, paid to the recipient", async function () {
      const record = await postAs(a);
      const owed = await a.transfers.owedWeightOf(ETH_ASSET, record.notice.amount);
      await a.vault.connect(a.sender).requestWithdrawal(ZeroAddress, MEMBER_STAKE - ETH);
      await time.increaseTo(record.notice.settleBy + 1n);
      const paid = await defaultAndPay(a, record);
      // Today: paid == MEMBER_STAKE (10 ETH). The documented rounding is one basis point of the stake.
      expect(paid).to.be.gte(owed);
      expect(paid).to.be.lte(owed + MEMBER_STAKE / BPS + 1n);
    });

    it("defence: with no withdrawal pending the slash pays value plus penalty to the recipient, not the reporter", async function () {
      const record = await postAs(a);
      const owed = await a.transfers.owedWeightOf(ETH_ASSET, record.notice.amount);
      await time.increaseTo(record.notice.settleBy + 1n);
      const reporterBefore = await ethers.provider.getBalance(a.other.address);
      let gas = 0n;
      const receipt = await (await a.transfers.connect(a.other).reportDefault(record)).wait();
      gas = receipt!.gasUsed * receipt!.gasPrice;
      await time.increaseTo(record.postedAt + UNBONDING_DELAY);
      const paid = await gainOf(a.recipient.address, () =>
        a.transfers.connect(a.user).payDefault(record, a.recipient.address),
      );
      // The owed weight, no more (the slash's rounding up stays in the sender's pool for its claims).
      expect(paid).to.equal(owed);
      // The reporter (a stranger) gets nothing of it: it only pays its gas.
      expect(await ethers.provider.getBalance(a.other.address)).to.equal(reporterBefore - gas);
    });
  });

  describe("a recipient's deposit address that refuses ether forces a default", function () {
    // How it works: settle() pushes the ETH to the deposit address in the same call and reverts the whole settlement
    // if the push fails. The recipient registers a contract (an ERC-1271 wallet, so the ownership proof passes) that
    // has no receive(): no one can settle, the notice defaults at settle-by and the sender is slashed value + penalty,
    // paid to the recipient, which never lost anything. With 4 ETH: the recipient gains 4.4 ETH of the sender's
    // collateral, the sender keeps 4 ETH, nets -0.4 ETH, and gets a default on its record (lower credit). A contract
    // that accepts at registration and rejects later (or a token's blacklist of the deposit address for ERC-20)
    // does the same. Fixed: settle holds the amount for the recipient when the push fails (`PaymentHeld`,
    // `withdrawHeld`), so the payment is the settlement whatever the deposit address does.
    it("defence (was an EXPLOIT): the sender settles to an ETH-refusing deposit address; the amount is held for the recipient", async function () {
      const owner = Wallet.createRandom();
      const wallet = await ethers.deployContract("TestERC1271Wallet", [owner.address]);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await owner.signTypedData(a.domain, DEPOSIT_ADDRESS_TYPES, {
        member: a.recipient.address,
        asset: ETH_ASSET,
        depositAddress: await wallet.getAddress(),
        deadline,
      });
      await a.transfers
        .connect(a.recipient)
        .registerDepositAddress(ETH_ASSET, await wallet.getAddress(), deadline, sig);
      const record = await postAs(a, { depositAddress: await wallet.getAddress() });
      // Before: reverted TransfersNativeSendFailed, then reportDefault after settle-by paid the recipient 4.4 ETH.
      await a.transfers.connect(a.sender).settle(record, { value: record.notice.amount });
      expect(await a.transfers.noticeStatusOf(record)).to.equal(STATUS.Settled);
      expect(await a.transfers.heldOf(a.recipient.address, ZeroAddress)).to.equal(record.notice.amount);
      await time.increaseTo(record.notice.settleBy + 1n);
      await expect(a.transfers.reportDefault(record)).to.be.revertedWithCustomError(a.transfers, "TransfersNotOpen");
    });
  });

  describe("a default moves collateral to the recipient at once, ahead of the unbonding delay", function () {
    // How it works: a sender colluding with another member (or holding a second membership) posts a notice for its
    // whole credit to it with the shortest settle-by (minSettleWindow, 10 minutes), lets it default and the colluder
    // reports: the vault pays the colluder half the sender's stake (5.001 of 10 ETH: 4.545 ETH of credit plus the
    // 10% penalty and a basis point) 10 minutes after posting, where a withdrawal waits the 7-day unbonding delay
    // that exists so that fraud proofs (50% slashes, the claims rounds) still find the collateral. A sender that
    // knows a fraud proof is coming moves its collateral to a friend first.
    // Fixed: the slash stays in the sender's restitution pool until the unbonding delay after posting (`payDefault`,
    // `TransfersPayoutNotDue`), when a withdrawal requested at posting would have been paid too, and the claims
    // booked against the sender by then are served first (the next test).
    it("defence (was an EXPLOIT): a sender cannot move half its stake out in 10 minutes through a colluding recipient", async function () {
      const [available] = await a.transfers.creditOf(a.sender.address, a.colluder.address, ETH_ASSET);
      const postedAt = BigInt(await time.latest());
      const min = (await a.transfers.params()).minSettleWindow;
      const record = await postAs(a, {
        recipient: a.colluder.address,
        depositAddress: a.colluderDeposit.address,
        amount: available,
        settleBy: postedAt + min + 5n,
      });
      await time.increaseTo(record.notice.settleBy + 1n);
      const paid = await gainOf(a.colluder.address, () => a.transfers.connect(a.other).reportDefault(record));
      // Before: paid == 5.001 ETH, 10 minutes after posting.
      expect(BigInt(await time.latest())).to.be.lt(record.postedAt + UNBONDING_DELAY);
      expect(paid).to.equal(0n);
      await expect(
        a.transfers.connect(a.colluder).payDefault(record, a.colluder.address),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersPayoutNotDue");
      await time.increaseTo(record.postedAt + UNBONDING_DELAY - 2n);
      await expect(
        a.transfers.connect(a.colluder).payDefault(record, a.colluder.address),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersPayoutNotDue");
    });
  });

  describe("a default's payout comes after the claims booked against the sender", function () {
    // The sender defaults, then a fraud proof against one of its snapshots books a user's claim (its slash adds to the
    // same pool). The users' round lasts at least the unbonding delay, so at the default's payout time it is still
    // open: the payout waits for it (RestitutionRoundOpen), and once it has closed the payout settles the round
    // first, the user's claim reserves its share, and the recipient is paid from what is left, at most what it is owed.
    it("defence: the user's claim is paid in full and the recipient gets what the pool has left, after the round", async function () {
      const t = BigInt(await time.latest()) - 20n;
      const eth = commitmentOf(ETH_ASSET, 1n);
      const tok = commitmentOf(TOKEN_ASSET, 1n);
      await a.ledger.connect(a.sender).commit(t, [eth, tok]);
      const record = await postAs(a);
      const owed = record.owedWeight;
      await time.increaseTo(record.notice.settleBy + 1n);
      await a.transfers.connect(a.other).reportDefault(record);
      // A user's claim of 5 ETH against the sender, proven by a stranger (the stand-in verifier accepts it).
      const claim = 5n * ETH;
      const payoutHash = payoutHashOf({ address: a.user.address, salt: 7n });
      const zero = {
        rootHash: eth.rootHash,
        keyHash: KEY_HASH,
        member: a.sender.address,
        asset: BigInt(ETH_ASSET),
        t,
        claim,
        nullifier: 99n,
        payoutHash,
        a: [0n, 0n] as [bigint, bigint],
        b: [
          [0n, 0n],
          [0n, 0n],
        ] as [[bigint, bigint], [bigint, bigint]],
        c: [0n, 0n] as [bigint, bigint],
      };
      const proof = { ...zero, a: [await a.verifier.expectedA0(fraudPublicSignals(zero)), 0n] as [bigint, bigint] };
      await a.adjudicator.connect(a.prover).proveFraud(proof, [eth, tok]);
      const round = await a.adjudicator.roundOf(a.sender.address, ZeroAddress, 1n);
      await time.increaseTo(record.postedAt + UNBONDING_DELAY);
      expect(round.closesAt > BigInt(await time.latest())).to.equal(true);
      await expect(a.transfers.connect(a.user).payDefault(record, a.recipient.address)).to.be.revertedWithCustomError(
        a.adjudicator,
        "RestitutionRoundOpen",
      );
      await time.increaseTo(round.closesAt);
      const pool = await a.vault.restitutionOf(a.sender.address, ZeroAddress);
      const paid = await gainOf(a.recipient.address, () =>
        a.transfers.connect(a.user).payDefault(record, a.recipient.address),
      );
      const settled = await a.adjudicator.roundOf(a.sender.address, ZeroAddress, 1n);
      expect(settled.settled).to.equal(true);
      // The user's claim reserved first: the recipient got at most the pool less the round's take, at most owed.
      expect(settled.reserved).to.equal(claim);
      expect(paid <= owed).to.equal(true);
      expect(paid <= pool - settled.reserved).to.equal(true);
      const terms = { asset: ETH_ASSET, claim, round: 1, payoutHash };
      const userGain = await gainOf(a.user.address, async () => {
        const r = await (
          await a.adjudicator.connect(a.other).payClaim(a.sender.address, 99n, terms, a.user.address, 7n)
        ).wait();
        return r;
      });
      expect(userGain).to.equal(claim);
    });
  });

  describe("owed weight is recomputed at closing from the asset's terms then", function () {
    // How it works: postNotice adds owedWeight(terms now) to the sender's owed total, _close subtracts
    // owedWeight(terms at closing), clamped at zero. Asset weights are prices (1 BTC = 10 ETH of weight) that
    // governance must move with the market; after ETH's weight doubles, settling a 2 ETH notice subtracts 4.4 where
    // 2.2 was added, and the 1.1 that an open BTC notice owes vanishes from the total: the sender may post its whole
    // credit again while still owing the BTC notice (exposure beyond creditBps of its stake). Lowering a weight does
    // the reverse: phantom debt that lowers the sender's credit for good. Fixed: the record (hashed) carries the
    // owed weight added at posting (`owedWeight`) and closing subtracts exactly that.
    it("defence (was an EXPLOIT): after governance re-weights an asset, settling a notice frees only its own credit", async function () {
      const btc = await postAs(a, { asset: OFF_ASSET, amount: 10_000_000n, depositAddress: a.offDeposit.address });
      const eth = await postAs(a, { amount: 2n * ETH });
      const btcOwed = await a.transfers.owedWeightOf(OFF_ASSET, btc.notice.amount);
      await a.transfers.setAssetTerms(ETH_ASSET, { kind: 1, weight: 2n * ETH });
      await a.transfers.connect(a.sender).settle(eth, { value: eth.notice.amount });
      const [, owed] = await a.transfers.creditWeightOf(a.sender.address);
      // Before the fix: owed == 0 with the BTC notice (1.1 ETH of weight) still open.
      expect(await a.transfers.noticeStatusOf(btc)).to.equal(STATUS.Open);
      expect(owed).to.equal(btcOwed);
    });
  });

  describe("notices, reports and deposit addresses", function () {
    it("defence: a notice's nonce is used once, and a signature for another Transfers deployment is refused", async function () {
      const n = await draft(a);
      const sig = await signNotice(a.sender, a.domain, n);
      await a.transfers.connect(a.other).postNotice(n, sig);
      await expect(a.transfers.connect(a.other).postNotice(n, sig)).to.be.revertedWithCustomError(
        a.transfers,
        "TransfersNonceUsed",
      );
      const m = await draft(a);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const foreign = transfersDomain(chainId, Wallet.createRandom().address);
      await expect(
        a.transfers.connect(a.other).postNotice(m, await signNotice(a.sender, foreign, m)),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersBadSignature");
      const otherChain = transfersDomain(chainId + 1n, await a.transfers.getAddress());
      await expect(
        a.transfers.connect(a.other).postNotice(m, await signNotice(a.sender, otherChain, m)),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersBadSignature");
    });

    it("defence: a settled notice cannot be reported, an altered record neither settles nor defaults", async function () {
      const record = await postAs(a);
      const altered = { ...record, postedAt: record.postedAt - 1n };
      await expect(
        a.transfers.connect(a.sender).settle(altered, { value: record.notice.amount }),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersUnknownNotice");
      // A record claiming more owed weight (to free another notice's credit) is not the posted one either.
      const inflated = { ...record, owedWeight: record.owedWeight * 2n };
      await expect(
        a.transfers.connect(a.sender).settle(inflated, { value: record.notice.amount }),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersUnknownNotice");
      await expect(
        a.transfers.connect(a.sender).settle(record, { value: record.notice.amount - 1n }),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersWrongValue");
      await expect(a.transfers.connect(a.recipient).reportDefault(record)).to.be.revertedWithCustomError(
        a.transfers,
        "TransfersBeforeSettleBy",
      );
      const got = await gainOf(a.ethDeposit.address, () =>
        a.transfers.connect(a.other).settle(record, { value: record.notice.amount }),
      );
      expect(got).to.equal(record.notice.amount);
      await time.increaseTo(record.notice.settleBy + 1n);
      await expect(a.transfers.connect(a.recipient).reportDefault(record)).to.be.revertedWithCustomError(
        a.transfers,
        "TransfersNotOpen",
      );
      await expect(a.transfers.connect(a.recipient).reportDefault(altered)).to.be.revertedWithCustomError(
        a.transfers,
        "TransfersUnknownNotice",
      );
    });

    it("defence: no one registers an address it cannot sign for, nor one another member holds", async function () {
      const victim = Wallet.createRandom();
      const deadline = BigInt(await time.latest()) + 3_600n;
      // The address's signature names the colluder, the recipient submits it: refused.
      const forOther = await signDepositAddress(victim, a.domain, a.colluder.address, ETH_ASSET, deadline);
      await expect(
        a.transfers.connect(a.recipient).registerDepositAddress(ETH_ASSET, victim.address, deadline, forOther),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersBadSignature");
      // The recipient's own address, claimed by the sender with the recipient-signed proof: refused.
      const taken = await signDepositAddress(a.ethDeposit, a.domain, a.sender.address, ETH_ASSET, deadline);
      await expect(
        a.transfers.connect(a.sender).registerDepositAddress(ETH_ASSET, a.ethDeposit.address, deadline, taken),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersDepositAddressTaken");
      // A notice to an address the recipient does not hold: refused.
      const n = await draft(a, { depositAddress: a.colluderDeposit.address });
      await expect(
        a.transfers.connect(a.other).postNotice(n, await signNotice(a.sender, a.domain, n)),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersUnknownDepositAddress");
    });

    it("defence: the credit limit counts open notices to every recipient", async function () {
      const [available] = await a.transfers.creditOf(a.sender.address, a.recipient.address, ETH_ASSET);
      const first = available / 2n + 1n;
      await postAs(a, { amount: first });
      const n = await draft(a, {
        recipient: a.colluder.address,
        depositAddress: a.colluderDeposit.address,
        amount: available - first + 1n,
      });
      await expect(
        a.transfers.connect(a.other).postNotice(n, await signNotice(a.sender, a.domain, n)),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersOverLimit");
    });
  });

  describe("the operators' quorum for off-chain settlement", function () {
    async function offRecord(): Promise<NoticeRecord> {
      return postAs(a, { asset: OFF_ASSET, amount: 10_000_000n, depositAddress: a.offDeposit.address });
    }
    async function verdict(record: NoticeRecord, txRef: string, signers: readonly (Wallet | typeof a.sender)[]) {
      return packSignatures(await Promise.all(signers.map((s) => signSettlement(s, a.domain, record, txRef))));
    }

    it("defence: a verdict signed for one notice does not settle another, and one txRef settles one notice", async function () {
      const first = await offRecord();
      const second = await offRecord();
      const txRef = ethers.id("btc tx paying the first notice");
      const signers = a.operators.slice(1, 4);
      const forFirst = await verdict(first, txRef, signers);
      await expect(a.transfers.attestSettlement(second, txRef, forFirst)).to.be.revert(ethers);
      await a.transfers.attestSettlement(first, txRef, forFirst);
      expect(await a.transfers.noticeStatusOf(first)).to.equal(STATUS.Settled);
      await expect(
        a.transfers.attestSettlement(second, txRef, await verdict(second, txRef, signers)),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersTransactionUsed");
      expect(await a.transfers.noticeStatusOf(second)).to.equal(STATUS.Open);
    });

    it("defence: duplicate signers, the sender's own signature and a verdict for another chain are refused", async function () {
      const record = await offRecord();
      const txRef = ethers.id("btc tx");
      const [x, y] = a.operators.slice(1, 3);
      // packSignatures refuses a duplicate: packed by hand, x's signature twice.
      const [sx, sy] = await Promise.all([x, y].map((s) => signSettlement(s, a.domain, record, txRef)));
      const ordered = BigInt(x.address) < BigInt(y.address) ? [sx, sx, sy] : [sy, sx, sx];
      const dup = concat(ordered.map((s) => Signature.from(s.signature).serialized));
      await expect(a.transfers.attestSettlement(record, txRef, dup)).to.be.revertedWithCustomError(
        a.ledger,
        "CommitmentLedgerSignersNotSorted",
      );
      const withSender = [...a.operators.slice(1, 4), a.sender].sort((p, q) =>
        BigInt(p.address) < BigInt(q.address) ? -1 : 1,
      );
      await expect(
        a.transfers.attestSettlement(record, txRef, await verdict(record, txRef, withSender)),
      ).to.be.revertedWithCustomError(a.ledger, "CommitmentLedgerSelfAttestation");
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const foreign = transfersDomain(chainId + 1n, await a.transfers.getAddress());
      const elsewhere = packSignatures(
        await Promise.all(a.operators.slice(1, 4).map((s) => signSettlement(s, foreign, record, txRef))),
      );
      await expect(a.transfers.attestSettlement(record, txRef, elsewhere)).to.be.revert(ethers);
      expect(await a.transfers.noticeStatusOf(record)).to.equal(STATUS.Open);
    });

    it("defence: an operator whose stake arrived after posting adds no weight to the verdict", async function () {
      const record = await offRecord();
      const txRef = ethers.id("btc tx late weight");
      // One operator alone does not reach the quorum, even after it adds stake once the notice is posted.
      const lone = a.operators[2];
      await a.vault.connect(lone).deposit(lone.address, ZeroAddress, ETH / 2n, { value: ETH / 2n });
      await expect(
        a.transfers.attestSettlement(record, txRef, await verdict(record, txRef, [lone])),
      ).to.be.revertedWithCustomError(a.transfers, "TransfersQuorumNotReached");
    });
  });
});
