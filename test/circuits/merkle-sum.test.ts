// Witness tests of MerkleSumInclusion(4): every slot of random trees verifies; each range check, the slot
// bound and both root equalities reject what breaks them; no wire of a valid witness is free.
import { expect } from "chai";
import fc from "fast-check";

import {
  P,
  buildTree,
  compileTestCircuit,
  expectRejected,
  freeWires,
  mutate,
  pathOf,
  violations,
  witness,
  type Crypto,
  type Node,
  type Signals,
  type TestCircuit,
} from "./helpers.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";

const D = 4;
let crypto: Crypto;
let circuit: TestCircuit;

function inputFor(leaves: Map<number, Node>, slot: number): Signals {
  const levels = buildTree(crypto, D, leaves);
  const sib = pathOf(levels, slot);
  const leaf = levels[0][slot];
  return {
    rootHash: levels[D][0].h,
    rootSum: levels[D][0].s,
    leafHash: leaf.h,
    leafSum: leaf.s,
    slot,
    siblingHashes: sib.map((n) => n.h),
    siblingSums: sib.map((n) => n.s),
  };
}

describe("MerkleSumInclusion circuit (D = 4)", function () {
  this.timeout(120_000);
  let leaves: Map<number, Node>;

  before(async function () {
    crypto = await circomlibOracle();
    circuit = await compileTestCircuit(
      "merkle-sum-4",
      "merkle-sum.circom",
      "component main {public [rootHash, rootSum]} = MerkleSumInclusion(4);",
    );
    leaves = new Map([
      [1, { h: crypto.poseidon([1n, 10n]), s: 10n }],
      [6, { h: crypto.poseidon([2n, 20n]), s: 20n }],
      [13, { h: crypto.poseidon([3n, (1n << 96n) - 1n]), s: (1n << 96n) - 1n }],
    ]);
  });

  it("accepts every slot (populated or empty) of random trees", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.bigInt({ min: 0n, max: (1n << 96n) - 1n })), {
          maxLength: 16,
        }),
        fc.integer({ min: 0, max: 15 }),
        async (entries, slot) => {
          const m = new Map<number, Node>();
          for (const [i, s] of entries) m.set(i, { h: crypto.poseidon([BigInt(i) + 1000n, s]), s });
          const w = await witness(circuit, inputFor(m, slot));
          expect(violations(circuit.r1cs, w)).to.deep.equal([]);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("leaves no wire of a valid witness free", async function () {
    const w = await witness(circuit, inputFor(leaves, 6));
    expect(freeWires(circuit.r1cs, w)).to.deep.equal([]);
  });

  it("rejects a wrong root hash", async function () {
    const input = inputFor(leaves, 6);
    await expectRejected(circuit, { ...input, rootHash: BigInt(input.rootHash as bigint) + 1n }, /MerkleSumInclusion/);
  });

  it("rejects a wrong root sum", async function () {
    const input = inputFor(leaves, 6);
    await expectRejected(circuit, { ...input, rootSum: BigInt(input.rootSum as bigint) - 1n }, /MerkleSumInclusion/);
  });

  it("rejects the path of another slot", async function () {
    await expectRejected(circuit, { ...inputFor(leaves, 6), slot: 7 }, /MerkleSumInclusion/);
  });

  it("rejects a slot >= 2^D", async function () {
    await expectRejected(circuit, { ...inputFor(leaves, 6), slot: 16 + 6 }, /Num2Bits/);
  });

  it("rejects a sibling sum >= 2^128 and a wrapped (negative) sibling sum", async function () {
    const big = new Map(leaves);
    big.set(7, { h: 9n, s: 1n << 128n });
    await expectRejected(circuit, inputFor(big, 6), /Num2Bits/);
    const neg = new Map(leaves);
    neg.set(7, { h: 9n, s: P - 20n });
    await expectRejected(circuit, inputFor(neg, 6), /Num2Bits/);
  });

  it("rejects a leaf sum >= 2^128", async function () {
    const big = new Map(leaves);
    big.set(6, { h: 9n, s: 1n << 128n });
    await expectRejected(circuit, inputFor(big, 6), /Num2Bits/);
  });

  it("rejects a root sum >= 2^128 even when every child sum is below 2^128", async function () {
    const big = new Map(leaves);
    big.set(0, { h: 9n, s: (1n << 127n) + 1n });
    big.set(15, { h: 8n, s: 1n << 127n });
    await expectRejected(circuit, inputFor(big, 6), /Num2Bits/);
  });

  it("rejects mutated witnesses: another root, leaf sum or sibling sum", async function () {
    const w = await witness(circuit, inputFor(leaves, 6));
    for (const name of ["main.rootHash", "main.rootSum", "main.leafSum", "main.siblingSums[0]"]) {
      const v = w[circuit.wires.get(name)!];
      for (const nv of [v + 1n, v + (1n << 128n), v - 1n]) {
        expect(violations(circuit.r1cs, mutate(circuit, w, { [name]: nv })), name).to.have.length.greaterThan(0);
      }
    }
  });
});
