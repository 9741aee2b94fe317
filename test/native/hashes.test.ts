// The native SHA-256, HMAC-SHA256 and keccak256 batches (native/src/hashes.cpp, src/crypto/hash-batch.ts) against
// node:crypto and js-sha3, bit for bit: every length across the block boundaries, both SHA-256 kernels (SHA-NI and
// scalar), keys of 1..64 bytes, and every rejection path. Skips, with a visible note, when the addon is not built.
import { createHash, createHmac, randomBytes } from "node:crypto";

import { expect } from "chai";
import fc from "fast-check";
import sha3 from "js-sha3";

import { hashBatch, jsHashBatch, utf8Segments } from "../../src/crypto/hash-batch.js";
import { loadNativeAddonForTests, nativeUnavailableReason } from "../../src/crypto/native.js";

/** Segments of every length 0..300 (SHA-256 blocks are 64 bytes, keccak256's rate 136). */
function segments(): { parts: Buffer[]; data: Uint8Array; ends: Uint32Array } {
  const parts = Array.from({ length: 301 }, (_, l) => randomBytes(l));
  const ends = new Uint32Array(parts.length);
  let o = 0;
  parts.forEach((p, i) => (ends[i] = o += p.length));
  return { parts, data: Buffer.concat(parts), ends };
}

const at = (b: Uint8Array, i: number) => Buffer.from(b.subarray(i * 32, i * 32 + 32));

describe("native hash batches (SHA-256, HMAC-SHA256, keccak256)", function () {
  const addon = loadNativeAddonForTests();
  before(function () {
    if (addon === undefined) {
      console.log(`      (skipped: ${nativeUnavailableReason()})`);
      this.skip();
    }
  });
  after(() => addon?.setSha256Ni(true));

  for (const ni of [true, false]) {
    it(`sha256Many and hmacSha256Many equal node:crypto (${ni ? "SHA-NI where the CPU has it" : "scalar"})`, () => {
      const a = addon!;
      a.setSha256Ni(ni);
      if (!ni) expect(a.sha256Kernel()).to.equal("scalar");
      const { parts, data, ends } = segments();
      const e8 = new Uint8Array(ends.buffer);
      const digests = a.sha256Many(data, e8);
      parts.forEach((p, i) => expect(at(digests, i).equals(createHash("sha256").update(p).digest())).to.equal(true));
      for (const keyLen of [1, 31, 32, 63, 64]) {
        const key = randomBytes(keyLen);
        for (const prefix of [new Uint8Array(0), randomBytes(23), randomBytes(70)]) {
          const macs = a.hmacSha256Many(key, prefix, data, e8);
          parts.forEach((p, i) => {
            const want = createHmac("sha256", key).update(prefix).update(p).digest();
            expect(at(macs, i).equals(want)).to.equal(true);
          });
        }
      }
    });
  }

  it("keccak256Many equals js-sha3's keccak256 for strides across the rate (1..300 bytes)", () => {
    for (const stride of [1, 20, 40, 96, 135, 136, 137, 271, 272, 273, 300]) {
      const data = randomBytes(stride * 7);
      const got = addon!.keccak256Many(data, stride);
      for (let i = 0; i < 7; i++) {
        const want = sha3.keccak256(data.subarray(i * stride, (i + 1) * stride));
        expect(at(got, i).toString("hex")).to.equal(want);
      }
    }
  });

  it("the native batch and the JS batch agree on random inputs (property)", () => {
    const native = hashBatch();
    expect(native.kind).to.equal("native");
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary", maxLength: 90 }), { maxLength: 40 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 40 }),
        (ids, key, prefix) => {
          const { data, ends } = utf8Segments(ids);
          const eq = (x: Uint8Array, y: Uint8Array) => Buffer.from(x).equals(Buffer.from(y));
          return (
            eq(native.sha256Many(data, ends), jsHashBatch.sha256Many(data, ends)) &&
            eq(native.hmacSha256Many(key, prefix, data, ends), jsHashBatch.hmacSha256Many(key, prefix, data, ends))
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("utf8Segments encodes as Buffer.from(id, 'utf8') does (lone surrogates included)", () => {
    const ids = ["", "a", "é", "用户", "😀", "\uD800", "x\uDC00y", "z".repeat(300)];
    const { data, ends } = utf8Segments(ids);
    ids.forEach((id, i) => {
      const seg = Buffer.from(data.subarray(i === 0 ? 0 : ends[i - 1], ends[i]));
      expect(seg.equals(Buffer.from(id, "utf8"))).to.equal(true);
    });
    const part = utf8Segments(ids, 2, 5);
    expect(Buffer.from(part.data).equals(Buffer.from(ids.slice(2, 5).join(""), "utf8"))).to.equal(true);
  });

  it("refuses bad arguments with a message naming the function and argument", () => {
    const a = addon!;
    const e = (xs: number[]) => new Uint8Array(Uint32Array.from(xs).buffer);
    expect(() => a.sha256Many(new Uint8Array(4), e([5]))).to.throw(RangeError, /sha256Many: ends\[0\] = 5/);
    expect(() => a.sha256Many(new Uint8Array(4), e([3, 2]))).to.throw(RangeError, /ends\[1\] = 2 is below/);
    expect(() => a.sha256Many(new Uint8Array(4), new Uint8Array(3))).to.throw(RangeError, /4 bytes \(u32 LE\)/);
    expect(() => a.sha256Many([1, 2] as unknown as Uint8Array, e([]))).to.throw(TypeError, /data must be a Uint8Array/);
    expect(() => a.hmacSha256Many(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), e([]))).to.throw(
      RangeError,
      /key must be 1 to 64 bytes, got 0/,
    );
    expect(() => a.hmacSha256Many(new Uint8Array(65), new Uint8Array(0), new Uint8Array(0), e([]))).to.throw(
      RangeError,
      /got 65/,
    );
    expect(() => a.keccak256Many(new Uint8Array(10), 3)).to.throw(RangeError, /stride must be 1..65536 and divide/);
    expect(() => a.keccak256Many(new Uint8Array(10), 0)).to.throw(RangeError, /stride/);
    expect(() => jsHashBatch.sha256Many(new Uint8Array(4), Uint32Array.of(5))).to.throw(RangeError, /ends\[0\]/);
    expect(a.sha256Many(new Uint8Array(0), e([])).length).to.equal(0);
  });
});
