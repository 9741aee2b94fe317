// Transfers (issue 15): deposit addresses with ownership proofs, EIP-712 notices within credit limits, on-chain
// settlement (ETH, ERC-20) moving the funds in the same call, off-chain settlement by the operators' quorum naming
// the transaction, and defaults slashed through the Adjudicator to the recipient. The whole system comes from the
// Ignition module (test/contracts/ledger-fixture.ts); every revert path has its test.
import { expect } from "chai";
import { Wallet, ZeroAddress, type ContractTransactionResponse, type EventLog } from "ethers";
import { network } from "hardhat";

import type { Transfers } from "../../types/ethers-contracts/index.js";
import { packSignatures } from "../../src/consortium/index.js";
import {
  DEPOSIT_ADDRESS_TYPES,
  noticeDigest,
  noticeIdOf,
  noticeRecordFromArgs,
  signDepositAddress,
  signNotice,
  signSettlement,
  transfersDomain,
  verifyNoticeSignature,
  type Notice,
  type NoticeRecord,
} from "../../src/transfers/index.js";
import { ETH_ASSET, MEMBER_STAKE, TOKEN_ASSET, UNBONDING_DELAY, deployLedgerSystem } from "./ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const HOUR = 3_600n;
const ETH = 10n ** 18n;
const BTC_ASSET = 3;
const PARAMS = {
  minSettleWindow: 600n,
  maxSettleWindow: 2n * 86_400n,
  reportWindow: 3n * 86_400n,
  penaltyBps: 1_000,
  creditBps: 5_000,
  reputationBps: 5_000,
};

async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = transfersDomain(chainId, await f.transfers.getAddress());
  const sender = f.member;
  const recipient = f.operators[0];
  const deposit = Wallet.createRandom();
  const tokenDeposit = Wallet.createRandom();
  const btcDeposit = Wallet.createRandom();
  await f.token.mint(sender.address, 10n ** 12n);
  await f.token.connect(sender).approve(await f.transfers.getAddress(), 10n ** 12n);
  await f.transfers.setAssetTerms(TOKEN_ASSET, { kind: 2, weight: 10n ** 24n }); // 1 TUSD unit (1e-6) = 1e-6 ETH
  await f.registry.listAsset(BTC_ASSET, ZeroAddress, "BTC", 8);
  await f.transfers.setAssetTerms(BTC_ASSET, { kind: 3, weight: 10n ** 29n }); // 1 BTC = 10 ETH of weight
  const deadline = BigInt(await time.latest()) + HOUR;
  for (const [asset, wallet] of [
    [ETH_ASSET, deposit],
    [TOKEN_ASSET, tokenDeposit],
    [BTC_ASSET, btcDeposit],
  ] as const) {
    const sig = await signDepositAddress(wallet, domain, recipient.address, asset, deadline);
    await f.transfers.connect(recipient).registerDepositAddress(asset, wallet.address, deadline, sig);
  }
  return { ...f, domain, sender, recipient, deposit, tokenDeposit, btcDeposit };
}
type F = Awaited<ReturnType<typeof system>>;

/** `account`'s balance in the block before `tx`'s. */
async function balanceBefore(tx: Promise<ContractTransactionResponse>, account: string): Promise<bigint> {
  const receipt = await (await tx).wait();
  return ethers.provider.getBalance(account, receipt!.blockNumber - 1);
}
let nonce = 0n;

async function notice(f: F, over: Partial<Notice> = {}): Promise<Notice> {
  return {
    sender: f.sender.address,
    recipient: f.recipient.address,
    asset: ETH_ASSET,
    amount: ETH,
    depositAddress: f.deposit.address,
    settleBy: BigInt(await time.latest()) + HOUR,
    nonce: ++nonce,
    payloadDigest: ethers.id("payload"),
    ...over,
  };
}

async function recordOf(transfers: Transfers, tx: ContractTransactionResponse): Promise<NoticeRecord> {
  const receipt = await tx.wait();
  const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "NoticePosted") as EventLog;
  return noticeRecordFromArgs(log.args as unknown as { record: unknown });
}

async function post(f: F, over: Partial<Notice> = {}): Promise<NoticeRecord> {
  const n = await notice(f, over);
  const tx = await f.transfers.connect(f.other).postNotice(n, await signNotice(f.sender, f.domain, n));
  return recordOf(f.transfers, tx);
}

async function verdict(f: F, record: NoticeRecord, txRef: string, signers = f.operators.slice(1, 4)) {
  return packSignatures(await Promise.all(signers.map((s) => signSettlement(s, f.domain, record, txRef))));
}

describe("Transfers", function () {
  let f: F;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
  });

  describe("deployment and governance", function () {
    it("is deployed by the module with its parameters, ETH enabled, wired to the Adjudicator and Reputation", async function () {
      const p = await f.transfers.params();
      expect(p.maxSettleWindow).to.equal(PARAMS.maxSettleWindow);
      expect(p.penaltyBps).to.equal(PARAMS.penaltyBps);
      expect((await f.transfers.assetTerms(ETH_ASSET)).kind).to.equal(1n);
      expect(await f.transfers.adjudicator()).to.equal(await f.adjudicator.getAddress());
      expect(await f.adjudicator.transfers()).to.equal(await f.transfers.getAddress());
      expect(await f.reputation.transfers()).to.equal(await f.transfers.getAddress());
    });

    it("refuses a zero address at construction", async function () {
      const a = [f.governance.address, f.registry, f.vault, f.ledger, f.reputation];
      for (let i = 0; i < a.length; i++) {
        const args = a.map((x, j) => (j === i ? ZeroAddress : x));
        await expect(ethers.deployContract("Transfers", [...args, PARAMS])).to.be.revertedWithCustomError(
          f.transfers,
          "TransfersZeroAddress",
        );
      }
    });

    it("lets only governance set parameters, refusing bad ones", async function () {
      await expect(f.transfers.connect(f.other).setParams(PARAMS)).to.be.revertedWithCustomError(
        f.transfers,
        "AccessControlUnauthorizedAccount",
      );
      for (const bad of [
        { ...PARAMS, maxSettleWindow: 0n },
        { ...PARAMS, minSettleWindow: PARAMS.maxSettleWindow + 1n },
        { ...PARAMS, reportWindow: 0n },
        { ...PARAMS, penaltyBps: 10_001 },
        { ...PARAMS, creditBps: 10_001 },
        { ...PARAMS, reputationBps: 10_001 },
      ]) {
        await expect(f.transfers.setParams(bad)).to.be.revertedWithCustomError(f.transfers, "TransfersBadParams");
      }
      await expect(f.transfers.setParams({ ...PARAMS, penaltyBps: 500 })).to.emit(f.transfers, "ParamsSet");
    });

    it("refuses asset terms without a weight or of the wrong kind for the listed token, and unlisted assets", async function () {
      await expect(f.transfers.setAssetTerms(ETH_ASSET, { kind: 1, weight: 0n })).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersBadAssetTerms",
      );
      await expect(f.transfers.setAssetTerms(ETH_ASSET, { kind: 2, weight: ETH })).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersBadAssetTerms",
      );
      await expect(f.transfers.setAssetTerms(TOKEN_ASSET, { kind: 1, weight: ETH })).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersBadAssetTerms",
      );
      await expect(f.transfers.setAssetTerms(99, { kind: 1, weight: ETH })).to.be.revertedWithCustomError(
        f.registry,
        "ConsortiumRegistryUnknownAsset",
      );
      await expect(
        f.transfers.connect(f.other).setAssetTerms(ETH_ASSET, { kind: 1, weight: ETH }),
      ).to.be.revertedWithCustomError(f.transfers, "AccessControlUnauthorizedAccount");
    });

    it("wires the adjudicator once, never zero; the Adjudicator and Reputation take the transfers contract once", async function () {
      await expect(f.transfers.setAdjudicator(f.other.address)).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersAdjudicatorAlreadySet",
      );
      const fresh = await ethers.deployContract("Transfers", [
        f.governance.address,
        f.registry,
        f.vault,
        f.ledger,
        f.reputation,
        PARAMS,
      ]);
      await expect(fresh.setAdjudicator(ZeroAddress)).to.be.revertedWithCustomError(fresh, "TransfersZeroAddress");
      await expect(f.adjudicator.setTransfers(f.other.address)).to.be.revertedWithCustomError(
        f.adjudicator,
        "AdjudicatorTransfersAlreadySet",
      );
      await expect(f.reputation.setTransfers(f.other.address)).to.be.revertedWithCustomError(
        f.reputation,
        "ReputationTransfersAlreadySet",
      );
    });

    it("lets only the transfers contract order a default slash or release a default's payout", async function () {
      await expect(
        f.adjudicator.slashTransferDefault(f.sender.address, ethers.id("x"), ETH, f.recipient.address),
      ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotTransfers");
      await expect(f.adjudicator.connect(f.recipient).releaseTransferPayout(f.sender.address, f.recipient.address, ETH))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotTransfers")
        .withArgs(f.recipient.address);
    });
  });

  describe("deposit addresses", function () {
    it("registers an address that signed for the member and asset, and lets the owner remove it", async function () {
      expect(await f.transfers.depositAddressOwner(ETH_ASSET, f.deposit.address)).to.equal(f.recipient.address);
      await expect(f.transfers.connect(f.recipient).removeDepositAddress(ETH_ASSET, f.deposit.address))
        .to.emit(f.transfers, "DepositAddressRemoved")
        .withArgs(f.recipient.address, ETH_ASSET, f.deposit.address);
      expect(await f.transfers.depositAddressOwner(ETH_ASSET, f.deposit.address)).to.equal(ZeroAddress);
    });

    it("refuses zero, non-members, disabled assets, expired or wrong signatures, taken addresses", async function () {
      const wallet = Wallet.createRandom();
      const deadline = BigInt(await time.latest()) + HOUR;
      const sig = await signDepositAddress(wallet, f.domain, f.recipient.address, ETH_ASSET, deadline);
      const t = f.transfers.connect(f.recipient);
      await expect(t.registerDepositAddress(ETH_ASSET, ZeroAddress, deadline, sig)).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersZeroAddress",
      );
      await expect(
        f.transfers.connect(f.user).registerDepositAddress(ETH_ASSET, wallet.address, deadline, sig),
      ).to.be.revertedWithCustomError(f.transfers, "TransfersNotMember");
      await expect(t.registerDepositAddress(77, wallet.address, deadline, sig))
        .to.be.revertedWithCustomError(f.transfers, "TransfersAssetNotEnabled")
        .withArgs(77);
      const past = BigInt(await time.latest()) - 1n;
      await expect(t.registerDepositAddress(ETH_ASSET, wallet.address, past, sig)).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersSignatureExpired",
      );
      // Signed for another member: not the recipient's.
      const foreign = await signDepositAddress(wallet, f.domain, f.sender.address, ETH_ASSET, deadline);
      await expect(t.registerDepositAddress(ETH_ASSET, wallet.address, deadline, foreign))
        .to.be.revertedWithCustomError(f.transfers, "TransfersBadSignature")
        .withArgs(wallet.address);
      const again = await signDepositAddress(f.deposit, f.domain, f.sender.address, ETH_ASSET, deadline);
      await expect(f.transfers.connect(f.sender).registerDepositAddress(ETH_ASSET, f.deposit.address, deadline, again))
        .to.be.revertedWithCustomError(f.transfers, "TransfersDepositAddressTaken")
        .withArgs(f.deposit.address, ETH_ASSET, f.recipient.address);
      await expect(
        f.transfers.connect(f.sender).removeDepositAddress(ETH_ASSET, f.deposit.address),
      ).to.be.revertedWithCustomError(f.transfers, "TransfersUnknownDepositAddress");
    });
  });

  describe("notices and credit", function () {
    it("posts a signed notice the recipient verifies off-chain, and books it against the sender's credit", async function () {
      const n = await notice(f);
      const signature = await signNotice(f.sender, f.domain, n);
      expect(verifyNoticeSignature(f.domain, n, signature)).to.equal(true);
      expect(verifyNoticeSignature(f.domain, { ...n, amount: 2n }, signature)).to.equal(false);
      expect(await f.transfers.noticeDigest(n)).to.equal(noticeDigest(f.domain, n));
      const [before] = await f.transfers.creditOf(f.sender.address, f.recipient.address, ETH_ASSET);
      // Half the stake, at 110% per unit: 10 ETH * 0.5 / 1.1.
      expect(before).to.equal((MEMBER_STAKE * 5_000n * 10_000n) / (10_000n * 11_000n));
      const tx = await f.transfers.postNotice(n, signature);
      const record = await recordOf(f.transfers, tx);
      await expect(tx)
        .to.emit(f.transfers, "NoticePosted")
        .withArgs(noticeIdOf(n.sender, n.nonce), n.sender, n.recipient, [
          Object.values(n),
          record.postedAt,
          await f.transfers.owedWeightOf(ETH_ASSET, n.amount),
        ]);
      expect(await f.transfers.noticeStatusOf(record)).to.equal(1n);
      const [after, outstanding] = await f.transfers.creditOf(f.sender.address, f.recipient.address, ETH_ASSET);
      expect(outstanding).to.equal(ETH);
      expect(before - after).to.be.within(ETH - 1n, ETH + 1n);
      expect((await f.transfers.creditWeightOf(f.sender.address)).owed).to.equal((ETH * 11n) / 10n);
      expect(await f.transfers.noticeStatusOf({ ...record, postedAt: record.postedAt + 1n })).to.equal(0n);
    });

    it("refuses a notice beyond the sender's limit, and beyond the recipient's own lower limit", async function () {
      const [available] = await f.transfers.creditOf(f.sender.address, f.recipient.address, ETH_ASSET);
      await expect(post(f, { amount: available + 1n }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersOverLimit")
        .withArgs(f.sender.address, f.recipient.address, ETH_ASSET, available + 1n, available);
      await expect(f.transfers.connect(f.recipient).setOwnLimit(f.sender.address, ETH_ASSET, true, ETH))
        .to.emit(f.transfers, "OwnLimitSet")
        .withArgs(f.recipient.address, f.sender.address, ETH_ASSET, true, ETH);
      await post(f, { amount: ETH / 2n });
      const [left] = await f.transfers.creditOf(f.sender.address, f.recipient.address, ETH_ASSET);
      expect(left).to.equal(ETH / 2n);
      await expect(post(f, { amount: ETH / 2n + 1n })).to.be.revertedWithCustomError(f.transfers, "TransfersOverLimit");
      await f.transfers.connect(f.recipient).setOwnLimit(f.sender.address, ETH_ASSET, false, 0n);
      await post(f, { amount: ETH });
      await expect(
        f.transfers.connect(f.user).setOwnLimit(f.sender.address, ETH_ASSET, true, 1n),
      ).to.be.revertedWithCustomError(f.transfers, "TransfersNotMember");
    });

    it("refuses senders that may not send, self-transfers, recipients without the deposit address, zero amounts, no payload", async function () {
      await expect(post(f, { sender: f.user.address }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersSenderCannotSend")
        .withArgs(f.user.address);
      await expect(post(f, { recipient: f.sender.address }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersSelfTransfer")
        .withArgs(f.sender.address);
      // The recipient is the deposit address's owner, an operating member when it registered it.
      await expect(post(f, { recipient: f.user.address }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersUnknownDepositAddress")
        .withArgs(f.user.address, ETH_ASSET, f.deposit.address);
      const wallet = Wallet.createRandom();
      const deadline = BigInt(await time.latest()) + HOUR;
      const sig = await signDepositAddress(wallet, f.domain, f.user.address, ETH_ASSET, deadline);
      await expect(f.transfers.connect(f.user).registerDepositAddress(ETH_ASSET, wallet.address, deadline, sig))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNotMember")
        .withArgs(f.user.address);
      // Only the owner removes an operating member's deposit address (anyone, once it has left).
      await expect(f.transfers.connect(f.user).removeDepositAddress(ETH_ASSET, f.deposit.address))
        .to.be.revertedWithCustomError(f.transfers, "TransfersUnknownDepositAddress")
        .withArgs(f.user.address, ETH_ASSET, f.deposit.address);
      await expect(post(f, { amount: 0n })).to.be.revertedWithCustomError(f.transfers, "TransfersZeroAmount");
      await expect(post(f, { payloadDigest: ethers.ZeroHash })).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersNoPayload",
      );
    });

    it("refuses disabled assets, unregistered deposit addresses, settle-by out of the window, a window beyond unbonding", async function () {
      await f.transfers.setAssetTerms(TOKEN_ASSET, { kind: 0, weight: 0n });
      await expect(post(f, { asset: TOKEN_ASSET }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersAssetNotEnabled")
        .withArgs(TOKEN_ASSET);
      await expect(post(f, { depositAddress: f.btcDeposit.address }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersUnknownDepositAddress")
        .withArgs(f.recipient.address, ETH_ASSET, f.btcDeposit.address);
      const now = BigInt(await time.latest());
      await expect(post(f, { settleBy: now + 10n })).to.be.revertedWithCustomError(f.transfers, "TransfersBadSettleBy");
      await expect(post(f, { settleBy: now + 3n * 86_400n })).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersBadSettleBy",
      );
      await expect(f.transfers.setParams({ ...PARAMS, reportWindow: UNBONDING_DELAY }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersWindowBeyondUnbonding")
        .withArgs(PARAMS.maxSettleWindow + UNBONDING_DELAY, UNBONDING_DELAY);
    });

    it("uses a nonce once and refuses a signature not by the sender", async function () {
      const n = await notice(f);
      await f.transfers.postNotice(n, await signNotice(f.sender, f.domain, n));
      await expect(
        f.transfers.postNotice({ ...n, amount: 2n }, await signNotice(f.sender, f.domain, { ...n, amount: 2n })),
      )
        .to.be.revertedWithCustomError(f.transfers, "TransfersNonceUsed")
        .withArgs(n.sender, n.nonce);
      const m = await notice(f);
      await expect(f.transfers.postNotice(m, await signNotice(f.other, f.domain, m)))
        .to.be.revertedWithCustomError(f.transfers, "TransfersBadSignature")
        .withArgs(f.sender.address);
    });
  });

  describe("on-chain settlement", function () {
    it("settles ETH by moving it to the deposit address in the same call, once, freeing the credit", async function () {
      const record = await post(f);
      const id = noticeIdOf(record.notice.sender, record.notice.nonce);
      const tx = f.transfers.connect(f.sender).settle(record, { value: ETH });
      await expect(tx).to.changeEtherBalances(ethers, [f.sender, f.deposit.address], [-ETH, ETH]);
      await expect(tx)
        .to.emit(f.transfers, "NoticeSettled")
        .withArgs(id, f.sender.address, f.recipient.address, ethers.ZeroHash);
      expect(await f.transfers.noticeStatusOf(record)).to.equal(2n);
      expect((await f.transfers.creditWeightOf(f.sender.address)).owed).to.equal(0n);
      expect((await f.transfers.dutiesOf(f.sender.address)).settled).to.equal(1n);
      await expect(f.transfers.settle(record, { value: ETH }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNotOpen")
        .withArgs(id, 2);
      await expect(f.transfers.reportDefault(record)).to.be.revertedWithCustomError(f.transfers, "TransfersNotOpen");
    });

    it("settles an ERC-20 notice from the payer's allowance to the deposit address", async function () {
      const record = await post(f, { asset: TOKEN_ASSET, amount: 5_000_000n, depositAddress: f.tokenDeposit.address });
      await expect(f.transfers.connect(f.sender).settle(record)).to.changeTokenBalances(
        ethers,
        f.token,
        [f.sender, f.tokenDeposit.address],
        [-5_000_000n, 5_000_000n],
      );
      expect(await f.transfers.noticeStatusOf(record)).to.equal(2n);
    });

    it("refuses unknown notices, wrong values, and off-chain assets", async function () {
      const record = await post(f);
      await expect(f.transfers.settle({ ...record, postedAt: 1n }, { value: ETH })).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersUnknownNotice",
      );
      await expect(f.transfers.settle(record, { value: ETH - 1n }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersWrongValue")
        .withArgs(ETH - 1n, ETH);
      const tokenRecord = await post(f, { asset: TOKEN_ASSET, amount: 5n, depositAddress: f.tokenDeposit.address });
      await expect(f.transfers.settle(tokenRecord, { value: 1n }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersWrongValue")
        .withArgs(1n, 0n);
      const btc = await post(f, { asset: BTC_ASSET, amount: 1_000n, depositAddress: f.btcDeposit.address });
      await expect(f.transfers.settle(btc))
        .to.be.revertedWithCustomError(f.transfers, "TransfersWrongSettlement")
        .withArgs(BTC_ASSET, 3);
    });

    it("settles to a deposit address that refuses ETH by holding the amount for the recipient (withdrawHeld)", async function () {
      // A contract wallet (ERC-1271, no receive function) proves ownership but cannot take ETH.
      const owner = Wallet.createRandom();
      const wallet = await ethers.deployContract("TestERC1271Wallet", [owner.address]);
      const address = await wallet.getAddress();
      const deadline = BigInt(await time.latest()) + HOUR;
      const signature = await owner.signTypedData(
        f.domain,
        { DepositAddress: DEPOSIT_ADDRESS_TYPES.DepositAddress },
        { member: f.recipient.address, asset: ETH_ASSET, depositAddress: address, deadline },
      );
      await f.transfers.connect(f.recipient).registerDepositAddress(ETH_ASSET, address, deadline, signature);
      const record = await post(f, { depositAddress: address });
      const id = noticeIdOf(record.notice.sender, record.notice.nonce);
      await expect(f.transfers.settle(record, { value: ETH }))
        .to.emit(f.transfers, "PaymentHeld")
        .withArgs(id, f.recipient.address, ZeroAddress, ETH);
      expect(await f.transfers.noticeStatusOf(record)).to.equal(2n);
      expect(await f.transfers.heldOf(f.recipient.address, ZeroAddress)).to.equal(ETH);
      expect(await ethers.provider.getBalance(await f.transfers.getAddress())).to.equal(ETH);
      // Only the recipient withdraws it, to an address of its choice; once.
      await expect(f.transfers.connect(f.other).withdrawHeld(ZeroAddress, f.other.address))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNothingHeld")
        .withArgs(f.other.address, ZeroAddress);
      await expect(
        f.transfers.connect(f.recipient).withdrawHeld(ZeroAddress, ZeroAddress),
      ).to.be.revertedWithCustomError(f.transfers, "TransfersZeroAddress");
      await expect(f.transfers.connect(f.recipient).withdrawHeld(ZeroAddress, address))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNativeSendFailed")
        .withArgs(address);
      const tx = f.transfers.connect(f.recipient).withdrawHeld(ZeroAddress, f.user.address);
      await expect(tx)
        .to.emit(f.transfers, "HeldWithdrawn")
        .withArgs(f.recipient.address, ZeroAddress, f.user.address, ETH);
      await expect(tx).to.changeEtherBalances(ethers, [f.user, f.transfers], [ETH, -ETH]);
      await expect(f.transfers.connect(f.recipient).withdrawHeld(ZeroAddress, f.user.address))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNothingHeld")
        .withArgs(f.recipient.address, ZeroAddress);
    });

    it("settles an ERC-20 notice whose deposit address the token refuses by holding the tokens for the recipient", async function () {
      // The fixture's token refuses transfers to a blocked address (as a stablecoin's blacklist does).
      const record = await post(f, { asset: TOKEN_ASSET, amount: 1_000n, depositAddress: f.tokenDeposit.address });
      await f.token.setBlocked(f.tokenDeposit.address, true);
      await expect(f.transfers.connect(f.sender).settle(record))
        .to.emit(f.transfers, "PaymentHeld")
        .withArgs(
          noticeIdOf(record.notice.sender, record.notice.nonce),
          f.recipient.address,
          await f.token.getAddress(),
          1_000n,
        );
      expect(await f.token.balanceOf(await f.transfers.getAddress())).to.equal(1_000n);
      await f.transfers.connect(f.recipient).withdrawHeld(await f.token.getAddress(), f.user.address);
      expect(await f.token.balanceOf(f.user.address)).to.equal(1_000n);
    });
  });

  describe("off-chain settlement", function () {
    it("settles by the operators' quorum naming the transaction; one transaction settles one notice", async function () {
      const record = await post(f, { asset: BTC_ASSET, amount: 1_000n, depositAddress: f.btcDeposit.address });
      const txRef = ethers.id("btc-tx-1");
      await expect(f.transfers.attestSettlement(record, txRef, await verdict(f, record, txRef)))
        .to.emit(f.transfers, "NoticeSettled")
        .withArgs(noticeIdOf(record.notice.sender, record.notice.nonce), f.sender.address, f.recipient.address, txRef);
      const other = await post(f, { asset: BTC_ASSET, amount: 1_000n, depositAddress: f.btcDeposit.address });
      await expect(f.transfers.attestSettlement(other, txRef, await verdict(f, other, txRef)))
        .to.be.revertedWithCustomError(f.transfers, "TransfersTransactionUsed")
        .withArgs(txRef, noticeIdOf(record.notice.sender, record.notice.nonce));
    });

    it("refuses on-chain assets, no transaction, too few or foreign signers", async function () {
      const eth = await post(f);
      await expect(f.transfers.attestSettlement(eth, ethers.id("t"), "0x")).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersWrongSettlement",
      );
      const record = await post(f, { asset: BTC_ASSET, amount: 1_000n, depositAddress: f.btcDeposit.address });
      await expect(f.transfers.attestSettlement(record, ethers.ZeroHash, "0x")).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersNoTransaction",
      );
      const txRef = ethers.id("btc-tx-2");
      await expect(
        f.transfers.attestSettlement(record, txRef, await verdict(f, record, txRef, f.operators.slice(1, 3))),
      ).to.be.revertedWithCustomError(f.transfers, "TransfersQuorumNotReached");
      const stranger = Wallet.createRandom();
      const sigs = await verdict(f, record, txRef, [f.operators[1], f.operators[2], stranger as unknown as Wallet]);
      try {
        await f.transfers.attestSettlement(record, txRef, sigs);
        expect.fail("expected a revert");
      } catch (e) {
        const iface = new ethers.Interface([
          ...f.transfers.interface.fragments.filter((x) => x.type === "error"),
          ...f.ledger.interface.fragments.filter((x) => x.type === "error"),
        ]);
        const parsed = iface.parseError((e as { data: string }).data);
        expect(["TransfersNotCoSigner", "CommitmentLedgerSignersNotSorted"]).to.include(parsed?.name);
      }
    });
  });

  describe("defaults", function () {
    it("after settle-by, slashes the sender at least the value plus penalty into its pool, pays the recipient the unbonding delay after posting, and counts the miss", async function () {
      const record = await post(f);
      const id = noticeIdOf(record.notice.sender, record.notice.nonce);
      await expect(f.transfers.reportDefault(record))
        .to.be.revertedWithCustomError(f.transfers, "TransfersBeforeSettleBy")
        .withArgs(record.notice.settleBy);
      await time.increaseTo(record.notice.settleBy + 1n);
      const stakeBefore = await f.vault.stakeOf(f.sender.address);
      const owed = (ETH * 11n) / 10n;
      const tx = f.transfers.connect(f.other).reportDefault(record);
      await expect(tx).to.emit(f.transfers, "NoticeDefaulted");
      await expect(tx).to.emit(f.adjudicator, "TransferDefaultSlashed");
      const stakeAfter = await f.vault.stakeOf(f.sender.address);
      const slashed = stakeBefore - stakeAfter;
      expect(slashed >= owed).to.equal(true);
      // At most one basis point of the stake more than owed (rounding up).
      expect(slashed - owed <= stakeBefore / 10_000n + 1n).to.equal(true);
      // Nothing moves to anyone yet: the slash waits in the sender's pool.
      await expect(tx).to.changeEtherBalances(ethers, [f.recipient, f.other, f.sender], [0n, 0n, 0n]);
      expect(await f.vault.restitutionOf(f.sender.address, ZeroAddress)).to.equal(slashed);
      expect(await f.transfers.noticeStatusOf(record)).to.equal(3n);
      expect((await f.transfers.dutiesOf(f.sender.address)).defaulted).to.equal(1n);
      await expect(f.transfers.reportDefault(record)).to.be.revertedWithCustomError(f.transfers, "TransfersNotOpen");
      await expect(f.transfers.settle(record, { value: ETH }))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNotOpen")
        .withArgs(id, 3);
      const payableAt = record.postedAt + UNBONDING_DELAY;
      await expect(f.transfers.payDefault(record, f.recipient.address))
        .to.be.revertedWithCustomError(f.transfers, "TransfersPayoutNotDue")
        .withArgs(id, payableAt);
      await time.increaseTo(payableAt);
      // Anyone may pay it to the recipient; only the recipient may send it elsewhere.
      await expect(f.transfers.connect(f.other).payDefault(record, f.other.address))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNotRecipient")
        .withArgs(f.other.address, f.recipient.address);
      await expect(f.transfers.payDefault(record, ZeroAddress)).to.be.revertedWithCustomError(
        f.transfers,
        "TransfersZeroAddress",
      );
      const pay = f.transfers.connect(f.other).payDefault(record, f.recipient.address);
      await expect(pay).to.emit(f.transfers, "DefaultPaid");
      // The owed weight, in ETH (one wei of rounding at most); the slash's rounding stays in the pool.
      const paid =
        (await ethers.provider.getBalance(f.recipient.address)) - (await balanceBefore(pay, f.recipient.address));
      expect(paid >= owed - 1n && paid <= owed).to.equal(true);
      expect(await f.vault.restitutionOf(f.sender.address, ZeroAddress)).to.equal(slashed - paid);
      expect(await f.transfers.noticeStatusOf(record)).to.equal(4n);
      await expect(f.transfers.payDefault(record, f.recipient.address))
        .to.be.revertedWithCustomError(f.transfers, "TransfersNotDefaulted")
        .withArgs(id, 4);
    });

    it("lowers the sender's credit after a default (less stake, a missed duty, the slash factor)", async function () {
      const [before] = await f.transfers.creditOf(f.sender.address, f.recipient.address, ETH_ASSET);
      const record = await post(f);
      await time.increaseTo(record.notice.settleBy + 1n);
      await f.transfers.reportDefault(record);
      const [after, outstanding] = await f.transfers.creditOf(f.sender.address, f.recipient.address, ETH_ASSET);
      expect(outstanding).to.equal(0n);
      expect(after < (before * 9n) / 10n).to.equal(true);
      const parts = await f.reputation.partsOf(f.sender.address);
      expect(parts.weightedTotal > parts.weightedMet).to.equal(true);
    });

    it("refuses a default report before an adjudicator is wired", async function () {
      const fresh = await ethers.deployContract("Transfers", [
        f.governance.address,
        f.registry,
        f.vault,
        f.ledger,
        f.reputation,
        PARAMS,
      ]);
      await fresh.setAssetTerms(ETH_ASSET, { kind: 1, weight: ETH });
      const domain = transfersDomain((await ethers.provider.getNetwork()).chainId, await fresh.getAddress());
      const deadline = BigInt(await time.latest()) + HOUR;
      const sig = await signDepositAddress(f.deposit, domain, f.recipient.address, ETH_ASSET, deadline);
      await fresh.connect(f.recipient).registerDepositAddress(ETH_ASSET, f.deposit.address, deadline, sig);
      const n = await notice(f);
      const record = await recordOf(fresh, await fresh.postNotice(n, await signNotice(f.sender, domain, n)));
      await time.increaseTo(n.settleBy + 1n);
      await expect(fresh.reportDefault(record)).to.be.revertedWithCustomError(fresh, "TransfersNoAdjudicator");
    });
  });
});
