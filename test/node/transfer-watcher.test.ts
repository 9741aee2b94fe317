// The recipient's transfer watcher (src/node/transfers.ts) on the consortium deployed by its Ignition module: notices
// to its member credited at once within policy, held above it (amount, the sender's reputation, its open total, a
// payload missing from the blob store), each decision recorded once in its SQLite database (a restart decides
// nothing twice), a settlement followed, and a default reported by the watcher itself after settle-by.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { TransferWatcher, TransferWatcherDb, localPayloads, type CreditPolicy } from "../../src/node/transfers.js";
import {
  noticePayload,
  noticePayloadMismatch,
  payloadDigestOf,
  signNotice,
  type Notice,
} from "../../src/transfers/index.js";
import { ETH_ASSET, UNBONDING_DELAY } from "../contracts/ledger-fixture.js";
import { recipientSystem } from "../helpers/transfers.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const E18 = 10n ** 18n;

const system = () => recipientSystem({ ethers, networkHelpers, ignition });
type F = Awaited<ReturnType<typeof system>>;

describe("transfer watcher", function () {
  let work: string;
  let nonce = 0n;
  beforeEach(async function () {
    work = await mkdtemp(join(tmpdir(), "por-transfer-watcher-"));
  });
  afterEach(async function () {
    await rm(work, { recursive: true, force: true });
  });

  async function post(f: F, blobs: LocalBlobStore | undefined, amount: bigint): Promise<string> {
    const fields = {
      sender: f.member.address,
      recipient: f.recipient.address,
      asset: ETH_ASSET,
      amount,
      depositAddress: f.deposit.address,
      settleBy: BigInt(await time.latest()) + 3_600n,
      nonce: ++nonce,
    };
    const payload = noticePayload(fields, "");
    if (blobs !== undefined) await blobs.put(payload);
    const n: Notice = { ...fields, payloadDigest: payloadDigestOf(payload) };
    const receipt = (await (await f.transfers.postNotice(n, await signNotice(f.member, f.domain, n))).wait())!;
    const log = receipt.logs.map((l) => f.transfers.interface.parseLog(l)).find((l) => l?.name === "NoticePosted");
    return log!.args.noticeId as string;
  }

  const policy: CreditPolicy = {
    maxAmount: { [ETH_ASSET]: E18 },
    minScore: 0n,
    maxOpenPerSender: { [ETH_ASSET]: (3n * E18) / 2n },
  };

  function watcher(f: F, dbPath: string, blobs: LocalBlobStore | undefined, p = policy) {
    const db = new TransferWatcherDb(dbPath);
    const w = new TransferWatcher({
      transfers: f.transfers.connect(f.recipient),
      reputation: f.reputation,
      recipient: f.recipient.address,
      policy: p,
      db,
      payloads: blobs === undefined ? undefined : localPayloads(blobs),
      startBlock: f.startBlock,
    });
    return { db, w };
  }

  it("credits within policy, holds above it, records each decision once across a restart", async function () {
    const f = await networkHelpers.loadFixture(system);
    const blobs = new LocalBlobStore(join(work, "blobs"));
    const ok = await post(f, blobs, E18);
    const big = await post(f, blobs, (3n * E18) / 2n);
    const second = await post(f, blobs, (8n * E18) / 10n);
    const noPayload = await post(f, undefined, E18 / 10n);
    const dbPath = join(work, "watcher.db");
    const first = watcher(f, dbPath, blobs);
    const step = await first.w.poll();
    const byId = Object.fromEntries(step.decided.map((d) => [d.noticeId, d]));
    expect(byId[ok], byId[ok].reason).to.include({ decision: "credited" });
    expect(byId[big].reason).to.contain("above the policy's");
    expect(byId[second].reason).to.contain("already credited and open from the sender");
    expect(byId[noPayload].reason).to.contain("payload not available");
    first.db.closeDb();
    // A restart: nothing decided twice.
    const again = watcher(f, dbPath, blobs);
    expect((await again.w.poll()).decided).to.have.length(0);
    expect(again.db.rows()).to.have.length(4);
    again.db.closeDb();
  });

  it("holds a notice from a sender below the policy's reputation", async function () {
    const f = await networkHelpers.loadFixture(system);
    const id = await post(f, undefined, E18);
    const { db, w } = watcher(f, ":memory:", undefined, { ...policy, minScore: 10n ** 30n });
    const step = await w.poll();
    expect(step.decided).to.deep.equal([
      {
        noticeId: id,
        decision: "held",
        reason: `sender's reputation ${await f.reputation.scoreOf(f.member.address)} below the policy's ${10n ** 30n}`,
      },
    ]);
    db.closeDb();
  });

  it("follows a settlement, reports a default by itself after settle-by, and collects the payout once it is due", async function () {
    const f = await networkHelpers.loadFixture(system);
    const settled = await post(f, undefined, E18);
    const defaulted = await post(f, undefined, E18);
    const { db, w } = watcher(f, ":memory:", undefined);
    await w.poll();
    const rows = db.rows();
    await f.transfers.connect(f.member).settle(rows.find((r) => r.noticeId === settled)!.record, { value: E18 });
    const step = await w.poll();
    expect(step.settled).to.deep.equal([settled]);
    expect(step.defaulted).to.have.length(0);
    await time.increase(3_601);
    const stake = await f.vault.stakeOf(f.member.address);
    const balance = await ethers.provider.getBalance(f.recipient.address);
    const late = await w.poll();
    expect(late.defaulted.map((d) => d.noticeId)).to.deep.equal([defaulted]);
    const slashed = stake - (await f.vault.stakeOf(f.member.address));
    expect(slashed >= (11n * E18) / 10n).to.equal(true);
    // Nothing paid yet (the slash waits in the sender's pool); the watcher waits quietly for the payout.
    expect((await ethers.provider.getBalance(f.recipient.address)) < balance).to.equal(true);
    expect(db.rows("Defaulted").map((r) => r.reportTx)).to.deep.equal([late.defaulted[0].tx]);
    const waiting = await w.poll();
    expect(waiting.defaulted).to.have.length(0);
    expect(waiting.paid).to.have.length(0);
    expect(waiting.errors).to.deep.equal([]);
    const record = db.rows("Defaulted")[0].record;
    await time.increaseTo(record.postedAt + UNBONDING_DELAY);
    const before = await ethers.provider.getBalance(f.recipient.address);
    const due = await w.poll();
    expect(due.paid.map((p) => p.noticeId)).to.deep.equal([defaulted]);
    // Paid the owed weight (1.1 ETH), less the gas of its own payout transaction.
    const gain = (await ethers.provider.getBalance(f.recipient.address)) - before;
    expect(gain > record.owedWeight - 10n ** 16n && gain <= record.owedWeight).to.equal(true);
    expect(db.rows("Paid").map((r) => r.payTx)).to.deep.equal([due.paid[0].tx]);
    expect((await w.poll()).paid).to.have.length(0);
    db.closeDb();
  });

  it("compares a payload's fields with its notice (noticePayloadMismatch)", function () {
    const fields = {
      sender: Wallet.createRandom().address,
      recipient: Wallet.createRandom().address,
      asset: ETH_ASSET,
      amount: E18,
      depositAddress: Wallet.createRandom().address,
      settleBy: 1_800_000_000n,
      nonce: 7n,
    };
    const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const own = JSON.parse(new TextDecoder().decode(noticePayload(fields, "memo"))) as Record<string, unknown>;
    expect(noticePayloadMismatch(noticePayload(fields, "any memo"), fields)).to.equal(undefined);
    // Addresses compare by value, not by checksum case.
    const lower = { ...own, sender: (own.sender as string).toLowerCase() };
    expect(noticePayloadMismatch(bytes(lower), fields)).to.equal(undefined);
    expect(noticePayloadMismatch(bytes({ ...own, amount: "2" }), fields)).to.match(/^payload states amount "2"/);
    expect(noticePayloadMismatch(bytes({ ...own, nonce: 7 }), fields)).to.match(/^payload states nonce 7/);
    expect(noticePayloadMismatch(bytes({ ...own, version: 2 }), fields)).to.match(/^payload states version 2/);
    const { settleBy: _dropped, ...missing } = own;
    expect(noticePayloadMismatch(bytes(missing), fields)).to.match(/^payload states settleBy undefined/);
    expect(noticePayloadMismatch(bytes([own]), fields)).to.equal("payload is not a JSON object");
    expect(noticePayloadMismatch(new Uint8Array([0xff, 0xfe]), fields)).to.equal("payload is not UTF-8 JSON");
  });
});
