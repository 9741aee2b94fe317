// Witness tests of RootSumMismatch and of AtLeast2To128 (the range test LeafMismatch's malformed mode relies on): the
// frauds they must prove, an honest root they must refuse, and mutated witnesses a malicious prover could write
// (each must violate the R1CS), including the alias x + p of an in-range value.
import { expect } from "chai";

import {
  P,
  compileTestCircuit,
  expectRejected,
  mutate,
  violations,
  witness,
  type Crypto,
  type Signals,
  type TestCircuit,
} from "./helpers.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";

const TWO_128 = 1n << 128n;
let crypto: Crypto;

describe("AtLeast2To128", function () {
  this.timeout(180_000);
  let circuit: TestCircuit;

  before(async function () {
    circuit = await compileTestCircuit("at-least-2-128", "merkle-sum.circom", "component main = AtLeast2To128();");
  });

  it("tells in-range values from values >= 2^128, up to p - 1", async function () {
    const cases: Array<[bigint, bigint]> = [
      [0n, 0n],
      [5n, 0n],
      [TWO_128 - 1n, 0n],
      [TWO_128, 1n],
      [P - 600n, 1n],
      [P - 1n, 1n],
    ];
    for (const [value, big] of cases) {
      const w = await witness(circuit, { value });
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
      expect(w[circuit.wires.get("main.big")!], `value ${value}`).to.equal(big);
    }
  });

  it("rejects the alias decomposition of an in-range value (x + p) claiming big = 1", async function () {
    const w = await witness(circuit, { value: 5n });
    // The bits of 5 + p (an integer below 2^254, so a 254-bit decomposition exists) and the outputs that follow.
    const alias = 5n + P;
    const changes: Record<string, bigint> = {};
    for (let i = 0; i < 254; i++) {
      if (circuit.wires.has(`main.bits[${i}]`)) changes[`main.bits[${i}]`] = (alias >> BigInt(i)) & 1n;
    }
    expect(Object.keys(changes).length).to.be.greaterThan(250);
    changes["main.big"] = 1n;
    const bad = violations(circuit.r1cs, mutate(circuit, w, changes));
    expect(bad).to.have.length.greaterThan(0);
    // The bits still sum to the value in the field (--O2 folds the top bit into the sum constraint): only the alias
    // check can catch it.
    const top = ((alias >> 253n) & 1n) << 253n;
    const sum = Object.entries(changes)
      .filter(([n]) => n.startsWith("main.bits["))
      .reduce((acc, [n, b]) => acc + (b << BigInt(/\[(\d+)\]/.exec(n)![1])), top);
    expect(sum % P).to.equal(5n);
  });
});

describe("RootSumMismatch circuit", function () {
  this.timeout(180_000);
  let circuit: TestCircuit;

  function inputFor(sL: bigint, sR: bigint, rootSum: bigint): Signals {
    const hL = 1234n;
    const hR = 5678n;
    return { rootHash: crypto.poseidon([hL, sL % P, hR, sR % P]), rootSum, hL, sL: sL % P, hR, sR: sR % P };
  }

  before(async function () {
    crypto = await circomlibOracle();
    circuit = await compileTestCircuit(
      "root-sum",
      "root-sum.circom",
      "component main {public [rootHash, rootSum]} = RootSumMismatch();",
    );
  });

  it("proves a committed root sum below or above the sum the root hash binds", async function () {
    for (const rootSum of [0n, 299n, 301n, TWO_128 - 1n]) {
      const w = await witness(circuit, inputFor(100n, 200n, rootSum));
      expect(violations(circuit.r1cs, w), `rootSum ${rootSum}`).to.deep.equal([]);
    }
  });

  it("proves a root over an out-of-range or wrapped child, even when the committed sum matches the field sum", async function () {
    // sR = p - 50 wraps: sL + sR = 50 in the field, and the member committed 50.
    for (const [sL, sR, rootSum] of [
      [100n, P - 50n, 50n],
      [TWO_128, 0n, 0n],
      [TWO_128 - 1n, TWO_128 - 1n, 0n],
    ] as const) {
      const w = await witness(circuit, inputFor(sL, sR, rootSum));
      expect(violations(circuit.r1cs, w), `sL ${sL}, sR ${sR}`).to.deep.equal([]);
    }
  });

  it("refuses an honest root, and children that do not hash to the root", async function () {
    await expectRejected(circuit, inputFor(100n, 200n, 300n), /RootSumMismatch/);
    const input = inputFor(100n, 200n, 299n);
    await expectRejected(circuit, { ...input, hL: 1n }, /RootSumMismatch/);
  });

  it("rejects mutated witnesses: the sums-match flag cleared, or a child's range flag set, on an honest root", async function () {
    // Start from a valid witness of a mismatch, then rewrite it into an honest root: some constraint must break.
    const w = await witness(circuit, inputFor(100n, 200n, 299n));
    expect(violations(circuit.r1cs, mutate(circuit, w, { "main.rootSum": 300n }))).to.have.length.greaterThan(0);
    for (const flag of ["main.bigL", "main.bigR", "main.sumsMatch"]) {
      expect(circuit.wires.has(flag), `${flag} not in the witness`).to.equal(true);
      const v = w[circuit.wires.get(flag)!];
      expect(violations(circuit.r1cs, mutate(circuit, w, { [flag]: 1n - v }))).to.have.length.greaterThan(0);
    }
  });
});
