// Attack review of the issue-15 money path as changed on 2026-12-07 (c3cfbbd), on EigenLayer: a default's slash
// reaches the sender's restitution pool only when EigenLayer's slash resolution delay has passed, and `payDefault`
// refuses to pay while any slash of the sender ordered by now is still on its way. Real contracts from the Ignition
// module (deploy/Consortium.ts, buildConsortiumEigenLayerModule) over the TEST-ONLY EigenLayer stand-ins
// (test/contracts/stake-fixtures.ts `eigenLayerStake`), real EIP-712 signatures. Exploits that work today are
// `it.skip("EXPLOIT: ...")`, written to pass once fixed; refused attacks are passing `it("defence: ...")`.
import { expect } from "chai";
import { Wallet, type ContractTransactionResponse, type EventLog } from "ethers";
import { network } from "hardhat";

import type { Transfers } from "../../types/ethers-contracts/index.js";
import {
  noticeRecordFromArgs,
  signDepositAddress,
  transfersDomain,
  type Notice,
  type NoticeRecord,
} from "../../src/transfers/index.js";
import { UNBONDING_DELAY } from "../contracts/consortium-fixture.js";
import { eigenLayerStake } from "../contracts/stake-fixtures.js";

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const { time } = networkHelpers;
const E18 = 10n ** 18n;
const ETH_ASSET = 1;
/** The stand-ins' slash resolution delay: a slash's tokens reach the pool this many blocks after it. */
const RESOLUTION_BLOCKS = 40;

async function system() {
  const f = await eigenLayerStake(conn, { slashResolutionDelayBlocks: RESOLUTION_BLOCKS });
  const [sender, recipient, colluder] = f.members;
  await f.addStake(sender, 10n * E18);
  await f.addStake(recipient, 2n * E18);
  await f.addStake(colluder, 2n * E18);
  for (const m of f.members) await f.registry.connect(f.governance).activate(m.address);
  const adjudicator = await ethers.getContractAt("Adjudicator", f.adjudicatorAddress);
  const transfers = await ethers.getContractAt("Transfers", await adjudicator.transfers());
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = transfersDomain(chainId, await transfers.getAddress());
  const deadline = BigInt(await time.latest()) + 3_600n;
  const deposits = new Map<string, string>();
  for (const m of [recipient, colluder]) {
    const wallet = Wallet.createRandom();
    const sig = await signDepositAddress(wallet, domain, m.address, ETH_ASSET, deadline);
    await transfers.connect(m).registerDepositAddress(ETH_ASSET, wallet.address, deadline, sig);
    deposits.set(m.address, wallet.address);
  }
  return { ...f, sender, recipient, colluder, adjudicator, transfers, deposits };
}
type S = Awaited<ReturnType<typeof system>>;
let nonce = 9_000n;

async function postedRecord(transfers: Transfers, tx: ContractTransactionResponse): Promise<NoticeRecord> {
  const receipt = await tx.wait();
  const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "NoticePosted") as EventLog;
  return noticeRecordFromArgs(log.args as unknown as { record: unknown });
}

/** The sender posts itself (no signature needed). */
async function post(s: S, to: typeof s.recipient, amount: bigint, over: Partial<Notice> = {}): Promise<NoticeRecord> {
  const n: Notice = {
    sender: s.sender.address,
    recipient: to.address,
    asset: ETH_ASSET,
    amount,
    depositAddress: s.deposits.get(to.address)!,
    settleBy: BigInt(await time.latest()) + 3_600n,
    nonce: ++nonce,
    payloadDigest: ethers.id("payload"),
    ...over,
  };
  return postedRecord(s.transfers, await s.transfers.connect(s.sender).postNotice(n, "0x"));
}

/** What `to` gains of the pool token while `f` runs. */
async function tokenGain(s: S, to: string, f: () => Promise<unknown>): Promise<bigint> {
  const before = await s.el.token.balanceOf(to);
  await f();
  return (await s.el.token.balanceOf(to)) - before;
}

describe("attack: issue 15f on EigenLayer, the payout from the sender's pool", function () {
  let s: S;
  beforeEach(async function () {
    s = await networkHelpers.loadFixture(system);
  });

  // How it works: payDefault calls clearRestitution(sender, block.timestamp) and reverts TransfersAwaitingSlashedFunds
  // while ANY slash of the sender ordered by now has not reached its pool, its own default's long since arrived or not.
  // The sender (with a colluding member, or a second membership) posts a handful of 1-wei notices to the colluder
  // next to the honest recipient's; reportDefault has no deadline, so the colluder keeps them and reports one whenever
  // the recipient's payout is due (or front-runs each payDefault): each report orders a fresh slash that stays
  // pending for EigenLayer's slash resolution delay (40 blocks here; days on mainnet), and the payout reverts. The
  // claim rounds were built against exactly this ("a chain of reopening proofs cannot hold it beyond those slashes'
  // arrival": they wait only for slashes ordered by their first close), the payout was not. Cost to the sender: the
  // smallest share slashTransferDefault takes, 2 basis points of its stake per report (into its own pool, where it
  // stays), one defaulted duty each; with a 4-day resolution delay a year of blocking is ~92 reports, ~1.8% of the
  // stake parked in the pool, while the recipient (owed 1.1 here) is paid nothing. Fix: wait only for the slashes
  // ordered by the notice's own default (clearRestitution(sender, defaultedAt), the report time bound in the record
  // word or in storage), as the rounds do. Fixed: an on-time default waits for the slashes ordered by its payable
  // time, a late one for those ordered by its own report (booked).
  it("defence (was an EXPLOIT): the sender cannot keep the honest recipient's payout waiting with 1-wei defaults of itself", async function () {
    const owedToRecipient = await post(s, s.recipient, E18);
    const tiny = [await post(s, s.colluder, 1n), await post(s, s.colluder, 1n)];
    await time.increaseTo(owedToRecipient.notice.settleBy + 1n);
    await s.transfers.connect(s.recipient).reportDefault(owedToRecipient);
    // The recipient's own default slash resolves long before its payout is due.
    await networkHelpers.mine(RESOLUTION_BLOCKS + 1);
    await time.increaseTo(owedToRecipient.postedAt + UNBONDING_DELAY);
    const stakeBefore = await s.source.stakeOf(s.sender.address);
    await s.transfers.connect(s.colluder).reportDefault(tiny[0]);
    const stakeAfter = await s.source.stakeOf(s.sender.address);
    console.log(
      `      one 1-wei default costs the sender ${((stakeBefore - stakeAfter) * 10_000n) / stakeBefore} bps of its ` +
        `stake (${stakeBefore - stakeAfter} of ${stakeBefore})`,
    );
    const before = await s.el.token.balanceOf(s.recipient.address);
    // Before: reverted TransfersAwaitingSlashedFunds(sender, 1), and again after each further 1-wei report.
    await s.transfers.connect(s.recipient).payDefault(owedToRecipient, s.recipient.address);
    expect((await s.el.token.balanceOf(s.recipient.address)) - before).to.equal(owedToRecipient.owedWeight);
  });

  // How it works: EigenLayerStakeSource.poolTokens lists one (token, weight) per strategy, so two strategies over the
  // same underlying token list the token twice. releaseTransferPayout sums `held * weight` over the list and then
  // releases `held * take / poolWeight` once per entry: with a second strategy of the same token at weight 0 (how a
  // strategy is retired: setStrategyWeight cannot remove one; the stand-ins' `deployStrategy` makes one over the same
  // token, as EigenLayer allows), poolWeight counts the token once and it is released twice: the first payout takes
  // TWICE its owed weight. Here the sender defaults on 1 ETH to a colluder and 1 ETH to an honest recipient (owed
  // 1.1 each, 2.2 tokens in the pool): the colluder collects first and is paid 2.2 tokens, the honest recipient's
  // payout then finds nothing and is marked Paid with 0. (Both strategies at non-zero weights double-count the pool
  // instead: a pool short of owed then releases more than it holds and the payout reverts until the pool grows.)
  // Fix: aggregate poolTokens by token (one entry per pool token, weighted by the strategy its slashes came from),
  // or weigh and release per token, not per strategy. Fixed: the payout weighs and releases each pool token once, at
  // its first weighted entry.
  it("defence (was an EXPLOIT): with a retired (weight 0) strategy of the same token, the first payout takes only its owed weight", async function () {
    const retired = await s.el.deployStrategy();
    await s.source.connect(s.governance).setStrategyWeight(await retired.getAddress(), 0n);
    const [tokens] = await s.source.poolTokens();
    expect(tokens.length).to.equal(2);
    expect(tokens[0]).to.equal(tokens[1]);
    const honest = await post(s, s.recipient, E18);
    const colluding = await post(s, s.colluder, E18);
    await time.increaseTo(honest.notice.settleBy + 1n);
    await s.transfers.connect(s.recipient).reportDefault(honest);
    await s.transfers.connect(s.colluder).reportDefault(colluding);
    await networkHelpers.mine(RESOLUTION_BLOCKS + 1);
    await time.increaseTo(colluding.postedAt + UNBONDING_DELAY);
    // (The pool is booked when payDefault clears the slashes.)
    const toColluder = await tokenGain(s, s.colluder.address, () =>
      s.transfers.connect(s.colluder).payDefault(colluding, s.colluder.address),
    );
    const left = await s.source.restitutionOf(s.sender.address, await s.el.token.getAddress());
    console.log(
      `      pool ${toColluder + left}; owed ${colluding.owedWeight} each; paid the colluder ${toColluder}; left ${left}`,
    );
    // Before: toColluder == 2 x owed (2.2 tokens), and the honest payout then released the 0.0027 left twice and
    // reverted EigenLayerRestitutionShort (stuck until the pool grows).
    expect(toColluder).to.be.lte(colluding.owedWeight);
    const toHonest = await tokenGain(s, s.recipient.address, () =>
      s.transfers.connect(s.recipient).payDefault(honest, s.recipient.address),
    );
    expect(toHonest).to.equal(honest.owedWeight);
  });

  it("defence: once every slash of the sender has resolved, the recipient is paid its owed weight in the pool's token", async function () {
    const record = await post(s, s.recipient, E18);
    await time.increaseTo(record.notice.settleBy + 1n);
    await s.transfers.connect(s.recipient).reportDefault(record);
    // Before its slash resolves the payout waits (and loses nothing).
    await time.increaseTo(record.postedAt + UNBONDING_DELAY);
    await expect(s.transfers.connect(s.outsider).payDefault(record, s.recipient.address)).to.be.revertedWithCustomError(
      s.transfers,
      "TransfersAwaitingSlashedFunds",
    );
    await networkHelpers.mine(RESOLUTION_BLOCKS + 1);
    const before = await s.el.token.balanceOf(s.recipient.address);
    await s.transfers.connect(s.outsider).payDefault(record, s.recipient.address);
    expect((await s.el.token.balanceOf(s.recipient.address)) - before).to.equal(record.owedWeight);
  });
});
