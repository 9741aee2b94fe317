// Records: account keys, slot assignment, message, nullifier and key hash encodings (docs/protocol.md 3 and 5).
import { createHash, createHmac } from "node:crypto";

import { expect } from "chai";
import fc from "fast-check";

import {
  ACCOUNT_DOMAIN,
  KEY_DOMAIN,
  NULLIFIER_DOMAIN,
  RECORD_DOMAIN,
  loadCrypto,
  type Crypto,
} from "../../src/crypto/index.js";
import {
  accountIdField,
  accountKeyOf,
  assignSlots,
  defaultSlotBits,
  deriveAccountSalt,
  recordKeyHash,
  recordMessage,
  recordNullifier,
  slotCandidate,
} from "../../src/records/index.js";

describe("records", function () {
  this.timeout(120_000);
  let crypto: Crypto;
  let H: (x: readonly bigint[]) => bigint;
  const secret = Buffer.alloc(32, 0x5a);
  before(async () => {
    crypto = await loadCrypto({ backend: "js", threads: 0 });
    H = (x) => crypto.poseidon(x);
  });
  after(async () => crypto.close());

  describe("account keys", () => {
    it("accountIdField is sha256 >> 8 and the key is Poseidon(ACCOUNT_DOMAIN, id, salt, t)", () => {
      const id = "user-42@example";
      const sha = BigInt("0x" + createHash("sha256").update(id).digest("hex"));
      expect(accountIdField(id)).to.equal(sha >> 8n);
      const salt = deriveAccountSalt(secret, 1, id);
      const mac = createHmac("sha256", secret)
        .update("por.salt.v1")
        .update(Buffer.from([0, 0, 0, 1]))
        .update(id);
      expect(salt).to.equal(BigInt("0x" + mac.digest("hex")) >> 8n);
      expect(accountKeyOf(H, id, salt, 1000n)).to.equal(H([ACCOUNT_DOMAIN, sha >> 8n, salt, 1000n]));
    });
    it("are unlinkable across snapshots and assets (different t or asset -> different key)", () => {
      const s1 = deriveAccountSalt(secret, 1, "a");
      expect(deriveAccountSalt(secret, 2, "a")).to.not.equal(s1);
      expect(deriveAccountSalt(Buffer.alloc(32, 1), 1, "a")).to.not.equal(s1);
      expect(accountKeyOf(H, "a", s1, 1n)).to.not.equal(accountKeyOf(H, "a", s1, 2n));
    });
  });

  describe("slots", () => {
    it("are collision-free, inside 2^d, and independent of input order", () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.bigInt({ min: 0n, max: 2n ** 250n }), { minLength: 1, maxLength: 32 }),
          fc.integer({ min: 6, max: 12 }),
          (keys, d) => {
            const slots = assignSlots(secret, 77n, 3, keys, d);
            expect(new Set(slots).size).to.equal(keys.length);
            for (const s of slots) expect(s).to.be.below(2 ** d);
            const rev = [...keys].reverse();
            const slotsRev = assignSlots(secret, 77n, 3, rev, d);
            keys.forEach((k, i) => expect(slotsRev[rev.indexOf(k)]).to.equal(slots[i]));
          },
        ),
        { numRuns: 30 },
      );
    });
    it("resolve collisions in accountKey order with the counter", () => {
      // d = 3 with 4 accounts forces collisions; recompute the rule by hand.
      const keys = [9n, 3n, 27n, 81n];
      const slots = assignSlots(secret, 5n, 1, keys, 3);
      const taken = new Set<number>();
      const expected = new Map<bigint, number>();
      for (const k of [...keys].sort((a, b) => (a < b ? -1 : 1))) {
        for (let c = 0; ; c++) {
          const s = slotCandidate(secret, 5n, 1, k, c, 3);
          if (!taken.has(s)) {
            taken.add(s);
            expected.set(k, s);
            break;
          }
        }
      }
      keys.forEach((k, i) => expect(slots[i]).to.equal(expected.get(k)));
    });
    it("candidate = top d bits of HMAC(secret, label || t || asset || key || counter)", () => {
      const mac = createHmac("sha256", secret)
        .update("por.slot.v1")
        .update(Buffer.from("0000000000000005", "hex"))
        .update(Buffer.from("00000001", "hex"))
        .update(Buffer.from(123n.toString(16).padStart(64, "0"), "hex"))
        .update(Buffer.from("00000002", "hex"))
        .digest();
      expect(slotCandidate(secret, 5n, 1, 123n, 2, 10)).to.equal(mac.readUInt32BE(0) >>> 22);
    });
    it("refuse more than 2^(d-1) accounts, duplicate keys and bad d", () => {
      expect(() => assignSlots(secret, 1n, 1, [1n, 2n, 3n], 2)).to.throw(RangeError, /larger d/);
      expect(() => assignSlots(secret, 1n, 1, [1n, 1n], 4)).to.throw(RangeError, /share/);
      expect(() => assignSlots(secret, 1n, 1, [1n], 33)).to.throw(RangeError);
      expect(() => assignSlots(Buffer.alloc(31), 1n, 1, [1n], 4)).to.throw(TypeError);
    });
    it("default d = ceil(log2 n) + 4, capped at D", () => {
      expect(defaultSlotBits(1)).to.equal(4);
      expect(defaultSlotBits(2)).to.equal(5);
      expect(defaultSlotBits(1000)).to.equal(14);
      expect(defaultSlotBits(2 ** 20)).to.equal(24);
      expect(defaultSlotBits(2 ** 30)).to.equal(32);
      expect(defaultSlotBits(1000, 12)).to.equal(12);
    });
  });

  describe("message, nullifier, key hash", () => {
    const rec = { member: 0x1234n, asset: 2, t: 1_700_000_000n, slot: 17, accountKey: 99n, balance: 5000n };
    it("follow docs/protocol.md sections 2 and 3", () => {
      const m = recordMessage(H, rec);
      expect(m).to.equal(H([RECORD_DOMAIN, 0x1234n, 2n, 1_700_000_000n, 17n, 99n, 5000n]));
      expect(recordNullifier(H, m)).to.equal(H([NULLIFIER_DOMAIN, m]));
      expect(recordKeyHash(H, 1n, 2n)).to.equal(H([KEY_DOMAIN, 1n, 2n]));
    });
    it("refuse out-of-range fields", () => {
      expect(() => recordMessage(H, { ...rec, balance: 2n ** 96n })).to.throw(RangeError, /balance/);
      expect(() => recordMessage(H, { ...rec, balance: -1n })).to.throw(RangeError, /balance/);
      expect(() => recordMessage(H, { ...rec, member: 2n ** 160n })).to.throw(RangeError, /member/);
      expect(() => recordMessage(H, { ...rec, t: 2n ** 64n })).to.throw(RangeError, /t must/);
      expect(() => recordMessage(H, { ...rec, slot: 2 ** 32 })).to.throw(RangeError, /slot/);
      expect(() => recordMessage(H, { ...rec, asset: -1 })).to.throw(RangeError, /asset/);
    });
  });
});
