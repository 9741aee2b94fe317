// The crypto facade against circomlibjs (the reference the circuits follow): Poseidon, keys, signatures, and
// the batch kernels in worker threads; the native backend against the JS one when it is built.
import { expect } from "chai";
import type { CircomlibEddsa } from "circomlibjs";
import fc from "fast-check";
import { poseidon2, poseidon4 } from "poseidon-lite";

import {
  ACCOUNT_DOMAIN,
  BASE8,
  FIELD_P,
  KEY_DOMAIN,
  NULLIFIER_DOMAIN,
  RECORD_DOMAIN,
  SUBGROUP_ORDER,
  decodeSignature,
  isInPrimeSubgroup,
  loadCrypto,
  readLE32,
  tryLoadNative,
  writeLE32,
  writeLE32View,
  type Crypto,
  type Point,
} from "../../src/crypto/index.js";
import { MIXED, ORDER8, forgeUnderOrder8, signUnderMixed } from "../helpers/weak-keys.js";
import { circomlibOracle, type CircomlibOracle } from "../helpers/circomlib-oracle.js";
import { expectReject } from "../helpers/expect.js";

describe("crypto facade", function () {
  this.timeout(120_000);
  let js: Crypto;
  let eddsa: CircomlibEddsa;
  let ref: CircomlibOracle;
  const refHash = (xs: bigint[]) => ref.poseidon(xs);

  before(async () => {
    js = await loadCrypto({ backend: "js", threads: 2 });
    ref = await circomlibOracle();
    eddsa = ref.lib.eddsa;
  });
  after(async () => js.close());

  describe("domain tags", () => {
    it("match the decimal values of docs/protocol.md section 1", () => {
      expect(RECORD_DOMAIN).to.equal(8908045074570304022795481151026n); // "por.record.v2"
      expect(ACCOUNT_DOMAIN).to.equal(2280459539009680706142054441186865n);
      expect(NULLIFIER_DOMAIN).to.equal(149452196352583542995247387895126718001n);
      expect(KEY_DOMAIN).to.equal(530960862305234845595185n);
    });
  });

  describe("poseidon", () => {
    it("equals circomlibjs for 1..16 inputs and equals poseidon-lite", () => {
      for (let n = 1; n <= 16; n++) {
        const xs = Array.from({ length: n }, (_, i) => (BigInt(i + 1) * 0x1234567890abcdefn) % FIELD_P);
        expect(js.poseidon(xs)).to.equal(refHash(xs));
      }
      expect(js.poseidon([1n, 2n])).to.equal(poseidon2([1n, 2n]));
      expect(js.poseidon([1n, 2n])).to.equal(
        7853200120776062878684798364095072458815029376092732009249414926327459813530n,
      );
      expect(js.poseidon([FIELD_P - 1n, 0n, 5n, 7n])).to.equal(poseidon4([FIELD_P - 1n, 0n, 5n, 7n]));
    });
    it("rejects inputs outside the field and bad arity", () => {
      expect(() => js.poseidon([FIELD_P])).to.throw(RangeError);
      expect(() => js.poseidon([-1n])).to.throw(RangeError);
      expect(() => js.poseidon([])).to.throw(RangeError);
      expect(() => js.poseidon(new Array<bigint>(17).fill(0n))).to.throw(RangeError);
    });
  });

  describe("byte helpers", () => {
    it("round-trip 256-bit little-endian values", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (v) => {
          const b = new Uint8Array(32);
          writeLE32(b, 0, v);
          return readLE32(b, 0) === v && Buffer.from(b).reverse().toString("hex") === v.toString(16).padStart(64, "0");
        }),
      );
    });
    it("writeLE32View writes the bytes writeLE32 writes, for any bigint and offset", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }), fc.integer({ min: 0, max: 40 }), (v, off) => {
          const a = new Uint8Array(80).fill(0xee);
          const b = new Uint8Array(80).fill(0xee);
          writeLE32(a, off, v);
          writeLE32View(new DataView(b.buffer), off, v);
          expect(Buffer.from(b).equals(Buffer.from(a))).to.equal(true);
        }),
      );
    });
  });

  describe("EdDSA-Poseidon", () => {
    const keys = [
      Buffer.alloc(32, 0),
      Buffer.alloc(32, 0xff),
      Buffer.from("0001020304050607080910111213141516171819202122232425262728293031", "hex"),
    ];
    const messages = [0n, 1n, 42n, FIELD_P - 1n, 0x1234567890abcdef1234567890abcdef1234567890abcdefn];

    it("matches a fixed vector recorded from circomlibjs 0.1.7 (key 0x00..1f, message 42)", () => {
      const k = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");
      expect(js.publicKey(k)).to.deep.equal([
        1120771572304984668855649788542860110303223894298952018121329196339919157573n,
        20197087425205130352574209034729275460185533126585197591053247747830393653846n,
      ]);
      expect(js.sign(k, 42n)).to.deep.equal({
        R8x: 15819747960633054021279824933334551758214263842547342905644814214286039962729n,
        R8y: 14447648472608564294318883752367653137573274850671749878243867627204812484296n,
        S: 2056210705939170921886359585422313227183017909331290957345799280197436416561n,
      });
    });

    it("derives the same public key as circomlibjs prv2pub", () => {
      for (const k of keys) {
        const [ax, ay] = js.publicKey(k);
        const A = eddsa.prv2pub(k);
        expect(ax).to.equal(eddsa.F.toObject(A[0]));
        expect(ay).to.equal(eddsa.F.toObject(A[1]));
      }
    });

    it("signs bit for bit like circomlibjs signPoseidon, in workers too", async () => {
      for (const k of keys) {
        const msgBytes = new Uint8Array(messages.length * 32);
        messages.forEach((m, i) => writeLE32(msgBytes, i * 32, m));
        const batch = await js.signMany(k, msgBytes);
        messages.forEach((m, i) => {
          const r = eddsa.signPoseidon(k, eddsa.F.e(m));
          const mine = js.sign(k, m);
          expect(mine.R8x).to.equal(eddsa.F.toObject(r.R8[0]));
          expect(mine.R8y).to.equal(eddsa.F.toObject(r.R8[1]));
          expect(mine.S).to.equal(r.S);
          expect(decodeSignature(batch, i * 96)).to.deep.equal(mine);
          expect(eddsa.verifyPoseidon(eddsa.F.e(m), r, eddsa.prv2pub(k))).to.equal(true);
        });
      }
      // A batch large enough to be split across the worker threads.
      const n = 300;
      const big = new Uint8Array(n * 32);
      for (let i = 0; i < n; i++) writeLE32(big, i * 32, BigInt(i) * 7919n);
      const sigs = await js.signMany(keys[2], big);
      for (const i of [0, 150, 299])
        expect(decodeSignature(sigs, i * 96)).to.deep.equal(js.sign(keys[2], BigInt(i) * 7919n));
    });

    it("verifies its signatures and rejects any change to message, signature or key", () => {
      const k = keys[2];
      const A = js.publicKey(k);
      const sig = js.sign(k, 99n);
      expect(js.verify(99n, sig, A)).to.equal(true);
      expect(js.verify(100n, sig, A)).to.equal(false);
      expect(js.verify(99n, { ...sig, S: sig.S + 1n }, A)).to.equal(false);
      expect(js.verify(99n, { ...sig, S: sig.S + SUBGROUP_ORDER }, A)).to.equal(false); // malleated S
      expect(js.verify(99n, { ...sig, R8x: sig.R8x + 1n }, A)).to.equal(false); // off the curve
      expect(js.verify(99n, sig, [A[0], A[1] + 1n])).to.equal(false);
      expect(js.verify(99n, sig, js.publicKey(keys[0]))).to.equal(false);
      expect(js.verify(99n, sig, [0n, 1n])).to.equal(false); // identity key
    });

    it("refuses signatures under keys outside the prime-order subgroup that circomlib accepts", () => {
      const A = js.publicKey(keys[2]);
      expect(isInPrimeSubgroup(A)).to.equal(true);
      expect(isInPrimeSubgroup(BASE8)).to.equal(true);
      expect(isInPrimeSubgroup([0n, 1n])).to.equal(false); // identity
      expect(isInPrimeSubgroup([0n, FIELD_P - 1n])).to.equal(false); // order 2
      expect(isInPrimeSubgroup(ORDER8)).to.equal(false);
      expect(isInPrimeSubgroup(MIXED)).to.equal(false);
      expect(isInPrimeSubgroup([A[0], A[1] + 1n])).to.equal(false); // off the curve
      expect(isInPrimeSubgroup([A[0] + FIELD_P, A[1]])).to.equal(false); // not canonical
      const H = (x: readonly bigint[]) => js.poseidon(x);
      const F = eddsa.babyJub.F;
      const circomlibAccepts = (m: bigint, s: { R8x: bigint; R8y: bigint; S: bigint }, key: Point) =>
        eddsa.verifyPoseidon(F.e(m), { R8: [F.e(s.R8x), F.e(s.R8y)], S: s.S }, [F.e(key[0]), F.e(key[1])]);
      // Anyone can sign any message under the order-8 key: circomlib (and this verifier before issue 12) accepts.
      const forged = forgeUnderOrder8(99n);
      expect(circomlibAccepts(99n, forged, ORDER8)).to.equal(true);
      expect(circomlibAccepts(123456n, forged, ORDER8)).to.equal(true);
      expect(js.verify(99n, forged, ORDER8)).to.equal(false);
      // The mixed-order key's signatures verify in circomlib too; refused here.
      const mixed = signUnderMixed(H, 99n);
      expect(circomlibAccepts(99n, mixed, MIXED)).to.equal(true);
      expect(js.verify(99n, mixed, MIXED)).to.equal(false);
    });

    it("reports errors raised inside worker threads and keeps working afterwards", async () => {
      const n = 600; // large enough to go to the workers
      const msgs = new Uint8Array(n * 32);
      writeLE32(msgs, 599 * 32, FIELD_P); // the last message is not a field element
      await expectReject(js.signMany(keys[1], msgs), /not a field element/);
      writeLE32(msgs, 599 * 32, 5n);
      const sigs = await js.signMany(keys[1], msgs);
      expect(decodeSignature(sigs, 599 * 96)).to.deep.equal(js.sign(keys[1], 5n));
    });

    it("rejects private keys that are not 32 bytes", async () => {
      expect(() => js.publicKey(new Uint8Array(31))).to.throw(TypeError);
      expect(() => js.sign(new Uint8Array(33), 1n)).to.throw(TypeError);
    });
  });

  describe("batch kernels", () => {
    it("hashLevel and hashLeaves (inline and in workers) equal per-node Poseidon", async () => {
      for (const n of [1, 5, 700]) {
        const children = new Uint8Array(n * 128);
        const vals: bigint[] = [];
        for (let i = 0; i < n * 4; i++) {
          const v = i % 2 === 1 ? BigInt(i) * 1000n : (BigInt(i) * 0xdeadbeefn) % FIELD_P;
          vals.push(v);
          writeLE32(children, i * 32, v);
        }
        const parents = await js.hashLevel(children);
        expect(parents.length).to.equal(n * 64);
        for (const i of [0, Math.floor(n / 2), n - 1]) {
          const [hL, sL, hR, sR] = vals.slice(i * 4, i * 4 + 4);
          expect(readLE32(parents, i * 64)).to.equal(refHash([hL, sL, hR, sR]));
          expect(readLE32(parents, i * 64 + 32)).to.equal(sL + sR);
        }
        const leaves = await js.hashLeaves(children.subarray(0, n * 64));
        for (const i of [0, n - 1]) {
          expect(readLE32(leaves, i * 32)).to.equal(refHash([vals[i * 2], vals[i * 2 + 1]]));
        }
      }
      // s = sL + sR is computed mod p (the tree builder range-checks sums; the kernel never truncates).
      const wrap = new Uint8Array(128);
      writeLE32(wrap, 32, FIELD_P - 1n);
      writeLE32(wrap, 96, 5n);
      const w = await js.hashLevel(wrap);
      expect(readLE32(w, 32)).to.equal(4n);
      expect(readLE32(w, 0)).to.equal(refHash([0n, FIELD_P - 1n, 0n, 5n]));
      // Inputs outside the field are refused, not reduced.
      const outside = new Uint8Array(128);
      writeLE32(outside, 0, FIELD_P);
      await expectReject(js.hashLevel(outside), /not a field element/);
      expect(() => js.hashLevel(new Uint8Array(64))).to.throw(RangeError);
      expect(() => js.hashLeaves(new Uint8Array(65))).to.throw(RangeError);
    });
  });

  describe("native backend", () => {
    it("agrees with the pure-JS backend when it is built", async function () {
      const native = await tryLoadNative();
      if (native === undefined) {
        console.log("      (native backend not built: skipping the cross-check)");
        this.skip();
      }
      const nc = await loadCrypto({ backend: "native" });
      try {
        const k = Buffer.alloc(32, 9);
        expect(nc.publicKey(k)).to.deep.equal(js.publicKey(k));
        const msgs = new Uint8Array(64 * 32);
        for (let i = 0; i < 64; i++) writeLE32(msgs, i * 32, BigInt(i) * 31337n);
        expect(Buffer.from(await nc.signMany(k, msgs))).to.deep.equal(Buffer.from(await js.signMany(k, msgs)));
        const children = new Uint8Array(64 * 128);
        for (let i = 0; i < 64 * 4; i++) writeLE32(children, i * 32, BigInt(i) * 1000003n);
        expect(Buffer.from(await nc.hashLevel(children))).to.deep.equal(Buffer.from(await js.hashLevel(children)));
        expect(Buffer.from(await nc.hashLeaves(children))).to.deep.equal(Buffer.from(await js.hashLeaves(children)));
        expect(nc.poseidon([1n, 2n, 3n])).to.equal(js.poseidon([1n, 2n, 3n]));
        expect(nc.verify(99n, forgeUnderOrder8(99n), ORDER8)).to.equal(false);
        for (const arity of [2, 4, 7, 8]) {
          const tuples = children.subarray(0, 10 * arity * 32);
          expect(Buffer.from(await nc.poseidonMany(arity, tuples)), `arity ${arity}`).to.deep.equal(
            Buffer.from(await js.poseidonMany(arity, tuples)),
          );
        }
      } finally {
        await nc.close();
      }
    });
  });
});
