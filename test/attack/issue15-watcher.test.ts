// Attack review of issue 15: the recipient's transfer watcher (src/node/transfers.ts) against a hostile sender, on
// the system from the Ignition module (test/contracts/ledger-fixture.ts), a real LocalBlobStore and SQLite.
// Exploits that worked when reviewed are kept as "defence (was an EXPLOIT)" tests, passing since the fix.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { TransferWatcher, TransferWatcherDb, localPayloads } from "../../src/node/transfers.js";
import { noticePayload, payloadDigestOf, signNotice, type Notice } from "../../src/transfers/index.js";
import { ETH_ASSET, MEMBER_STAKE } from "../contracts/ledger-fixture.js";
import { recipientSystem } from "../helpers/transfers.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const ETH = 10n ** 18n;

const watched = () => recipientSystem({ ethers, networkHelpers, ignition });
type W = Awaited<ReturnType<typeof watched>>;

describe("attack: issue 15 transfer watcher", function () {
  let work: string;
  let blobs: LocalBlobStore;
  let w: W;
  let nonce = 0n;
  beforeEach(async function () {
    w = await networkHelpers.loadFixture(watched);
    work = await mkdtemp(join(tmpdir(), "por-attack15-watcher-"));
    blobs = new LocalBlobStore(join(work, "blobs"));
  });
  afterEach(async function () {
    await rm(work, { recursive: true, force: true });
  });

  function fieldsOf(amount: bigint, settleBy: bigint): Omit<Notice, "payloadDigest"> {
    return {
      sender: w.member.address,
      recipient: w.recipient.address,
      asset: ETH_ASSET,
      amount,
      depositAddress: w.deposit.address,
      settleBy,
      nonce: ++nonce,
    };
  }

  async function postWith(fields: Omit<Notice, "payloadDigest">, payload: Uint8Array): Promise<string> {
    const n: Notice = { ...fields, payloadDigest: payloadDigestOf(payload) };
    const receipt = (await (await w.transfers.postNotice(n, await signNotice(w.member, w.domain, n))).wait())!;
    const log = receipt.logs.map((l) => w.transfers.interface.parseLog(l)).find((l) => l?.name === "NoticePosted");
    return log!.args.noticeId as string;
  }

  async function decisionsOf(): Promise<Record<string, { decision: string; reason: string }>> {
    const db = new TransferWatcherDb(":memory:");
    const watcher = new TransferWatcher({
      transfers: w.transfers.connect(w.recipient),
      reputation: w.reputation,
      recipient: w.recipient.address,
      policy: { maxAmount: { [ETH_ASSET]: 5n * ETH }, minScore: 0n },
      db,
      payloads: localPayloads(blobs),
      startBlock: w.startBlock,
    });
    const step = await watcher.poll();
    db.closeDb();
    return Object.fromEntries(step.decided.map((d) => [d.noticeId, d]));
  }

  // How it works: the watcher decides when it polls, and its policy reads the amount, the sender's reputation score,
  // its own open total and the payload; not whether the sender is still Active or how much of its stake is pending
  // withdrawal. A sender posts a notice, then in the next block requests exit and withdrawal of all its stake
  // (test/attack/issue15-transfers.test.ts: the default then slashes nothing); the watcher polls and credits the
  // customer at once. Value: the notice's amount (here 4 ETH), lost by the recipient. Fixed: the watcher holds a
  // notice whose sender's `creditWeightOf` limit (0 once it is not Active) no longer covers what it owes.
  it("defence (was an EXPLOIT): the watcher holds a notice whose sender has already asked to exit and withdraw everything", async function () {
    const fields = fieldsOf(4n * ETH, BigInt(await time.latest()) + 3_600n);
    const payload = noticePayload(fields, "customer 42");
    await blobs.put(payload);
    const id = await postWith(fields, payload);
    await w.registry.connect(w.member).requestExit();
    await w.vault.connect(w.member).requestWithdrawal(ZeroAddress, MEMBER_STAKE);
    const byId = await decisionsOf();
    expect(byId[id].decision).to.equal("held");
    expect(byId[id].reason).to.match(/beyond its credit limit 0/);
  });

  // How it works: the watcher checks that the payload hashes to the digest, not that the payload's fields are the
  // notice's: a sender publishes a payload for 100 ETH to another member with another nonce (or reuses the payload of
  // an earlier notice) and signs a 1 ETH notice naming its digest; the watcher credits it "within policy". Whatever
  // reads the payload (the memo naming the customer, an auditor, the customer's own view on the DA layer) sees other
  // terms than the ones the contract enforces. Value: none on-chain; the record is misleading. Fixed: the watcher
  // parses the payload (por.transfer-notice v1, `noticePayloadMismatch`) and holds the notice when a field differs.
  it("defence (was an EXPLOIT): the watcher holds a notice whose DA payload states other terms", async function () {
    const settleBy = BigInt(await time.latest()) + 3_600n;
    const fields = fieldsOf(ETH, settleBy);
    const lie = noticePayload(
      { ...fields, amount: 100n * ETH, recipient: w.operators[1].address, nonce: fields.nonce + 7n },
      "customer 42",
    );
    await blobs.put(lie);
    const id = await postWith(fields, lie);
    const byId = await decisionsOf();
    expect(byId[id].decision).to.equal("held");
    expect(byId[id].reason).to.match(/^payload states recipient /);
  });

  it("defence: a payload that does not hash to the notice's digest is held", async function () {
    const fields = fieldsOf(ETH, BigInt(await time.latest()) + 3_600n);
    const payload = noticePayload(fields, "customer 42");
    const digest = payloadDigestOf(payload);
    // The DA layer (here the local store's file for that digest) serves other bytes.
    const path = blobs.pathOf(digest);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, noticePayload({ ...fields, amount: 2n * ETH }, "customer 42"));
    const id = await postWith(fields, payload);
    const byId = await decisionsOf();
    expect(byId[id]).to.include({ decision: "held", reason: "payload does not hash to its digest" });
  });
});
