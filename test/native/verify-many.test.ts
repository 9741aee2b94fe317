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
    } finally {
      await nat.close();
    }
  });
});
