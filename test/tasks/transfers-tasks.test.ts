// The `transfer` task bodies (tasks/transfer-*.ts over src/transfers) on the consortium deployed by its Ignition
// module, members and operators as Hardhat accounts: a deposit address registered (it signs its ownership), a notice
// posted with its payload in the local blob store, listed, shown, its credit read before and after, settled in ETH
// through the contract; an off-chain (BTC) notice settled by the operators' signed files; a notice defaulted after
// settle-by and slashed to the recipient; and the tasks' refusals of bad input.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, keccak256 } from "ethers";
import { network } from "hardhat";

import { transferAttest } from "../../tasks/transfer-attest.js";
import { transferCredit } from "../../tasks/transfer-credit.js";
import { DEFAULTS as DEPOSIT_DEFAULTS, depositAddress } from "../../tasks/transfer-deposit-address.js";
import { DEFAULTS as NOTICE_DEFAULTS, notice } from "../../tasks/transfer-notice.js";
import { transferPayDefault } from "../../tasks/transfer-pay-default.js";
import { transferReportDefault } from "../../tasks/transfer-report-default.js";
import { transferSettle } from "../../tasks/transfer-settle.js";
import { transferSubmit } from "../../tasks/transfer-submit.js";
import { transferWithdrawHeld } from "../../tasks/transfer-withdraw-held.js";
import {
  ETH_ASSET,
  OPERATOR_STAKE,
  TOKEN_ASSET,
  UNBONDING_DELAY,
  deployLedgerSystem,
  fixtureAddresses,
} from "../contracts/ledger-fixture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const E18 = 10n ** 18n;
const BTC_ASSET = 3;

async function deployed() {
  const f = await deployLedgerSystem(connection, { operators: 0 });
  const signers = await ethers.getSigners();
  const operators = [signers[7], signers[8], signers[9]];
  for (const o of operators) await f.onboard(o, OPERATOR_STAKE);
  await f.registry.listAsset(BTC_ASSET, ZeroAddress, "BTC", 8);
  await f.transfers.setAssetTerms(BTC_ASSET, { kind: 3, weight: 10n ** 29n });
  const dir = await deploymentDir(await fixtureAddresses(f));
  // The recipient is the first operator; its deposit addresses are Hardhat accounts 5 (ETH) and 6 (BTC).
  return { ...f, operators, recipient: operators[0], ethDeposit: signers[5], btcDeposit: signers[6], dir };
}
type F = Awaited<ReturnType<typeof deployed>>;

const client = (signer: HardhatEthersSigner, dir: string) => testClient(ethers, signer.address, dir);
const common = { json: false };

describe("transfer tasks", function () {
  this.timeout(300_000);
  let work: string;
  before(async function () {
    work = await mkdtemp(join(tmpdir(), "por-transfer-tasks-"));
  });
  after(async function () {
    await rm(work, { recursive: true, force: true });
  });

  async function register(f: F, asset: number, index: string): Promise<void> {
    const c = await client(f.recipient, f.dir);
    await depositAddress(c.ctx, { ...common, ...DEPOSIT_DEFAULTS, action: "register", asset, address: index });
  }

  async function post(f: F, fields: { asset?: number; amount: string; to?: string; within?: bigint }): Promise<string> {
    const c = await client(f.member, f.dir);
    const asset = fields.asset ?? ETH_ASSET;
    await notice(c.ctx, {
      ...common,
      ...NOTICE_DEFAULTS,
      action: "post",
      to: fields.to ?? f.recipient.address,
      asset,
      amount: fields.amount,
      depositAddress: asset === BTC_ASSET ? f.btcDeposit.address : f.ethDeposit.address,
      within: fields.within ?? 3_600n,
      memo: "customer 42",
      blobDir: join(work, "blobs"),
    });
    const line = c.lines.find((l) => l.startsWith("notice 0x"))!;
    return line.slice(7, 73);
  }

  it("registers a deposit address, posts a notice (payload in the blob store), shows credit, settles in ETH", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    await register(f, ETH_ASSET, "5");
    const listed = await client(f.other, f.dir);
    await depositAddress(listed.ctx, { ...common, ...DEPOSIT_DEFAULTS, action: "list" });
    expect(listed.lines.join("\n")).to.contain(`${f.recipient.address} asset 1: ${f.ethDeposit.address}`);

    const credit = async () => {
      const c = await client(f.other, f.dir);
      await transferCredit(c.ctx, { ...common, sender: f.member.address, recipient: f.recipient.address, asset: 1 });
      return c.lines.join("\n");
    };
    const before = await credit();
    expect(before).to.contain(", 0 open");
    const id = await post(f, { amount: "2" });
    expect(await credit()).to.contain(`, ${2n * E18} open`);

    // The payload in the blob store hashes to the notice's digest.
    const record = (await f.transfers.queryFilter(f.transfers.filters.NoticePosted(id)))[0].args.record;
    const { LocalBlobStore } = await import("../../src/blobstore/index.js");
    const store = new LocalBlobStore(join(work, "blobs"));
    const payload = JSON.parse(new TextDecoder().decode(await readFile(store.pathOf(record.notice.payloadDigest))));
    expect(keccak256(await readFile(store.pathOf(record.notice.payloadDigest)))).to.equal(record.notice.payloadDigest);
    expect([payload.format, payload.amount, payload.memo]).to.deep.equal([
      "por.transfer-notice",
      (2n * E18).toString(),
      "customer 42",
    ]);

    const show = await client(f.other, f.dir);
    await notice(show.ctx, { ...common, ...NOTICE_DEFAULTS, action: "show", notice: id });
    expect(show.lines.join("\n")).to.contain(`${id}: ${f.member.address} -> ${f.recipient.address} asset 1`);
    expect(show.lines.join("\n")).to.contain(": Open");

    const balance = await ethers.provider.getBalance(f.ethDeposit.address);
    await transferSettle((await client(f.member, f.dir)).ctx, { ...common, notice: id });
    expect(await ethers.provider.getBalance(f.ethDeposit.address)).to.equal(balance + 2n * E18);
    const after = await client(f.other, f.dir);
    await notice(after.ctx, { ...common, ...NOTICE_DEFAULTS, action: "list", sender: f.member.address });
    expect(after.lines.join("\n")).to.contain(": Settled");
    expect(await credit()).to.contain(", 0 open");
    await expectTaskError(transferSettle((await client(f.member, f.dir)).ctx, { ...common, notice: id }), "is Settled");
  });

  it("settles an off-chain notice by the operators' settlement files, submitted by anyone", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    await register(f, BTC_ASSET, "6");
    const id = await post(f, { asset: BTC_ASSET, amount: "0.01" });
    await expectTaskError(
      transferSettle((await client(f.member, f.dir)).ctx, { ...common, notice: id }),
      "settles off-chain",
    );
    const txRef = keccak256("0xb7c0");
    const files: string[] = [];
    for (const [i, o] of f.operators.entries()) {
      const out = join(work, `settlement-${i}.json`);
      await transferAttest((await client(o, f.dir)).ctx, { ...common, notice: id, tx: txRef, out });
      files.push(out);
    }
    const file = JSON.parse(await readFile(files[0], "utf8"));
    expect([file.format, file.txRef]).to.deep.equal(["por.transfer-settlement", txRef]);
    const submit = await client(f.other, f.dir);
    await transferSubmit(submit.ctx, { ...common, files });
    expect(submit.lines.join("\n")).to.contain(`${txRef} settled ${id}`);
    const list = await client(f.other, f.dir);
    await notice(list.ctx, { ...common, ...NOTICE_DEFAULTS, action: "list", open: true });
    expect(list.lines.join("\n")).to.contain("no open notice");
  });

  it("reports a default after settle-by (refused before it): the sender is slashed; pay-default pays the recipient the unbonding delay after posting", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    await register(f, ETH_ASSET, "5");
    const id = await post(f, { amount: "1", within: 3_600n });
    const reporter = await client(f.other, f.dir);
    await expectTaskError(transferReportDefault(reporter.ctx, { ...common, notice: id }), "has not passed");
    await time.increase(3_601);
    const stake = await f.vault.stakeOf(f.member.address);
    const balance = await ethers.provider.getBalance(f.recipient.address);
    await transferReportDefault(reporter.ctx, { ...common, notice: id });
    expect(reporter.lines.join("\n")).to.contain(`notice ${id} defaulted: ${(11n * E18) / 10n} weight due`);
    const slashed = stake - (await f.vault.stakeOf(f.member.address));
    expect(slashed >= (11n * E18) / 10n).to.equal(true);
    // The slash waits in the sender's pool.
    expect(await ethers.provider.getBalance(f.recipient.address)).to.equal(balance);
    expect(reporter.lines.join("\n")).to.contain("transfer pay-default");
    await expectTaskError(transferReportDefault(reporter.ctx, { ...common, notice: id }), "is Defaulted");
    await expectTaskError(transferPayDefault(reporter.ctx, { ...common, notice: id }), "payable from");
    const record = (await f.transfers.queryFilter(f.transfers.filters.NoticePosted(id)))[0].args.record;
    await time.increaseTo(record.postedAt + UNBONDING_DELAY);
    await expectTaskError(
      transferPayDefault(reporter.ctx, { ...common, notice: id, to: f.other.address }),
      "only the recipient",
    );
    await expectTaskError(transferPayDefault(reporter.ctx, { ...common, notice: id, to: "0x12" }), "--to");
    const payer = await client(f.other, f.dir);
    await transferPayDefault(payer.ctx, { ...common, notice: id });
    expect(payer.lines.join("\n")).to.contain(`notice ${id} paid to ${f.recipient.address}: ${(11n * E18) / 10n} of`);
    expect(await ethers.provider.getBalance(f.recipient.address)).to.equal(balance + (11n * E18) / 10n);
    await expectTaskError(transferPayDefault(payer.ctx, { ...common, notice: id }), "is Paid, not defaulted");
  });

  it("settles to a deposit address the token refuses by holding the tokens; withdraw-held gives them to the recipient", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    await f.transfers.setAssetTerms(TOKEN_ASSET, { kind: 2, weight: 10n ** 24n });
    await register(f, TOKEN_ASSET, "5");
    const id = await post(f, { asset: TOKEN_ASSET, amount: "1" });
    await f.token.mint(f.member.address, 10n ** 6n);
    await f.token.setBlocked(f.ethDeposit.address, true);
    const settle = await client(f.member, f.dir);
    await transferSettle(settle.ctx, { ...common, notice: id });
    expect(settle.lines.join("\n")).to.contain(`held for ${f.recipient.address}`);
    const withdraw = async (signer: HardhatEthersSigner) => {
      const c = await client(signer, f.dir);
      await transferWithdrawHeld(c.ctx, { ...common, asset: TOKEN_ASSET, to: f.user.address });
      return c.lines.join("\n");
    };
    await expectTaskError(withdraw(f.other), "nothing held");
    expect(await withdraw(f.recipient)).to.contain(`withdrew ${10n ** 6n} base units`);
    expect(await f.token.balanceOf(f.user.address)).to.equal(10n ** 6n);
    await expectTaskError(withdraw(f.recipient), "nothing held");
  });

  it("refuses bad input, naming it", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const c = (await client(f.member, f.dir)).ctx;
    await expectTaskError(depositAddress(c, { ...common, ...DEPOSIT_DEFAULTS, action: "register" }), "--asset");
    await expectTaskError(
      depositAddress(c, { ...common, ...DEPOSIT_DEFAULTS, action: "register", asset: 1 }),
      "--address",
    );
    await expectTaskError(depositAddress(c, { ...common, ...DEPOSIT_DEFAULTS, action: "drop" }), "register or list");
    await expectTaskError(notice(c, { ...common, ...NOTICE_DEFAULTS, action: "post" }), "--to");
    await expectTaskError(
      notice(c, {
        ...common,
        ...NOTICE_DEFAULTS,
        action: "post",
        to: f.recipient.address,
        asset: 99,
        amount: "1",
        depositAddress: f.ethDeposit.address,
      }),
      "not listed",
    );
    await expectTaskError(
      notice(c, {
        ...common,
        ...NOTICE_DEFAULTS,
        action: "post",
        to: f.recipient.address,
        asset: 1,
        amount: "1",
        depositAddress: f.ethDeposit.address,
      }),
      "--blob-dir",
    );
    await expectTaskError(notice(c, { ...common, ...NOTICE_DEFAULTS, action: "show", notice: "0x12" }), "<notice>");
    await expectTaskError(
      notice(c, { ...common, ...NOTICE_DEFAULTS, action: "show", notice: keccak256("0x01") }),
      "not posted",
    );
    await expectTaskError(transferCredit(c, { ...common, asset: 1 }), "--sender");
    await expectTaskError(transferAttest(c, { ...common, notice: keccak256("0x01") }), "--tx");
    await expectTaskError(transferSubmit(c, { ...common, files: [] }), "<files...>");
    // Unregistered deposit address: the contract's error, decoded.
    await expectTaskError(
      notice(c, {
        ...common,
        ...NOTICE_DEFAULTS,
        action: "post",
        to: f.recipient.address,
        asset: 1,
        amount: "1",
        depositAddress: f.ethDeposit.address,
        blobDir: join(work, "blobs"),
      }),
      "transfers unknown deposit address",
    );
  });
});
