// Witness tests of the private-mode circuits (circuits/private-totals.circom): PedersenCommitment against the
// TypeScript commitments (src/private/pedersen.ts), and RootCommitment and SurplusRange refusing every broken
// constraint: a wrong opening, a value at or above 2^128, a value wrapping the subgroup order or the field, a sum the
// root hash does not bind, commitments off the curve or of small order, and mutated witnesses (an unbound context).
import { expect } from "chai";

import { SUBGROUP_ORDER } from "../../src/crypto/index.js";
import { addPoint } from "../../src/crypto/babyjub.js";
import { commit, randomScalar } from "../../src/private/pedersen.js";
import {
  P,
  compileTestCircuit,
  expectRejected,
  freeWires,
  mutate,
  violations,
  witness,
  type Crypto,
  type Signals,
  type TestCircuit,
} from "./helpers.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";
import { ORDER8 } from "../helpers/weak-keys.js";

const TWO_128 = 1n << 128n;
const L = SUBGROUP_ORDER;
const CONTEXT = 123456789n;
let crypto: Crypto;

describe("PedersenCommitment circuit", function () {
  this.timeout(300_000);
  let circuit: TestCircuit;

  before(async function () {
    circuit = await compileTestCircuit(
      "pedersen-commitment",
      "private-totals.circom",
      "component main = PedersenCommitment(128);",
    );
  });

  it("computes v*G + r*H as src/private does (random and edge values and blindings)", async function () {
    for (const [value, blinding] of [
      [0n, 0n],
      [1n, 0n],
      [0n, 1n],
      [TWO_128 - 1n, L - 1n],
      [987_654_321n, randomScalar()],
    ]) {
      const w = await witness(circuit, { value, blinding });
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
      const out = [w[circuit.wires.get("main.commitment[0]")!], w[circuit.wires.get("main.commitment[1]")!]];
      expect(out, `value ${value}`).to.deep.equal(commit(value, blinding));
    }
  });

  it("refuses a value of 2^128 or more, and a blinding of 2^251 or more", async function () {
    await expectRejected(circuit, { value: TWO_128, blinding: 1n }, /Num2Bits/);
    await expectRejected(circuit, { value: 1n, blinding: 1n << 251n }, /Num2Bits/);
  });
});

describe("RootCommitment circuit", function () {
  this.timeout(300_000);
  let circuit: TestCircuit;

  /** An honest input: children (hL, sL), (hR, sR) under rootHash, C_L = Com(sL + sR, blinding). */
  function inputFor(sL: bigint, sR: bigint, blinding = 4242n, committed = sL + sR): Signals {
    const hL = 1111n;
    const hR = 2222n;
    const [cx, cy] = commit(committed % L, blinding);
    return {
      rootHash: crypto.poseidon([hL, sL % P, hR, sR % P]),
      cx,
      cy,
      context: CONTEXT,
      hL,
      sL: sL % P,
      hR,
      sR: sR % P,
      blinding,
    };
  }

  before(async function () {
    crypto = await circomlibOracle();
    circuit = await compileTestCircuit(
      "root-commitment",
      "private-totals.circom",
      "component main {public [rootHash, cx, cy, context]} = RootCommitment();",
    );
  });

  it("accepts C_L opening to the sum inside the root hash (0, typical, and the largest sums)", async function () {
    for (const [sL, sR] of [
      [0n, 0n],
      [100n, 200n],
      [TWO_128 - 2n, 1n],
    ]) {
      const w = await witness(circuit, inputFor(sL, sR));
      expect(violations(circuit.r1cs, w), `sL ${sL}, sR ${sR}`).to.deep.equal([]);
    }
  });

  it("refuses a wrong opening: another value, another blinding", async function () {
    await expectRejected(circuit, inputFor(100n, 200n, 4242n, 299n), /RootCommitment/);
    await expectRejected(circuit, inputFor(100n, 200n, 4242n, 301n), /RootCommitment/);
    await expectRejected(circuit, { ...inputFor(100n, 200n), blinding: 4243n }, /RootCommitment/);
  });

  it("refuses a sum the root hash does not bind (a child changed, or children swapped with their sums)", async function () {
    await expectRejected(circuit, { ...inputFor(100n, 200n), sL: 101n }, /RootCommitment/);
    await expectRejected(circuit, { ...inputFor(100n, 200n), hR: 2223n }, /RootCommitment/);
    const honest = inputFor(100n, 200n);
    await expectRejected(circuit, { ...honest, rootHash: BigInt(honest.rootHash as bigint) + 1n }, /RootCommitment/);
  });

  it("refuses children or a sum out of range, and a child sum wrapping the field", async function () {
    // A child of 2^128 (rootHash and C_L consistent with it).
    await expectRejected(circuit, inputFor(TWO_128, 0n), /Num2Bits/);
    // Both children in range, their sum 2^128 or more.
    await expectRejected(circuit, inputFor(TWO_128 - 1n, 1n), /Num2Bits/);
    // sR = p - 50: the field sum is 50, committed as 50.
    await expectRejected(circuit, inputFor(100n, P - 150n, 4242n, 50n), /Num2Bits/);
  });

  it("refuses a commitment off the curve, of small order, or with a torsion component", async function () {
    const honest = inputFor(100n, 200n);
    await expectRejected(circuit, { ...honest, cy: BigInt(honest.cy as bigint) + 1n }, /RootCommitment/);
    await expectRejected(circuit, { ...honest, cx: ORDER8[0], cy: ORDER8[1] }, /RootCommitment/);
    const mixed = addPoint([BigInt(honest.cx as bigint), BigInt(honest.cy as bigint)], ORDER8);
    await expectRejected(circuit, { ...honest, cx: mixed[0], cy: mixed[1] }, /RootCommitment/);
  });

  it("leaves no wire free: the context and every intermediate value is bound", async function () {
    const w = await witness(circuit, inputFor(100n, 200n));
    expect(freeWires(circuit.r1cs, w)).to.deep.equal([]);
    expect(violations(circuit.r1cs, mutate(circuit, w, { "main.context": CONTEXT + 1n }))).to.have.length.greaterThan(
      0,
    );
  });
});

describe("SurplusRange circuit", function () {
  this.timeout(300_000);
  let circuit: TestCircuit;

  function inputFor(surplus: bigint, blinding = 777n, committed = surplus): Signals {
    const [cx, cy] = commit(((committed % L) + L) % L, blinding);
    return { cx, cy, context: CONTEXT, surplus: ((surplus % P) + P) % P, blinding };
  }

  before(async function () {
    circuit = await compileTestCircuit(
      "surplus-range",
      "private-totals.circom",
      "component main {public [cx, cy, context]} = SurplusRange();",
    );
  });

  it("accepts a surplus in [0, 2^128)", async function () {
    for (const s of [0n, 1n, 5_000_000n, TWO_128 - 1n]) {
      const w = await witness(circuit, inputFor(s));
      expect(violations(circuit.r1cs, w), `surplus ${s}`).to.deep.equal([]);
    }
  });

  it("refuses S >= 2^128, a negative S (l - 1 and p - 1), and S + l (the same point)", async function () {
    await expectRejected(circuit, inputFor(TWO_128), /Num2Bits/);
    // -1 mod l commits to -G: a member short by one unit.
    await expectRejected(circuit, inputFor(L - 1n), /Num2Bits/);
    await expectRejected(circuit, inputFor(-1n, 777n, L - 1n), /Num2Bits/);
    // 5 + l commits to the same point as 5.
    await expectRejected(circuit, inputFor(5n + L, 777n, 5n), /Num2Bits/);
  });

  it("refuses a wrong opening and commitments off the curve or of small order", async function () {
    await expectRejected(circuit, inputFor(5n, 777n, 6n), /SurplusRange/);
    await expectRejected(circuit, { ...inputFor(5n), blinding: 778n }, /SurplusRange/);
    await expectRejected(circuit, { ...inputFor(5n), cx: 1n, cy: 2n }, /SurplusRange/);
    await expectRejected(circuit, { ...inputFor(5n), cx: ORDER8[0], cy: ORDER8[1] }, /SurplusRange/);
  });

  it("leaves no wire free and binds the context", async function () {
    const w = await witness(circuit, inputFor(5n));
    expect(freeWires(circuit.r1cs, w)).to.deep.equal([]);
    expect(violations(circuit.r1cs, mutate(circuit, w, { "main.context": CONTEXT + 1n }))).to.have.length.greaterThan(
      0,
    );
    // The surplus raised by 2^128 with its bits kept: the bit sum breaks.
    expect(violations(circuit.r1cs, mutate(circuit, w, { "main.surplus": 5n + TWO_128 }))).to.have.length.greaterThan(
      0,
    );
    // 5 = 0b101 rewritten as bits (1, 2, 0): the same sum, only booleanity catches it.
    const bit = (i: number) =>
      [...circuit.wires.keys()].find((n) =>
        new RegExp(`^main\\.PedersenCommitment_[\\d_]+\\.valueBits\\[${i}\\]$`).test(n),
      )!;
    expect(bit(1)).to.be.a("string");
    expect(violations(circuit.r1cs, mutate(circuit, w, { [bit(1)]: 2n, [bit(2)]: 0n }))).to.have.length.greaterThan(0);
  });
});

describe("PrivateAsset circuit (both statements in one proof)", function () {
  this.timeout(300_000);
  let circuit: TestCircuit;

  function inputFor(sL: bigint, sR: bigint, surplus: bigint): Signals {
    const hL = 31n;
    const hR = 32n;
    const [lx, ly] = commit((sL + sR) % L, 4242n);
    const [sx, sy] = commit(((surplus % L) + L) % L, 777n);
    return {
      rootHash: crypto.poseidon([hL, sL, hR, sR]),
      lx,
      ly,
      sx,
      sy,
      context: CONTEXT,
      hL,
      sL,
      hR,
      sR,
      liabilitiesBlinding: 4242n,
      surplus: ((surplus % P) + P) % P,
      surplusBlinding: 777n,
    };
  }

  before(async function () {
    crypto ??= await circomlibOracle();
    circuit = await compileTestCircuit(
      "private-asset",
      "private-totals.circom",
      "component main {public [rootHash, lx, ly, sx, sy, context]} = PrivateAsset();",
    );
  });

  it("accepts an honest asset and leaves no wire free", async function () {
    const w = await witness(circuit, inputFor(100n, 200n, 50n));
    expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    expect(freeWires(circuit.r1cs, w)).to.deep.equal([]);
  });

  it("refuses each statement broken alone: C_L's opening, the root hash, the surplus range, C_S's opening", async function () {
    const honest = inputFor(100n, 200n, 50n);
    await expectRejected(circuit, { ...honest, liabilitiesBlinding: 1n }, /RootCommitment/);
    await expectRejected(circuit, { ...honest, sL: 101n }, /RootCommitment/);
    await expectRejected(circuit, inputFor(100n, 200n, -1n), /Num2Bits/);
    await expectRejected(circuit, { ...honest, surplusBlinding: 1n }, /SurplusRange/);
    // C_L and C_S swapped.
    await expectRejected(
      circuit,
      { ...honest, lx: honest.sx, ly: honest.sy, sx: honest.lx, sy: honest.ly },
      /RootCommitment/,
    );
  });
});
