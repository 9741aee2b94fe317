// The operator node's transfer duty (`transfers` in its configuration): started from a configuration file as
// `operator run` starts it (readNodeConfig + startOperatorNode over JSON-RPC, the node's own loop), the node credits
// a notice addressed to its member within policy, holds one above it, follows the settlement, reports the other's
// default by itself after settle-by, collects the payout once the unbonding delay after posting has passed (the
// recipient is paid), and shows the counts in its health endpoint.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { readNodeConfig, startOperatorNode, type NodeHealth } from "../../src/node/index.js";
import {
  noticePayload,
  noticeRecordFromArgs,
  payloadDigestOf,
  signNotice,
  type Notice,
} from "../../src/transfers/index.js";
import { ETH_ASSET, UNBONDING_DELAY, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { recipientSystem } from "../helpers/transfers.js";
import { writeNodeConfig } from "../helpers/node-services.js";
import { startRpcBridge } from "../helpers/rpc-bridge.js";

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const { time } = networkHelpers;
const E18 = 10n ** 18n;

describe("operator node: the transfer duty from its configuration", function () {
  this.timeout(120_000);
  let dir: string;
  let bridge: Awaited<ReturnType<typeof startRpcBridge>>;

  before(async function () {
    bridge = await startRpcBridge(conn.provider);
  });
  after(async function () {
    await new Promise((r) => bridge.server.close(r));
  });
  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "por-transfer-duty-"));
  });
  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    let v = await read();
    for (let i = 0; i < 300 && !ok(v); i++) {
      await new Promise((r) => setTimeout(r, 100));
      v = await read();
    }
    expect(ok(v), `${what}: ${JSON.stringify(v)}`).to.equal(true);
    return v;
  }

  it("credits, holds, follows a settlement and reports a default by itself; health counts them", async function () {
    const f = await recipientSystem(conn);
    const { recipient, deposit, domain } = f;
    const addrs = await fixtureAddresses(f);
    const blobDir = join(dir, "blobs");
    await mkdir(blobDir);
    const blobs = new LocalBlobStore(blobDir);
    let nonce = 0n;
    const post = async (amount: bigint) => {
      const fields = {
        sender: f.member.address,
        recipient: recipient.address,
        asset: ETH_ASSET,
        amount,
        depositAddress: deposit.address,
        settleBy: BigInt(await time.latest()) + 3_600n,
        nonce: ++nonce,
      };
      const payload = noticePayload(fields, "customer 7");
      await blobs.put(payload);
      const n: Notice = { ...fields, payloadDigest: payloadDigestOf(payload) };
      await (await f.transfers.postNotice(n, await signNotice(f.member, domain, n))).wait();
    };

    const file = await writeNodeConfig(dir, "node", addrs, {
      rpcUrl: bridge.url,
      aggregatorUrl: "http://127.0.0.1:9",
      startBlock: await ethers.provider.getBlockNumber(),
      blobDir: "blobs",
      transfers: {
        transfers: addrs.transfers,
        reputation: addrs.reputation,
        db: "transfers.sqlite",
        maxAmount: { [ETH_ASSET]: E18.toString() },
      },
    });
    const config = await readNodeConfig(file);
    expect(config.transfers?.db).to.equal(join(dir, "transfers.sqlite"));
    const { node, close } = await startOperatorNode(config, recipient.privateKey, {}, { create: true });
    try {
      const health = async () =>
        (await (await fetch(`http://127.0.0.1:${node.healthPort}/health`)).json()) as NodeHealth;
      await post(E18); // within policy: credited
      await post(2n * E18); // above the policy's 1 ETH: held
      let h = await until(
        "two decisions",
        health,
        (x) => (x.transfers?.credited ?? 0) + (x.transfers?.held ?? 0) === 2,
      );
      expect(h.transfers).to.include({ credited: 1, held: 1, open: 2, settled: 0, defaulted: 0, lastError: null });

      const open = await f.transfers.queryFilter(f.transfers.filters.NoticePosted(undefined, f.member.address));
      const records = open.map((l) => noticeRecordFromArgs(l.args as unknown as { record: unknown }));
      await f.transfers.connect(f.member).settle(records[0], { value: E18 });
      h = await until("settled", health, (x) => x.transfers?.settled === 1);

      await time.increase(3_601);
      h = await until("default reported", health, (x) => x.transfers?.defaulted === 1);
      expect(h.transfers).to.include({ open: 0, settled: 1, defaulted: 1, paid: 0 });
      await time.increaseTo(records[1].postedAt + UNBONDING_DELAY);
      const before = await ethers.provider.getBalance(recipient.address);
      h = await until("payout collected", health, (x) => x.transfers?.paid === 1);
      expect(h.transfers).to.include({ open: 0, settled: 1, defaulted: 0, paid: 1, lastError: null });
      // Paid value plus penalty (2.2 ETH), less the gas of the node's own payout transaction.
      expect((await ethers.provider.getBalance(recipient.address)) - before > (22n * E18) / 10n - 10n ** 16n).to.equal(
        true,
      );
    } finally {
      await close();
    }
  });

  it("a transfers setting that is not an amount is refused naming the field", async function () {
    const file = join(dir, "bad.json");
    const settings = {
      format: "por.node-config",
      version: 1,
      rpcUrl: "http://127.0.0.1:8545",
      ledger: Wallet.createRandom().address,
      registry: Wallet.createRandom().address,
      reserveRegistry: Wallet.createRandom().address,
      adjudicator: Wallet.createRandom().address,
      db: "node.sqlite",
      blobDir: "blobs",
      aggregatorUrl: "http://127.0.0.1:9",
      transfers: {
        transfers: Wallet.createRandom().address,
        reputation: Wallet.createRandom().address,
        db: "t.sqlite",
        maxAmount: { "1": "1.5" },
      },
    };
    await writeFile(file, JSON.stringify(settings));
    let error: Error | undefined;
    await readNodeConfig(file).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/field transfers\.maxAmount\.1: must be a decimal amount in base units/);
  });
});
