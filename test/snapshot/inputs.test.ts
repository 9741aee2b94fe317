// The snapshot's batched input builders (issue 18, scale2): the account-key and record-message inputs written
// straight into bytes give exactly the bytes the per-field path gives (writeLE32 of accountIdField and of
// recordMessageInputs), and refuse what checkRecord refuses; the payout hash without the second checksum equals
// payoutHashOf on the ledger's checksummed addresses.
import { randomBytes } from "node:crypto";

import { expect } from "chai";
import { getAddress } from "ethers";

import { ACCOUNT_DOMAIN, FIELD_P, MAX_BALANCE, readLE32, writeLE32 } from "../../src/crypto/field.js";
import { parsePayout } from "../../src/ledger/index.js";
import {
  accountIdField,
  deriveAccountSalt,
  deriveAccountSalts,
  payoutCommitment,
  payoutCommitments,
  payoutHashOf,
  payoutHashOfChecked,
  recordMessageInputs,
  RECORD_MESSAGE_ARITY,
  type PayoutColumns,
  type PayoutCommitment,
  assignSlots,
  assignSlotsOf,
  slotCandidate,
  payoutColumns,
} from "../../src/records/index.js";
import { accountKeyInputs, messageInputs } from "../../src/snapshot/index.js";
import { hashBatch, jsHashBatch } from "../../src/crypto/hash-batch.js";

/** Both hash batches (the native one when built; else JS twice). */
const BATCHES = [jsHashBatch, hashBatch()];

/** Payout commitments as the columns messageInputs and the bundle take. */
function columnsOf(list: readonly PayoutCommitment[]): PayoutColumns {
  const salts = new Uint8Array(list.length * 32);
  const hashes = new Uint8Array(list.length * 32);
  list.forEach((p, i) => {
    if (p.payout !== null) writeLE32(salts, i * 32, p.payout.salt);
    writeLE32(hashes, i * 32, p.payoutHash);
  });
  return { addresses: list.map((p) => p.payout?.address), salts, hashes };
}

const rnd = (bytes: number) => BigInt("0x" + randomBytes(bytes).toString("hex"));

describe("snapshot input builders", function () {
  const secret = randomBytes(32);
  const t = 1_700_000_000n;
  const asset = 7;
  const member = BigInt("0x" + "ab".repeat(20));
  // Ids of every shape the ledger takes: ASCII, UTF-8 (multi-byte), long, and one whose digest ends in any byte.
  const ids = [
    "user-0",
    "",
    "é",
    "用户-42",
    "x".repeat(300),
    ...Array.from({ length: 500 }, (_, i) => `acct-${i}-${randomBytes(3).toString("hex")}`),
  ];

  it("accountKeyInputs equals writeLE32 of (ACCOUNT_DOMAIN, accountIdField, salt, t), over any range", function () {
    const salts = ids.map((id) => deriveAccountSalt(secret, asset, id));
    const want = new Uint8Array(ids.length * 128);
    ids.forEach((id, i) => {
      writeLE32(want, i * 128, ACCOUNT_DOMAIN);
      writeLE32(want, i * 128 + 32, accountIdField(id));
      writeLE32(want, i * 128 + 64, salts[i]);
      writeLE32(want, i * 128 + 96, t);
    });
    const saltBytes = new Uint8Array(ids.length * 32);
    salts.forEach((v, i) => writeLE32(saltBytes, i * 32, v));
    for (const h of BATCHES) {
      const all = accountKeyInputs(ids, saltBytes, t, 0, ids.length, h);
      expect(Buffer.from(all).equals(Buffer.from(want))).to.equal(true);
      const part = accountKeyInputs(ids, saltBytes, t, 3, 40, h);
      expect(Buffer.from(part).equals(Buffer.from(want.subarray(3 * 128, 40 * 128)))).to.equal(true);
      expect(accountKeyInputs(ids, saltBytes, t, 5, 5, h).length).to.equal(0);
    }
  });

  function records(n: number) {
    const slots = Uint32Array.from({ length: n }, (_, i) =>
      i === 0 ? 0 : i === 1 ? 2 ** 32 - 1 : randomBytes(4).readUInt32LE(0),
    );
    const keys = Array.from({ length: n }, (_, i) => (i === 2 ? FIELD_P - 1n : i === 3 ? 0n : rnd(32) % FIELD_P));
    const keyBytes = new Uint8Array(n * 32);
    keys.forEach((k, i) => writeLE32(keyBytes, i * 32, k));
    const balances = Array.from({ length: n }, (_, i) => (i === 4 ? MAX_BALANCE - 1n : i === 5 ? 0n : rnd(12)));
    const payouts: PayoutCommitment[] = Array.from({ length: n }, (_, i) =>
      payoutCommitment(
        secret,
        t,
        asset,
        `u${i}`,
        i % 2 === 0 ? getAddress("0x" + randomBytes(20).toString("hex")) : undefined,
      ),
    );
    return { slots, keys, keyBytes, balances, payouts: columnsOf(payouts), list: payouts };
  }

  it("messageInputs equals writeLE32 of recordMessageInputs for every account, over any range", function () {
    const n = 400;
    const r = records(n);
    const unit = RECORD_MESSAGE_ARITY * 32;
    const want = new Uint8Array(n * unit);
    for (let i = 0; i < n; i++) {
      recordMessageInputs({
        member,
        asset,
        t,
        slot: r.slots[i],
        accountKey: r.keys[i],
        balance: r.balances[i],
        payoutHash: r.list[i].payoutHash,
      }).forEach((v, j) => writeLE32(want, i * unit + j * 32, v));
    }
    const c = { member, asset, t };
    const got = messageInputs(c, r.slots, r.keyBytes, r.balances, r.payouts, 0, n);
    expect(Buffer.from(got).equals(Buffer.from(want))).to.equal(true);
    const part = messageInputs(c, r.slots, r.keyBytes, r.balances, r.payouts, 7, 123);
    expect(Buffer.from(part).equals(Buffer.from(want.subarray(7 * unit, 123 * unit)))).to.equal(true);
    expect(messageInputs(c, r.slots, r.keyBytes, r.balances, r.payouts, 9, 9).length).to.equal(0);
  });

  it("messageInputs refuses what checkRecord refuses, naming the field", function () {
    const r = records(4);
    const c = { member, asset, t };
    const run = (o: Partial<{ c: typeof c; balances: bigint[]; keyBytes: Uint8Array; payouts: PayoutColumns }>) =>
      messageInputs(
        o.c ?? c,
        r.slots,
        o.keyBytes ?? r.keyBytes,
        o.balances ?? r.balances,
        o.payouts ?? r.payouts,
        0,
        4,
      );
    expect(() => run({ c: { member: 1n << 160n, asset, t } })).to.throw(RangeError, /record\.member/);
    expect(() => run({ c: { member, asset, t: 1n << 64n } })).to.throw(RangeError, /record\.t/);
    expect(() => run({ c: { member, asset: -1, t } })).to.throw(RangeError, /record\.asset/);
    const badBalance = [...r.balances];
    badBalance[3] = MAX_BALANCE;
    expect(() => run({ balances: badBalance })).to.throw(RangeError, /record\.balance/);
    const badKey = Uint8Array.from(r.keyBytes);
    writeLE32(badKey, 2 * 32, FIELD_P);
    expect(() => run({ keyBytes: badKey })).to.throw(RangeError, /record\.accountKey/);
    const badPayouts = columnsOf(r.list);
    badPayouts.hashes[1 * 32 + 31] = 1; // 2^248
    expect(() => run({ payouts: badPayouts })).to.throw(RangeError, /record\.payoutHash/);
    expect(readLE32(r.keyBytes, 0)).to.equal(r.keys[0]);
  });

  it("deriveAccountSalts equals deriveAccountSalt per account (UTF-8, empty and 1,000-byte ids included)", function () {
    const all = [...ids, "ü".repeat(500), "a".repeat(1000), "b"];
    const want = all.map((id) => deriveAccountSalt(secret, asset, id));
    for (const h of BATCHES) expect(deriveAccountSalts(secret, asset, all, h)).to.deep.equal(want);
    expect(deriveAccountSalts(secret, 0, ["x"])).to.deep.equal([deriveAccountSalt(secret, 0, "x")]);
    expect(() => deriveAccountSalts(new Uint8Array(31), asset, ["x"])).to.throw(TypeError, /32 bytes/);
  });

  it("payoutCommitments equals payoutCommitment per account, with and without a payout address", function () {
    const addrs = ids.map((_, i) => (i % 3 === 0 ? undefined : getAddress("0x" + randomBytes(20).toString("hex"))));
    const want = ids.map((id, i) => payoutCommitment(secret, t, asset, id, addrs[i]));
    for (const hashes of BATCHES) {
      expect(payoutCommitments(secret, t, asset, ids, addrs, { hashes })).to.deep.equal(want);
      expect(payoutCommitments(secret, t, asset, ids, addrs, { addressChecked: true, hashes })).to.deep.equal(want);
      const c = payoutColumns(secret, t, asset, ids, addrs, { hashes });
      expect(Buffer.from(c.hashes).equals(Buffer.from(columnsOf(want).hashes))).to.equal(true);
      expect(Buffer.from(c.salts).equals(Buffer.from(columnsOf(want).salts))).to.equal(true);
    }
    // A lowercase address is taken as it is; a wrong checksum is refused unless the ledger checked it.
    const lower = addrs[1]?.toLowerCase();
    expect(payoutCommitments(secret, t, asset, ["x"], [lower])).to.deep.equal([
      payoutCommitment(secret, t, asset, "x", lower),
    ]);
    const wrong = "0x" + (addrs[1] as string).slice(2, 41) + ((addrs[1] as string)[41] === "a" ? "A" : "a");
    if (/[a-f]/i.test((addrs[1] as string)[41])) {
      expect(() => payoutCommitments(secret, t, asset, ["x"], [wrong])).to.throw();
    }
    const long = ["ü".repeat(500)];
    expect(payoutCommitments(secret, 0n, 0, long, [addrs[1]])).to.deep.equal([
      payoutCommitment(secret, 0n, 0, long[0], addrs[1]),
    ]);
    expect(() => payoutCommitments(secret, t, asset, ["x"], ["0x12"])).to.throw();
  });

  it("assignSlotsOf (first candidates batched) equals the per-candidate assignment, collisions included", function () {
    // The reference: ascending keys, each taking its first free candidate, one slotCandidate call at a time.
    const reference = (keys: bigint[], d: number) => {
      const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
      const taken = new Set<number>();
      const out = new Uint32Array(keys.length);
      for (const i of order) {
        for (let c = 0; ; c++) {
          const s = slotCandidate(secret, t, asset, keys[i], c, d);
          if (!taken.has(s)) {
            taken.add(s);
            out[i] = s;
            break;
          }
        }
      }
      return out;
    };
    // Keys sharing their top 48 bits (the sort's tie-break), 0 and p - 1; d from crowded (2^(d-1) accounts) to 28.
    const keys = [
      0n,
      FIELD_P - 1n,
      ...Array.from({ length: 254 }, (_, i) => (i < 20 ? (5n << 200n) + BigInt(i) : rnd(31))),
    ];
    for (const d of [9, 12, 28]) {
      const want = reference(keys, d);
      for (const h of BATCHES) {
        const bytes = new Uint8Array(keys.length * 32);
        keys.forEach((k, i) => writeLE32(bytes, i * 32, k));
        expect([...assignSlotsOf(secret, t, asset, bytes, d, h)]).to.deep.equal([...want]);
        expect([...assignSlots(secret, t, asset, keys, d, h)]).to.deep.equal([...want]);
      }
    }
    const dup = new Uint8Array(64);
    dup[3] = 1;
    dup[35] = 1;
    expect(() => assignSlotsOf(secret, t, asset, dup, 4)).to.throw(RangeError, /share/);
  });

  it("payoutHashOfChecked equals payoutHashOf on the ledger's checksummed addresses; refuses non-addresses", function () {
    for (let i = 0; i < 200; i++) {
      const addr = parsePayout("0x" + randomBytes(20).toString("hex")) as string;
      const salt = i === 0 ? 0n : i === 1 ? (1n << 256n) - 1n : rnd(32);
      expect(payoutHashOfChecked({ address: addr, salt })).to.equal(payoutHashOf({ address: addr, salt }));
      const a = payoutCommitment(secret, t, asset, `id${i}`, addr, { addressChecked: true });
      expect(a).to.deep.equal(payoutCommitment(secret, t, asset, `id${i}`, addr));
    }
    expect(() => payoutHashOfChecked({ address: "0x12", salt: 1n })).to.throw(RangeError, /payout address/);
    expect(() => payoutHashOfChecked({ address: "0x" + "11".repeat(20), salt: 1n << 256n })).to.throw(
      RangeError,
      /payout salt/,
    );
  });
});
