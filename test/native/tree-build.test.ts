// SumTree.build's level assembly (32-bit word copies, word-wise range checks) and the native SIMD kernel it feeds:
// the native backend, the pure-JS backend and a dense reference agree on the root; leaf buffers at any byte offset;
// the fast "hash < p" leaf check at its edges; every word of a parent's upper sum half is range-checked.
import { expect } from "chai";
import fc from "fast-check";

import { FIELD_P, MAX_BALANCE, MAX_SUM, loadCrypto, tryLoadNative, type Crypto } from "../../src/crypto/index.js";
import { loadNativeAddonForTests } from "../../src/crypto/native.js";
import { SumTree, TreeError, leafSetFrom, type LeafSet } from "../../src/tree/index.js";
import { denseRoot, type Leaf } from "../helpers/dense-tree.js";
import { expectReject } from "../helpers/expect.js";

/** The same leaf set with its node bytes at byte offset `shift` of a larger buffer. */
function shifted(set: LeafSet, shift: number): LeafSet {
  const backing = new Uint8Array(set.nodes.length + shift);
  backing.set(set.nodes, shift);
  return { slots: set.slots, nodes: backing.subarray(shift) };
}

describe("SumTree.build level assembly", function () {
  this.timeout(300_000);
  let js: Crypto;
  let native: Crypto | undefined;

  before(async () => {
    js = await loadCrypto({ backend: "js", threads: 0 });
    if ((await tryLoadNative()) !== undefined) native = await loadCrypto({ backend: "native" });
    else console.log("      NOTE: native addon not built: only the JS backend is compared with the reference");
  });
  after(async () => {
    await js.close();
    await native?.close();
  });

  it("gives the dense reference's root on the JS and native backends (SIMD and scalar kernels), random ledgers", async () => {
    const addon = loadNativeAddonForTests();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            slot: fc.integer({ min: 0, max: 63 }),
            h: fc.oneof(fc.bigInt({ min: 0n, max: FIELD_P - 1n }), fc.constantFrom(0n, FIELD_P - 1n)),
            s: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.constant(MAX_BALANCE - 1n)),
          }),
          { minLength: 0, maxLength: 40, selector: (l) => l.slot },
        ),
        async (leaves) => {
          const want = denseRoot((x) => js.poseidon(x), leaves, 6, 8);
          const set = leafSetFrom(leaves);
          expect((await SumTree.build(js, set, 6, 8)).root).to.deep.equal(want);
          if (native !== undefined && addon !== undefined) {
            expect((await SumTree.build(native, set, 6, 8)).root).to.deep.equal(want);
            const before = addon.setPoseidonSimd(false);
            try {
              expect((await SumTree.build(native, set, 6, 8)).root).to.deep.equal(want);
            } finally {
              addon.setPoseidonSimd(before);
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it("parentLevel (native pairing, no children buffer) gives every level the JS pairing over hashLevel gives", async function () {
    if (native === undefined) this.skip();
    const nat = native as Crypto;
    // The same backend without parentLevel: SumTree.build pairs in JavaScript and hashes through hashLevel.
    const viaHashLevel = {
      poseidon: (x: readonly bigint[]) => nat.poseidon(x),
      hashLevel: (c: Uint8Array) => nat.hashLevel(c),
    };
    for (const [n, d] of [
      [1, 1],
      [2, 1],
      [300, 9],
      [5000, 17],
      [4096, 12], // every slot populated
    ] as const) {
      const slots = new Set<number>();
      while (slots.size < n) slots.add(d === 12 ? slots.size : Math.floor(Math.random() * 2 ** d));
      const set = leafSetFrom(
        [...slots].map((slot) => ({ slot, h: BigInt(slot) * 7919n + 1n, s: BigInt(slot % 1000) })),
      );
      const a = await SumTree.build(nat, set, d, 32);
      const b = await SumTree.build(viaHashLevel, set, d, 32);
      expect(a.root).to.deep.equal(b.root);
      for (let k = 0; k <= d; k++) {
        expect(Buffer.from(a.level(k).nodes).equals(Buffer.from(b.level(k).nodes))).to.equal(true, `level ${k}`);
        expect([...a.level(k).index]).to.deep.equal([...b.level(k).index]);
      }
    }
  });

  it("parentLevel refuses unsorted indices, non-field words and bad lengths, naming what", function () {
    const addon = loadNativeAddonForTests();
    if (addon === undefined) this.skip();
    const a = addon as NonNullable<typeof addon>;
    const idx = (xs: number[]) => new Uint8Array(Uint32Array.from(xs).buffer);
    const nodes = (k: number) => new Uint8Array(64 * k);
    const empty = new Uint8Array(64);
    expect(() => a.parentLevel(idx([3, 3]), nodes(2), empty)).to.throw(RangeError, /index 1 is not above/);
    expect(() => a.parentLevel(idx([1]), nodes(2), empty)).to.throw(RangeError, /4 bytes per node/);
    expect(() => a.parentLevel(idx([1]), nodes(1), new Uint8Array(32))).to.throw(RangeError, /empty 64 bytes/);
    const bad = nodes(2);
    bad.fill(0xff, 64 + 32, 128);
    expect(() => a.parentLevel(idx([0, 1]), bad, empty)).to.throw(RangeError, /node 1 sum is not a canonical/);
    const badEmpty = new Uint8Array(64).fill(0xff, 0, 32);
    expect(() => a.parentLevel(idx([0]), nodes(1), badEmpty)).to.throw(RangeError, /empty node hash/);
    const [pi, pn] = a.parentLevel(idx([]), nodes(0), empty);
    expect(pi.length).to.equal(0);
    expect(pn.length).to.equal(0);
  });

  it("builds the same tree from a leaf buffer at any byte offset (aligned or not)", async () => {
    const leaves: Leaf[] = Array.from({ length: 300 }, (_, i) => ({
      slot: i * 3 + (i % 2),
      h: (BigInt(i) * 0x9e3779b97f4a7c15n) % FIELD_P,
      s: BigInt(i * 1000 + 1),
    }));
    const set = leafSetFrom(leaves);
    const backend = native ?? js;
    const base = await SumTree.build(backend, set, 10, 12);
    expect(base.root).to.deep.equal(denseRoot((x) => js.poseidon(x), leaves, 10, 12));
    for (const shift of [1, 2, 3, 4, 5]) {
      const tree = await SumTree.build(backend, shifted(set, shift), 10, 12);
      expect(tree.root, `shift ${shift}`).to.deep.equal(base.root);
      expect(tree.proof(7).siblings, `shift ${shift}`).to.deep.equal(base.proof(7).siblings);
    }
  });

  it("accepts leaf hashes up to p - 1 and refuses p and above, also with p's top byte in place", async () => {
    const ok = leafSetFrom([
      { slot: 0, h: FIELD_P - 1n, s: 1n },
      { slot: 1, h: 0x30n << 248n, s: 2n }, // top byte equal to p's, value below p
    ]);
    const tree = await SumTree.build(js, ok, 2, 3);
    expect(tree.root.s).to.equal(3n);
    const forged = (h: bigint): LeafSet => {
      const set = leafSetFrom([{ slot: 1, h: 5n, s: 1n }]);
      for (let i = 0; i < 32; i++) set.nodes[i] = Number((h >> BigInt(8 * i)) & 0xffn);
      return set;
    };
    for (const h of [FIELD_P, FIELD_P + 1n, (0x30n << 248n) | ((1n << 248n) - 1n), (1n << 256n) - 1n]) {
      await expectRejectTree(SumTree.build(js, forged(h), 2, 3), /slot 1: hash is not a field element/);
    }
    expect((await SumTree.build(js, forged(FIELD_P - 1n), 2, 3)).root.s).to.equal(1n);
  });

  it("range-checks every 32-bit word of each parent's upper sum half (bytes 48..63)", async () => {
    for (let byte = 44; byte < 64; byte++) {
      const faulty: Crypto = {
        ...js,
        poseidon: (x) => js.poseidon(x),
        hashLevel: async (children) => {
          const out = new Uint8Array(children.length / 2);
          out[(out.length / 64 - 1) * 64 + byte] = 0x80;
          return out;
        },
      };
      const build = SumTree.build(faulty, leafSetFrom([{ slot: 0, h: 1n, s: 1n }]), 2, 4);
      if (byte < 48) {
        // s below 2^128 (bytes 44..47 are bits 96..127): accepted.
        expect((await build).root.s < MAX_SUM).to.equal(true);
      } else {
        await expectRejectTree(build, /node sum at level 1, index 0 reaches 2\^128/);
      }
    }
  });
});

const expectRejectTree = (p: Promise<unknown>, re: RegExp) => expectReject(p, re, TreeError);
