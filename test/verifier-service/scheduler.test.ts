// The request scheduler against the real CommitmentLedger: picks past committed snapshots with enough records,
// persists before sending, never requests twice, and settles rows a crash left pending.
import { expect } from "chai";
import { network } from "hardhat";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  EthersChainView,
  RequestScheduler,
  RecordValidator,
  silentLogger,
  type SqlRecordStore,
} from "../../src/verifier-service/index.js";
import { commitmentOf, ETH_ASSET } from "../contracts/ledger-fixture.js";
import { deployVerifierFixture, signedRecord, sqliteFactory, type StoreFactory } from "./fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();

describe("RequestScheduler", function () {
  this.timeout(120_000);
  let crypto: Crypto;
  let factory: StoreFactory;
  let fx: Awaited<ReturnType<typeof deployVerifierFixture>>;
  let store: SqlRecordStore;
  let t2: number;

  before(async () => {
    crypto = await loadCrypto({ threads: 0 });
    factory = sqliteFactory();
    fx = await deployVerifierFixture({ ethers, networkHelpers, ignition }, crypto);
    t2 = fx.tCommitted + 50;
    await fx.ledger.connect(fx.memberSigner).commit(t2, [commitmentOf(ETH_ASSET, 2n)]);
    await networkHelpers.time.increase(100);
    store = (await factory.fresh()).store;
    const v = new RecordValidator(crypto, fx.chain);
    const recs = [];
    for (let i = 0; i < 3; i++)
      recs.push(signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: i }));
    recs.push(signedRecord(crypto, { member: fx.memberAddress, t: t2, slot: 1 })); // below minRecords
    recs.push(signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted + 1, slot: 1 })); // not committed
    await store.insertRecords((await v.validate(recs, "records", 0)).rows);
  });
  after(async () => {
    await store?.close();
    await factory?.dispose();
    await crypto?.close();
  });

  const scheduler = () =>
    new RequestScheduler({
      store,
      chain: fx.chain,
      logger: silentLogger,
      policy: { minRecords: 3, minAgeSeconds: 10, maxPerMember: 5, maxPerRound: 5 },
      isRequestExists: (e) => fx.chain.ledgerRevertName(e) === "CommitmentLedgerRequestExists",
    });

  it("requests the eligible snapshot on-chain, once", async () => {
    const before = await fx.ledger.requestCount();
    const rows = await scheduler().runOnce();
    expect(rows.map((r) => [r.t, r.status])).to.deep.equal([[fx.tCommitted, "sent"]]);
    expect(await fx.ledger.requestCount()).to.equal(before + 1n);
    const id = await fx.ledger.requestIdOf(fx.memberAddress, fx.tCommitted);
    expect(rows[0].requestId).to.equal(id.toString());
    const req = await fx.ledger.requestOf(id);
    expect(req.requester).to.equal(fx.user.address);
    // A second round (a restarted scheduler on the same store) requests nothing new.
    expect(await scheduler().runOnce()).to.deep.equal([]);
    expect(await fx.ledger.requestCount()).to.equal(before + 1n);
  });

  it("settles a pending row whose transaction landed before a crash without sending again", async () => {
    const t = fx.tCommitted + 2;
    await fx.ledger.connect(fx.user).requestProof(fx.memberAddress, t, { value: 10n ** 16n });
    expect(await store.addRequestIntent(fx.memberAddress, t, 1)).to.equal(true);
    const count = await fx.ledger.requestCount();
    await scheduler().recover();
    const row = (await store.requests()).find((r) => r.t === t);
    expect(row?.status).to.equal("sent");
    expect(row?.requestId).to.equal((await fx.ledger.requestIdOf(fx.memberAddress, t)).toString());
    expect(await fx.ledger.requestCount()).to.equal(count);
  });

  it("sends a pending row whose transaction never went out", async () => {
    const t = fx.tCommitted + 3;
    expect(await store.addRequestIntent(fx.memberAddress, t, 1)).to.equal(true);
    expect(await store.addRequestIntent(fx.memberAddress, t, 1)).to.equal(false);
    await scheduler().recover();
    const row = (await store.requests()).find((r) => r.t === t);
    expect(row?.status).to.equal("sent");
    expect(await fx.ledger.requestIdOf(fx.memberAddress, t)).to.not.equal(0n);
  });

  it("marks a request that reverts as failed and does not retry it", async () => {
    const t = 4_000_000_000; // in the future: CommitmentLedgerSnapshotNotPast
    await store.addRequestIntent(fx.memberAddress, t, 1);
    await scheduler().recover();
    const row = (await store.requests()).find((r) => r.t === t);
    expect(row?.status).to.equal("failed");
    expect(row?.error).to.be.a("string");
  });

  it("leaves a row pending when the RPC is down, and sends it once the RPC is back", async () => {
    const t = fx.tCommitted + 4;
    const provider = new ethers.JsonRpcProvider("http://127.0.0.1:1", undefined, { staticNetwork: true });
    const dead = new EthersChainView(
      await fx.registry.getAddress(),
      await fx.ledger.getAddress(),
      new ethers.Wallet("0x" + "11".repeat(32), provider),
      { attempts: 2 },
    );
    await store.addRequestIntent(fx.memberAddress, t, 1);
    try {
      await new RequestScheduler({ store, chain: dead, logger: silentLogger }).recover();
    } finally {
      provider.destroy();
    }
    expect((await store.requests()).find((r) => r.t === t)?.status).to.equal("pending");
    await scheduler().recover();
    expect((await store.requests()).find((r) => r.t === t)?.status).to.equal("sent");
  });
  it("records the on-chain request id when someone else requested between its look and its send", async () => {
    const t = fx.tCommitted + 5;
    const exists = new Error("CommitmentLedgerRequestExists");
    let looks = 0;
    // The first look (before sending) misses the request, as if it landed just after; the send then reverts.
    const racing = Object.create(fx.chain, {
      requestIdOf: { value: () => Promise.resolve(looks++ === 0 ? 0n : 42n) },
      requestProof: { value: () => Promise.reject(exists) },
    }) as typeof fx.chain;
    await store.addRequestIntent(fx.memberAddress, t, 1);
    await new RequestScheduler({
      store,
      chain: racing,
      logger: silentLogger,
      isRequestExists: (e) => e === exists,
    }).recover();
    const row = (await store.requests()).find((r) => r.t === t);
    expect(row?.status).to.equal("exists");
    expect(row?.requestId).to.equal("42");
  });
});
