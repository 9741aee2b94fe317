// Issue 18's faster ingestion keeps every check: the validator's per-key caches (the subgroup check, the key hash)
// and the chain view's key-at-t cache never let a record through that the uncached checks refuse (a key rotated at
// t is still refused for a record before t), and SQLite's group commit keeps each batch all or nothing.
import { expect } from "chai";
import { network } from "hardhat";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { recordKeyHash } from "../../src/records/index.js";
import {
  ApiError,
  EthersChainView,
  RecordValidator,
  openRecordStore,
  type ChainView,
  type ForwardedRecord,
  type StoredRecord,
  forwardedRecordSchema,
  quickForwarded,
  rememberMember,
} from "../../src/verifier-service/index.js";
import type { SqliteDriver } from "../../src/verifier-service/sql-drivers.js";
import { MIXED, ORDER8 } from "../helpers/weak-keys.js";
import { deployVerifierFixture, OTHER_KEY, signedRecord, sqliteFactory } from "./fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();

/** The ApiError code a validation throws, or "ok". */
async function outcome(v: RecordValidator, records: ForwardedRecord[]): Promise<string> {
  try {
    await v.validate(records, "records", 0);
    return "ok";
  } catch (e) {
    if (e instanceof ApiError) return `${e.code} at ${e.where}`;
    throw e;
  }
}

describe("verifier ingestion: caches and group commit keep every check", function () {
  this.timeout(120_000);
  let crypto: Crypto;
  let fx: Awaited<ReturnType<typeof deployVerifierFixture>>;
  before(async () => {
    crypto = await loadCrypto({ threads: 0 });
    fx = await deployVerifierFixture({ ethers, networkHelpers, ignition }, crypto);
  });
  after(async () => crypto?.close());

  it("refuses a record under the old key after the key was rotated, with the caching chain view", async () => {
    // The member rotates to OTHER_KEY from tNew on; the chain view caches keys at past t for good (as served).
    const [ax, ay] = crypto.publicKey(OTHER_KEY);
    const tNew = (await networkHelpers.time.latest()) + 20;
    await fx.registry.connect(fx.memberSigner).registerKey(
      recordKeyHash((i) => crypto.poseidon(i), ax, ay),
      ax,
      ay,
      tNew,
    );
    await networkHelpers.time.increaseTo(tNew + 100);
    const chain = new EthersChainView(await fx.registry.getAddress(), await fx.ledger.getAddress(), fx.user);
    const v = new RecordValidator(crypto, chain);
    const before = fx.tCommitted; // the old key's time
    const after = tNew + 10;
    const rec = (t: number, slot: number, key?: Uint8Array) =>
      signedRecord(crypto, { member: fx.memberAddress, t, slot }, { key });
    // Each answer cached first, then asked again with the other key: the cache never answers for the wrong key.
    for (let round = 0; round < 2; round++) {
      expect(await outcome(v, [rec(before, 1)])).to.equal("ok");
      expect(await outcome(v, [rec(before, 2, OTHER_KEY)])).to.equal("wrong_key at records[0].recordKey");
      expect(await outcome(v, [rec(after, 3, OTHER_KEY)])).to.equal("ok");
      expect(await outcome(v, [rec(after, 4)])).to.equal("wrong_key at records[0].recordKey");
      expect(await outcome(v, [rec(tNew - 1, 5, OTHER_KEY)])).to.equal("wrong_key at records[0].recordKey");
      expect(await outcome(v, [rec(tNew, 6, OTHER_KEY)])).to.equal("ok");
    }
    // One batch mixing both: refused at the first wrong item, in order.
    expect(await outcome(v, [rec(before, 7), rec(after, 8, OTHER_KEY), rec(before, 9, OTHER_KEY)])).to.equal(
      "wrong_key at records[2].recordKey",
    );
  });

  it("refuses a weak key every time, before and after strong keys were checked (the subgroup cache)", async () => {
    const H = (i: readonly bigint[]) => crypto.poseidon(i);
    for (const A of [ORDER8, MIXED]) {
      const chain = Object.create(fx.chain, { keyHashAt: { value: async () => recordKeyHash(H, A[0], A[1]) } });
      const v = new RecordValidator(crypto, chain as ChainView);
      const honest = signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: 1 });
      // The subgroup check comes before the signature's: the honest signature under the weak key is refused as weak.
      const weak: ForwardedRecord = { ...honest, recordKey: { Ax: A[0].toString(), Ay: A[1].toString() } };
      // The honest record's key is strong (its check is cached): it fails on the chain's key hash, not the subgroup.
      expect(await outcome(v, [honest])).to.equal("wrong_key at records[0].recordKey");
      for (let i = 0; i < 3; i++) expect(await outcome(v, [honest, weak])).to.equal("weak_key at records[1].recordKey");
    }
  });

  it("accepts by hand only records the schema accepts (every field mutated), so every refusal stays the schema's", () => {
    const good = signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: 3 });
    const bad: unknown[] = [
      "x",
      1,
      null,
      "0",
      "-1",
      "01",
      "1.0",
      " 1",
      "1e3",
      1e3,
      -1,
      1.5,
      2 ** 32,
      2 ** 53,
      true,
      [],
      {},
      "0x",
      "21888242871839275222246405745257275088548364400416034343698204186575808495617", // p
      "18446744073709551616", // 2^64
      "79228162514264337593543950336", // 2^96
      "9".repeat(79),
      "0x" + "ab".repeat(20),
      fx.memberAddress.toLowerCase(),
      fx.memberAddress.slice(0, 41) + (fx.memberAddress.endsWith("a") ? "A" : "a"), // a wrong checksum
      undefined,
    ];
    const paths: string[][] = [
      ["format"],
      ["version"],
      ["record"],
      ["signature"],
      ["recordKey"],
      ...["member", "asset", "t", "slot", "accountKey", "balance", "payoutHash"].map((f) => ["record", f]),
      ...["R8x", "R8y", "S"].map((f) => ["signature", f]),
      ...["Ax", "Ay"].map((f) => ["recordKey", f]),
    ];
    const variants: unknown[] = [];
    for (const path of paths) {
      for (const v of bad) {
        const copy = JSON.parse(JSON.stringify(good)) as Record<string, Record<string, unknown>>;
        if (path.length === 1) (copy as Record<string, unknown>)[path[0]] = v;
        else copy[path[0]][path[1]] = v;
        variants.push(copy);
      }
      const extra = JSON.parse(JSON.stringify(good)) as Record<string, Record<string, unknown>>;
      if (path.length === 2) extra[path[0]].extra = "1";
      else (extra as Record<string, unknown>).extra = "1";
      variants.push(extra);
      const missing = JSON.parse(JSON.stringify(good)) as Record<string, Record<string, unknown>>;
      if (path.length === 2) delete missing[path[0]][path[1]];
      else delete (missing as Record<string, unknown>)[path[0]];
      variants.push(missing);
    }
    variants.push(JSON.parse('{"__proto__": {}, ' + JSON.stringify(good).slice(1)), [good], null, "record");
    // Before the schema has seen the member, nothing is taken by hand; after, the good record is.
    expect(
      quickForwarded(
        JSON.parse(
          JSON.stringify({
            ...good,
            record: { ...good.record, member: fx.memberAddress.toUpperCase().replace("0X", "0x") },
          }),
        ),
      ),
    ).to.equal(undefined);
    rememberMember(good.record.member);
    expect(quickForwarded(good)).to.equal(good);
    let accepted = 0;
    for (const v of variants) {
      const quick = quickForwarded(v) !== undefined;
      const schema = forwardedRecordSchema.safeParse(v).success;
      if (quick) {
        accepted++;
        expect(schema, JSON.stringify(v)).to.equal(true);
      }
    }
    // Some mutations are still valid records (another in-range number): those the hand check may take.
    expect(accepted).to.be.lessThan(variants.length / 4);
  });

  it("commits concurrent SQLite batches together, each all or nothing", async () => {
    const factory = sqliteFactory();
    try {
      const { store, location } = await factory.fresh();
      const v = new RecordValidator(crypto, fx.chain);
      const recs = Array.from({ length: 40 }, (_, i) =>
        signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: i }),
      );
      const { rows } = await v.validate(recs, "records", 0);
      const batches = [rows.slice(0, 10), rows.slice(10, 20), rows.slice(20, 30), rows.slice(30, 40)];
      // Batch 2 carries a row the schema refuses (NOT NULL) after good rows: none of batch 2 may be stored.
      const broken: StoredRecord[] = [
        ...batches[2].slice(0, 9),
        { ...batches[2][9], member: null as unknown as string },
      ];
      const results = await Promise.allSettled([
        store.insertRecords(batches[0]),
        store.insertRecords(batches[1]),
        store.insertRecords(broken),
        store.insertRecords(batches[3]),
        store.insertRecords(batches[0]), // the same rows again in the same group: nothing new
      ]);
      expect(results.map((r) => r.status)).to.deep.equal([
        "fulfilled",
        "fulfilled",
        "rejected",
        "fulfilled",
        "fulfilled",
      ]);
      expect(results.map((r) => (r.status === "fulfilled" ? r.value : -1))).to.deep.equal([10, 10, -1, 10, 0]);
      expect(String((results[2] as PromiseRejectedResult).reason)).to.match(/NOT NULL/);
      const driver = (store as unknown as { driver: SqliteDriver }).driver;
      expect(driver.groupCommits.groups).to.be.greaterThan(0);
      await store.close();
      // On disk after reopening: the three good batches, nothing of the broken one.
      const reopened = await openRecordStore(location);
      expect(await reopened.countRecords()).to.equal(30);
      for (const r of batches[2]) expect(await reopened.getRecord(r.nullifier)).to.equal(undefined);
      for (const r of batches[3]) expect((await reopened.getRecord(r.nullifier))?.balance).to.equal(r.balance);
      await reopened.close();
    } finally {
      await factory.dispose();
    }
  });
});
