// Native batch verification (issue 18: the verifier service's signature checks on all cores) against verifyJs, the
// reference: the same verdict on valid signatures under several keys (a key's items sharing its window table or not),
// tampered ones, weak keys (small order, mixed order, the identity), off-curve and non-canonical values.
import { randomBytes } from "node:crypto";

import { expect } from "chai";

import { FIELD_P, SUBGROUP_ORDER, loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { verifyJs } from "../../src/crypto/eddsa-js.js";
import { encodeVerifyItems, type VerifyItem } from "../../src/crypto/kernels.js";
import { loadNative } from "../../src/crypto/native.js";
import { MIXED, ORDER8, forgeUnderOrder8, signUnderMixed } from "../helpers/weak-keys.js";

const rand = () => BigInt("0x" + randomBytes(31).toString("hex"));

describe("native verifyMany", function () {
  this.timeout(120_000);
  const native = loadNative();
  let crypto: Crypto;
  before(async function () {
    if (native === undefined) this.skip();
    crypto = await loadCrypto({ backend: "js", threads: 0 });
  });
  after(async () => crypto?.close());

  const poseidon = (i: readonly bigint[]) => crypto.poseidon(i);
  const reference = (items: VerifyItem[]) =>
    items.map((it) => verifyJs(it.message, it.signature, it.publicKey, poseidon));
  const nativeVerdicts = (items: VerifyItem[]) => [...native!.verifyMany(encodeVerifyItems(items))].map((b) => b === 1);

  it("gives verifyJs's verdict on valid, tampered and malformed items, in batches of every shape", async function () {
    const keys = Array.from({ length: 3 }, () => randomBytes(32));
    const items: VerifyItem[] = [];
    for (const [k, count] of [
      [0, 40],
      [1, 3],
      [2, 12],
    ] as const) {
      const publicKey = crypto.publicKey(keys[k]);
      for (let i = 0; i < count; i++) {
        const message = i === 0 ? FIELD_P - 1n : rand();
        items.push({ message, signature: crypto.sign(keys[k], message), publicKey });
      }
    }
    const good = items.length;
    const base = items[5];
    const variants: VerifyItem[] = [
      { ...base, message: base.message + 1n },
      { ...base, message: base.message + FIELD_P }, // m >= p
      { ...base, signature: { ...base.signature, S: base.signature.S + 1n } },
      { ...base, signature: { ...base.signature, S: base.signature.S + SUBGROUP_ORDER } }, // S >= l
      { ...base, signature: { ...base.signature, R8x: base.signature.R8x + 1n } }, // off the curve
      { ...base, signature: { ...base.signature, R8x: base.signature.R8x + FIELD_P } }, // non-canonical
      { ...base, signature: { ...base.signature, R8y: (1n << 256n) - 1n } },
      { ...base, publicKey: [base.publicKey[0] + FIELD_P, base.publicKey[1]] },
      { ...base, publicKey: [base.publicKey[0], base.publicKey[1] + 1n] },
      { ...base, publicKey: [0n, 1n] }, // the identity
      { ...base, publicKey: items[good - 1].publicKey }, // another key
      { message: 42n, signature: forgeUnderOrder8(42n), publicKey: ORDER8 }, // circomlib accepts it; we do not
      { message: 43n, signature: signUnderMixed(poseidon, 43n), publicKey: MIXED },
    ];
    const all = [...items, ...variants];
    const want = reference(all);
    expect(want.slice(0, good).every((v) => v)).to.equal(true);
    expect(want.slice(good).some((v) => v)).to.equal(false);
    expect(nativeVerdicts(all)).to.deep.equal(want);
    // Any split or order: each item alone, shuffled, and interleaved.
    for (const it of all.slice(0, 8).concat(variants)) expect(nativeVerdicts([it])).to.deep.equal(reference([it]));
    const shuffled = [...all].sort(() => Math.random() - 0.5);
    expect(nativeVerdicts(shuffled)).to.deep.equal(reference(shuffled));
    // A batch large enough for several chunks per thread.
    const big: VerifyItem[] = [];
    for (let i = 0; i < 1200; i++) big.push(i % 97 === 0 ? variants[i % variants.length] : items[i % good]);
    expect(nativeVerdicts(big)).to.deep.equal(reference(big));
    expect(native!.verifyMany(new Uint8Array(0)).length).to.equal(0);
    expect(() => native!.verifyMany(new Uint8Array(191))).to.throw(
      RangeError,
      "verifyMany: items must hold n 192-byte checks",
    );
  });

  it("verifyManyAsync gives verifyMany's bytes, concurrently and with the key tables cached across calls", async function () {
    const keys = Array.from({ length: 3 }, () => randomBytes(32));
    const items: VerifyItem[] = [];
    for (const k of keys) {
      const publicKey = crypto.publicKey(k);
      for (let i = 0; i < 30; i++) {
        const message = rand();
        items.push({ message, signature: crypto.sign(k, message), publicKey });
      }
    }
    const bad = items.map((it, i) =>
      i % 7 === 0 ? { ...it, signature: { ...it.signature, S: it.signature.S + 1n } } : it,
    );
    const weak: VerifyItem = { message: 42n, signature: forgeUnderOrder8(42n), publicKey: ORDER8 };
    const batches = [items, bad, [weak, ...items.slice(0, 9)], items.slice(0, 1), [], [...bad].reverse()];
    // The same batches many times at once: every answer is the synchronous call's, byte for byte.
    const want = batches.map((b) => Buffer.from(native!.verifyMany(encodeVerifyItems(b))));
    const got = await Promise.all(
      Array.from({ length: 24 }, (_, i) => native!.verifyManyAsync(encodeVerifyItems(batches[i % batches.length]))),
    );
    got.forEach((g, i) => expect(Buffer.from(g)).to.deep.equal(want[i % batches.length]));
    expect([...want[1]].map((b) => b === 1)).to.deep.equal(reference(bad));
    expect([...want[2]].map((b) => b === 1)).to.deep.equal(reference(batches[2]));
    // The caller may overwrite its buffer at once: the call copied it.
    const buf = encodeVerifyItems(items);
    const pending = native!.verifyManyAsync(buf);
    buf.fill(0);
    expect([...(await pending)].every((b) => b === 1)).to.equal(true);
    expect(() => native!.verifyManyAsync(new Uint8Array(191))).to.throw(
      RangeError,
      "verifyManyAsync: items must hold n 192-byte checks",
    );
  });

  it("poseidonManyAsync gives poseidonMany's hashes and refuses what it refuses", async function () {
    const inputs = new Uint8Array(7 * 32 * 50);
    for (let i = 0; i < 7 * 50; i++) inputs.set(randomBytes(31), i * 32);
    const want = Buffer.from(native!.poseidonMany(7, inputs));
    const got = await Promise.all([1, 2, 3].map(() => native!.poseidonManyAsync(7, inputs)));
    for (const g of got) expect(Buffer.from(g)).to.deep.equal(want);
    expect((await native!.poseidonManyAsync(2, new Uint8Array(0))).length).to.equal(0);
    expect(() => native!.poseidonManyAsync(3, new Uint8Array(64))).to.throw(
      RangeError,
      "poseidonManyAsync: inputs must hold whole tuples of 3 32-byte words (96 bytes each), got 64 bytes",
    );
    expect(() => native!.poseidonManyAsync(17, new Uint8Array(0))).to.throw(
      RangeError,
      "poseidonManyAsync: arity must be an integer from 1 to 16",
    );
    const p = new Uint8Array(64);
    p.fill(0xff);
    expect(() => native!.poseidonManyAsync(2, p)).to.throw(RangeError, "is not a canonical field element");
  });

  it("is what the native crypto backend's verify and verifyMany answer", async function () {
    const nat = await loadCrypto({ backend: "native" });
    try {
      const prv = randomBytes(32);
      const publicKey = nat.publicKey(prv);
      const message = rand();
      const signature = nat.sign(prv, message);
      expect(nat.verify(message, signature, publicKey)).to.equal(true);
      expect(nat.verify(message + 1n, signature, publicKey)).to.equal(false);
      expect(
        await nat.verifyMany([
          { message, signature, publicKey },
          { message: 1n, signature, publicKey },
        ]),
      ).to.deep.equal([true, false]);
      expect(await nat.verifyMany([])).to.deep.equal([]);
      // A batch split over the pool's threads keeps its order.
      const many = Array.from({ length: 300 }, (_, i) => ({ message: BigInt(i + 1), signature, publicKey }));
      many[0] = { message, signature, publicKey };
      many[299] = { message, signature, publicKey };
      const verdicts = await nat.verifyMany(many);
      expect(verdicts.filter((v) => v).length).to.equal(2);
      expect([verdicts[0], verdicts[299]]).to.deep.equal([true, true]);
      // Small batches of the backend's poseidonMany run on the pool: the same hashes as the synchronous call.
      const tuples = new Uint8Array(5 * 32 * 20);
      for (let i = 0; i < 100; i++) tuples.set(randomBytes(31), i * 32);
      expect(Buffer.from(await nat.poseidonMany(5, tuples))).to.deep.equal(
        Buffer.from(loadNative()!.poseidonMany(5, tuples)),
      );
    } finally {
      await nat.close();
    }
  });
});
