// Records: account keys, slot assignment, payout commitments, message, nullifier and key hash encodings
// (docs/protocol.md 3 and 5).
import { createHash, createHmac } from "node:crypto";

import { expect } from "chai";
import { AbiCoder, Wallet, id, keccak256 } from "ethers";
import fc from "fast-check";

import {
  ACCOUNT_DOMAIN,
  KEY_DOMAIN,
  NULLIFIER_DOMAIN,
  RECORD_DOMAIN,
  loadCrypto,
  writeLE32,
  type Crypto,
} from "../../src/crypto/index.js";
import {
  accountIdField,
  accountKeyOf,
  ascendingKeyOrder,
  assignSlots,
  defaultSlotBits,
  deriveAccountSalt,
  derivePayoutSalt,
  PAYOUT_DOMAIN,
  payoutCommitment,
  payoutHashOf,
  recordKeyHash,
  recordMessage,
  recordMessageInputs,
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
    it("ascendingKeyOrder is the comparator sort of the whole keys (shared top bits included) and refuses equal keys", () => {
      const key = fc.tuple(
        fc.constantFrom(0n, 1n, 0xdeadbeefn, 0xffffffffn),
        fc.bigInt({ min: 0n, max: 2n ** 224n - 1n }),
      );
      fc.assert(
        fc.property(
          fc.uniqueArray(key, { minLength: 0, maxLength: 200, selector: ([h, l]) => (h << 224n) | l }),
          (parts) => {
            const keys = parts.map(([h, l]) => (h << 224n) | l);
            const bytes = new Uint8Array(keys.length * 32);
            keys.forEach((k, i) => writeLE32(bytes, i * 32, k));
            const expected = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
            expect([...ascendingKeyOrder(bytes, keys.length)]).to.deep.equal(expected);
          },
        ),
        { numRuns: 100 },
      );
      const twice = new Uint8Array(96);
      writeLE32(twice, 0, 5n);
      writeLE32(twice, 32, 0xdeadbeefn << 224n);
      writeLE32(twice, 64, 5n);
      expect(() => ascendingKeyOrder(twice, 3)).to.throw(RangeError, /share/);
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

  describe("payout commitments", () => {
    const payout = Wallet.createRandom().address;
    it("payoutHash = keccak256(abi.encode(PAYOUT_DOMAIN, address, salt)) >> 8, with PAYOUT_DOMAIN = keccak256(label)", () => {
      expect(PAYOUT_DOMAIN).to.equal(id("por.payout.v1"));
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (salt) => {
          const ref = BigInt(
            keccak256(
              AbiCoder.defaultAbiCoder().encode(["bytes32", "address", "uint256"], [PAYOUT_DOMAIN, payout, salt]),
            ),
          );
          const h = payoutHashOf({ address: payout.toLowerCase(), salt });
          expect(h).to.equal(ref >> 8n);
          expect(h < 1n << 248n).to.equal(true);
        }),
        { numRuns: 50 },
      );
      expect(() => payoutHashOf({ address: payout, salt: 1n << 256n })).to.throw(RangeError, /salt/);
      expect(() => payoutHashOf({ address: payout, salt: -1n })).to.throw(RangeError, /salt/);
      expect(() => payoutHashOf({ address: "0x1234", salt: 1n })).to.throw();
    });
    it("payoutSalt = HMAC-SHA256(secret, label || u64 t || u32 asset || utf8 id), all 256 bits, fresh per record", () => {
      const t = 1_700_000_000n;
      const msg = Buffer.concat([
        Buffer.from("por.payout.v1", "ascii"),
        Buffer.from("000000006553f100", "hex"),
        Buffer.from("00000003", "hex"),
        Buffer.from("ü-7", "utf8"),
      ]);
      const ref = BigInt("0x" + createHmac("sha256", secret).update(msg).digest("hex"));
      expect(derivePayoutSalt(secret, t, 3, "ü-7")).to.equal(ref);
      // Unlinkable: another snapshot, another asset, another account each give another salt (and hash).
      const salts = new Set([
        derivePayoutSalt(secret, t, 3, "ü-7"),
        derivePayoutSalt(secret, t + 1n, 3, "ü-7"),
        derivePayoutSalt(secret, t, 4, "ü-7"),
        derivePayoutSalt(secret, t, 3, "ü-8"),
        derivePayoutSalt(Buffer.alloc(32, 1), t, 3, "ü-7"),
      ]);
      expect(salts.size).to.equal(5);
      expect(() => derivePayoutSalt(new Uint8Array(31), t, 3, "a")).to.throw(TypeError, /32 bytes/);
    });
    it("payoutCommitment opens to the address, or is 0 without one", () => {
      const t = 1_700_000_000n;
      const c = payoutCommitment(secret, t, 1, "alice", payout);
      expect(c.payout).to.deep.equal({ address: payout, salt: derivePayoutSalt(secret, t, 1, "alice") });
      expect(c.payoutHash).to.equal(payoutHashOf(c.payout ?? { address: payout, salt: 0n }));
      expect(payoutCommitment(secret, t, 1, "alice", undefined)).to.deep.equal({ payout: null, payoutHash: 0n });
    });
  });

  describe("message, nullifier, key hash", () => {
    const rec = {
      member: 0x1234n,
      asset: 2,
      t: 1_700_000_000n,
      slot: 17,
      accountKey: 99n,
      balance: 5000n,
      payoutHash: 777n,
    };
    it("follow docs/protocol.md sections 2 and 3 (message v2: eight inputs, the payout hash last)", () => {
      const m = recordMessage(H, rec);
      expect(recordMessageInputs(rec)).to.deep.equal([
        RECORD_DOMAIN,
        0x1234n,
        2n,
        1_700_000_000n,
        17n,
        99n,
        5000n,
        777n,
      ]);
      expect(m).to.equal(H([RECORD_DOMAIN, 0x1234n, 2n, 1_700_000_000n, 17n, 99n, 5000n, 777n]));
      expect(recordMessage(H, { ...rec, payoutHash: 0n })).to.not.equal(m); // the payout is signed
      expect(recordMessage(H, { ...rec, payoutHash: 0n })).to.not.equal(
        H([RECORD_DOMAIN, 0x1234n, 2n, 1_700_000_000n, 17n, 99n, 5000n]),
      );
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
      expect(() => recordMessage(H, { ...rec, payoutHash: 1n << 248n })).to.throw(RangeError, /payoutHash/);
      expect(() => recordMessage(H, { ...rec, payoutHash: -1n })).to.throw(RangeError, /payoutHash/);
      const { payoutHash: _, ...v1 } = rec;
      expect(() => recordMessage(H, v1 as typeof rec)).to.throw(RangeError, /payoutHash/);
    });
  });
});
