// The sparse Merkle-sum tree against a naive dense reference, with properties over random ledgers.
import { expect } from "chai";
import fc from "fast-check";

import { FIELD_P, MAX_BALANCE, MAX_SUM, loadCrypto, writeLE32, type Crypto } from "../../src/crypto/index.js";
import {
  SumTree,
  TreeError,
  accountLeafSet,
  emptySubtrees,
  hashNode,
  leafSetFrom,
  verifyProof,
  type InclusionProof,
  slotOrder,
} from "../../src/tree/index.js";
import { decodeLeaves, encodeLeaves, rebuildFromLeaves } from "../../src/tree/leaves.js";
import { denseRoot } from "../helpers/dense-tree.js";
import { expectReject } from "../helpers/expect.js";

const leavesArb = (d: number, maxLen: number) =>
  fc.uniqueArray(
    fc.record({
      slot: fc.integer({ min: 0, max: 2 ** d - 1 }),
      h: fc.bigInt({ min: 0n, max: 2n ** 253n }),
      s: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: MAX_BALANCE - 1n })),
    }),
    { minLength: 1, maxLength: maxLen, selector: (l) => l.slot },
  );

/** A hash as the 32 little-endian bytes of a tree node. */
function leLeaf(h: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(h.toString(16).padStart(64, "0"), "hex").reverse());
}

describe("SumTree", function () {
  this.timeout(300_000);
  let crypto: Crypto;
  let H: (x: readonly bigint[]) => bigint;
  before(async () => {
    crypto = await loadCrypto({ backend: "js", threads: 0 });
    H = (x) => crypto.poseidon(x);
  });
  after(async () => crypto.close());

  describe("build", () => {
    it("computes the empty subtrees of docs/protocol.md section 4", () => {
      const e = emptySubtrees(H, 3);
      expect(e[0]).to.deep.equal({ h: 0n, s: 0n });
      expect(e[1].h).to.equal(H([0n, 0n, 0n, 0n]));
      expect(e[3].h).to.equal(H([e[2].h, 0n, e[2].h, 0n]));
    });

    it("equals the dense reference, and the root sum equals the ledger sum", async () => {
      await fc.assert(
        fc.asyncProperty(leavesArb(5, 12), fc.integer({ min: 5, max: 9 }), async (leaves, D) => {
          const tree = await SumTree.build(crypto, leafSetFrom(leaves), 5, D);
          const ref = denseRoot(H, leaves, 5, D);
          expect(tree.root).to.deep.equal(ref);
          expect(tree.root.s).to.equal(leaves.reduce((a, l) => a + l.s, 0n));
        }),
        { numRuns: 15 },
      );
    });

    it("gives an empty tree the root E_D", async () => {
      const tree = await SumTree.build(crypto, leafSetFrom([]), 4, 6);
      expect(tree.root).to.deep.equal(emptySubtrees(H, 6)[6]);
    });

    it("does not depend on input order", async () => {
      await fc.assert(
        fc.asyncProperty(leavesArb(6, 10), fc.integer(), async (leaves, seed) => {
          const shuffled = [...leaves].sort((a, b) => ((a.slot * 2654435761) ^ seed) - ((b.slot * 2654435761) ^ seed));
          const a = await SumTree.build(crypto, leafSetFrom(leaves), 6, 8);
          const b = await SumTree.build(crypto, leafSetFrom(shuffled), 6, 8);
          expect(a.root).to.deep.equal(b.root);
        }),
        { numRuns: 10 },
      );
    });

    it("refuses a balance of 2^96 or more, a slot outside 2^d, a duplicate slot", async () => {
      expect(() => leafSetFrom([{ slot: 0, h: 1n, s: MAX_BALANCE }])).to.throw(TreeError, /2\^96/);
      const bad = leafSetFrom([{ slot: 1, h: 1n, s: 1n }]);
      bad.nodes[32 + 12] = 1; // balance = 2^96 + 1, smuggled past leafSetFrom
      await expectReject(SumTree.build(crypto, bad, 4, 8), /below 2\^96/);
      await expectReject(
        SumTree.build(crypto, leafSetFrom([{ slot: 16, h: 1n, s: 1n }]), 4, 8),
        /outside the slot space/,
      );
      const dup = { slots: Uint32Array.from([3, 3]), nodes: new Uint8Array(128) };
      await expectReject(SumTree.build(crypto, dup, 4, 8), /duplicate or unsorted/);
      await expectReject(SumTree.build(crypto, leafSetFrom([]), 9, 8), /slot bits/);
    });

    it("refuses any node sum of 2^128 or more (never wraps)", async () => {
      expect(() => hashNode(H, { h: 0n, s: MAX_SUM - 1n }, { h: 0n, s: 1n })).to.throw(TreeError, /2\^128/);
      expect(() => hashNode(H, { h: 0n, s: MAX_SUM }, { h: 0n, s: 0n })).to.throw(TreeError);
      // A backend whose level hashing lets a sum reach 2^128 is caught by the builder's range check.
      const overflowing: Crypto = {
        ...crypto,
        poseidon: (x) => crypto.poseidon(x),
        hashLevel: async (children) => {
          const out = new Uint8Array(children.length / 2);
          out[63] = 1; // s = 2^248
          return out;
        },
      };
      await expectReject(SumTree.build(overflowing, leafSetFrom([{ slot: 0, h: 1n, s: 1n }]), 2, 4), /reaches 2\^128/);
    });
  });

  describe("proofs", () => {
    it("verify for every populated and empty slot; any changed value fails", async () => {
      await fc.assert(
        fc.asyncProperty(leavesArb(4, 8), fc.nat(), fc.nat(), async (leaves, pick, delta) => {
          const tree = await SumTree.build(crypto, leafSetFrom(leaves), 4, 6);
          for (let slot = 0; slot < 16; slot++) {
            const p = tree.proof(slot);
            expect(verifyProof(H, p, tree.root)).to.equal(true);
          }
          const p = tree.proof(leaves[pick % leaves.length].slot);
          const bump = BigInt(delta % 1000) + 1n;
          const mutants: InclusionProof[] = [
            { ...p, slot: p.slot ^ 1 },
            { ...p, leaf: { ...p.leaf, s: p.leaf.s + bump } },
            { ...p, leaf: { ...p.leaf, h: p.leaf.h + bump } },
          ];
          const k = pick % p.siblings.length;
          const sib = p.siblings.map((x) => ({ ...x }));
          sib[k] = { ...sib[k], h: sib[k].h + bump };
          mutants.push({ ...p, siblings: sib });
          const sib2 = p.siblings.map((x) => ({ ...x }));
          sib2[k] = { ...sib2[k], s: sib2[k].s + bump };
          mutants.push({ ...p, siblings: sib2 });
          mutants.push({ ...p, siblings: p.siblings.slice(0, -1) });
          for (const m of mutants) {
            // The mutated slot may hold an identical leaf only if both siblings are empty and equal.
            if (m.slot !== p.slot && tree.leaf(m.slot).h === p.leaf.h && tree.leaf(m.slot).s === p.leaf.s) continue;
            expect(verifyProof(H, m, tree.root)).to.equal(false);
          }
          expect(verifyProof(H, p, { h: tree.root.h, s: tree.root.s + 1n })).to.equal(false);
        }),
        { numRuns: 8 },
      );
    });

    it("rejects a proof whose sums reach 2^128", async () => {
      const tree = await SumTree.build(crypto, leafSetFrom([{ slot: 0, h: 5n, s: 5n }]), 2, 3);
      const p = tree.proof(0);
      p.siblings[0] = { h: 0n, s: MAX_SUM };
      expect(verifyProof(H, p, tree.root)).to.equal(false);
    });
  });

  describe("leaves payload", () => {
    it("round-trips and rebuilds the identical root", async () => {
      await fc.assert(
        fc.asyncProperty(leavesArb(5, 10), async (leaves) => {
          const tree = await SumTree.build(crypto, leafSetFrom(leaves), 5, 7);
          const ctx = { member: 0xabcn, asset: 7, t: 1_700_000_000n };
          const bytes = encodeLeaves(tree, ctx);
          const { header, tree: rebuilt } = await rebuildFromLeaves(crypto, bytes);
          expect(header).to.include({ asset: 7, depth: 7, slotBits: 5, count: leaves.length });
          expect(header.member).to.equal(0xabcn);
          expect(rebuilt.root).to.deep.equal(tree.root);
        }),
        { numRuns: 8 },
      );
    });

    it("rejects truncated, reordered, out-of-range and mislabelled payloads", async () => {
      const leaves = [
        { slot: 1, h: 11n, s: 1n },
        { slot: 6, h: 12n, s: 2n },
      ];
      const tree = await SumTree.build(crypto, leafSetFrom(leaves), 3, 4);
      const good = encodeLeaves(tree, { member: 1n, asset: 1, t: 1n });
      expect(() => decodeLeaves(good.subarray(0, good.length - 1))).to.throw(TreeError, /length/);
      const badMagic = Buffer.from(good);
      badMagic[0] ^= 1;
      expect(() => decodeLeaves(badMagic)).to.throw(TreeError, /magic/);
      const swapped = Buffer.from(good);
      swapped.writeUInt32BE(7, 44); // first slot 7 > second slot 6
      expect(() => decodeLeaves(swapped)).to.throw(TreeError, /unsorted/);
      const outside = Buffer.from(good);
      outside.writeUInt32BE(8, 44 + 48);
      expect(() => decodeLeaves(outside)).to.throw(TreeError, /slot space/);
      const hashTooBig = Buffer.from(good);
      hashTooBig.fill(0xff, 48, 80);
      expect(() => decodeLeaves(hashTooBig)).to.throw(TreeError, /field element/);
      // The byte-wise h < p check (issue 18's decoder without bigints) at its boundary: p - 1 passes, p fails.
      for (const [h, ok] of [
        [FIELD_P - 1n, true],
        [FIELD_P, false],
        [FIELD_P + 1n, false],
        [(FIELD_P >> 8n) << 8n, true],
      ] as const) {
        const edge = Buffer.from(good);
        edge.write(h.toString(16).padStart(64, "0"), 48, 32, "hex");
        if (ok) expect(decodeLeaves(edge).leaves.nodes.subarray(0, 32)).to.deep.equal(leLeaf(h));
        else expect(() => decodeLeaves(edge)).to.throw(TreeError, /leaf 0 hash is not a field element/);
      }
      // Decoding gives back the tree's own leaf nodes, byte for byte (balances up to 2^96 - 1).
      const wide = await SumTree.build(
        crypto,
        leafSetFrom([
          { slot: 0, h: FIELD_P - 1n, s: (1n << 96n) - 1n },
          { slot: 5, h: 1n << 250n, s: 123456789n },
        ]),
        3,
        4,
      );
      const decoded = decodeLeaves(encodeLeaves(wide, { member: 1n, asset: 1, t: 1n })).leaves;
      expect(Buffer.from(decoded.nodes).equals(Buffer.from(wide.leafSet().nodes))).to.equal(true);
      expect([...decoded.slots]).to.deep.equal([0, 5]);
      // Any changed leaf byte changes the rebuilt root.
      const changed = Buffer.from(good);
      changed[44 + 48 + 4 + 31] ^= 1;
      expect((await rebuildFromLeaves(crypto, changed)).tree.root).to.not.deep.equal(tree.root);
    });
  });
});

describe("slotOrder", () => {
  const reference = (slots: ArrayLike<number>) =>
    Array.from({ length: slots.length }, (_, i) => i).sort((a, b) => slots[a] - slots[b]);
  it("is the stable comparator sort's permutation: unique, tied, empty and extreme slots", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 300 }), (slots) => {
        expect([...slotOrder(Uint32Array.from(slots))]).to.deep.equal(reference(slots));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 300 }), (slots) => {
        expect([...slotOrder(slots)]).to.deep.equal(reference(slots));
      }),
    );
    expect([...slotOrder([])]).to.deep.equal([]);
    // Beyond the exact packing (slot * 2^bits + i >= 2^53) and non-integers: the comparator itself.
    const big = [2 ** 40, 5, 2 ** 40, 0];
    expect([...slotOrder(big)]).to.deep.equal(reference(big));
    const odd = [1.5, -1, 0.25];
    expect([...slotOrder(odd)]).to.deep.equal(reference(odd));
    // A 2^20-user tree's shape: 2^20 unique slots of 2^24.
    const n = 1 << 20;
    const slots = new Uint32Array(n);
    const taken = new Set<number>();
    let x = 12345;
    for (let i = 0; i < n; i++) {
      do x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      while (taken.has(x >>> 8));
      taken.add(x >>> 8);
      slots[i] = x >>> 8;
    }
    expect(Buffer.from(slotOrder(slots).buffer)).to.deep.equal(Buffer.from(Uint32Array.from(reference(slots)).buffer));
  });
});

describe("accountLeafSet", function () {
  let crypto: Crypto;
  before(async () => {
    crypto = await loadCrypto({ backend: "js", threads: 0 });
  });
  after(async () => crypto.close());

  it("gives the leaves leafSetFrom gives for (slot, Poseidon(key, balance), balance), keys at any byte offset", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 12 - 1 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.infiniteStream(
          fc.tuple(fc.bigInt({ min: 0n, max: FIELD_P - 1n }), fc.bigInt({ min: 0n, max: MAX_BALANCE - 1n })),
        ),
        async (slots, pad, values) => {
          const accounts = slots.map((slot) => ({ slot, kv: values.next().value as [bigint, bigint] }));
          // The keys as one batch's output, here at an offset of `pad` bytes inside a larger buffer.
          const buf = new Uint8Array(pad + accounts.length * 32);
          const keyBytes = buf.subarray(pad);
          accounts.forEach((a, i) => writeLE32(keyBytes, i * 32, a.kv[0]));
          const got = await accountLeafSet(
            Uint32Array.from(slots),
            keyBytes,
            accounts.map((a) => a.kv[1]),
            (pairs) => crypto.hashLeaves(pairs),
          );
          const want = leafSetFrom(
            accounts.map((a) => ({ slot: a.slot, h: crypto.poseidon([a.kv[0], a.kv[1]]), s: a.kv[1] })),
          );
          expect([...got.slots]).to.deep.equal([...want.slots]);
          expect(Buffer.from(got.nodes).equals(Buffer.from(want.nodes))).to.equal(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("refuses keys, balances and hashes that do not match the slots in number", async function () {
    const hash = (pairs: Uint8Array) => crypto.hashLeaves(pairs);
    await expectReject(
      accountLeafSet(Uint32Array.of(1, 2), new Uint8Array(32), [1n, 2n], hash),
      /2 slots, 1 keys/,
      TreeError,
    );
    await expectReject(accountLeafSet(Uint32Array.of(1), new Uint8Array(32), [], hash), /0 balances/, TreeError);
    await expectReject(
      accountLeafSet(Uint32Array.of(1), new Uint8Array(32), [1n], async () => new Uint8Array(64)),
      /2 leaf hashes for 1 pairs/,
      TreeError,
    );
  });
});
