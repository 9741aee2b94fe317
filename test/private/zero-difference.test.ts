// The Solidity Baby Jubjub library (contracts/libraries/BabyJubjub.sol) against the project's JavaScript curve
// (src/crypto/babyjub.ts), with fast-check, and the on-chain Schnorr zero-difference verifier
// (contracts/libraries/ZeroDifferenceProof.sol) against proofs of the TypeScript prover (src/private/pedersen.ts):
// it accepts an honest proof, refuses every tampered field, points off the curve, of small order or mixed with
// torsion, the identity, and the proof replayed in any other context (member, asset, t, subject, contract).
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import { BASE8, FIELD_P, SUBGROUP_ORDER, type Point } from "../../src/crypto/index.js";
import { addPoint, inCurve, mulPoint } from "../../src/crypto/babyjub.js";
import {
  PEDERSEN_H,
  commit,
  commitTotals,
  contextHash,
  differenceBlinding,
  eighthOf,
  negPoint,
  proveZeroDifference,
  randomScalar,
  type PrivateCommitments,
  type PrivateContext,
  type ZeroDifferenceProof,
} from "../../src/private/pedersen.js";
import { MIXED, ORDER8 } from "../helpers/weak-keys.js";

const { ethers } = await network.create();
const L = SUBGROUP_ORDER;
const MEMBER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const SUBJECT = "0x" + "11".repeat(32);

/** The harness's calldata form of a proof: commitments, their cofactor witnesses, c, z. */
function encode(cs: PrivateCommitments, proof: ZeroDifferenceProof, eighths?: Point[]) {
  const pts = [cs.assets, cs.liabilities, cs.surplus];
  const es = eighths ?? pts.map((p) => eighthOf(p));
  return { commitments: pts.flat(), eighths: es.flat(), c: proof.c, z: proof.z };
}

describe("BabyJubjub (Solidity) against src/crypto", function () {
  this.timeout(300_000);
  let lib: Awaited<ReturnType<typeof deploy>>;
  async function deploy() {
    return ethers.deployContract("TestBabyJubjub");
  }
  before(async function () {
    lib = await deploy();
  });

  const scalar = fc.bigInt(0n, L - 1n);
  const point = scalar.map((k) => mulPoint(BASE8, k));

  it("adds and doubles as the JavaScript curve does (random subgroup points, the identity, torsion)", async function () {
    await fc.assert(
      fc.asyncProperty(point, point, async (p, q) => {
        expect(await lib.add(p[0], p[1], q[0], q[1])).to.deep.equal(addPoint(p, q));
        expect(await lib.double(p[0], p[1])).to.deep.equal(addPoint(p, p));
      }),
      { numRuns: 12 },
    );
    const id: Point = [0n, 1n];
    expect(await lib.add(BASE8[0], BASE8[1], id[0], id[1])).to.deep.equal(BASE8);
    expect(await lib.add(BASE8[0], BASE8[1], ...negPoint(BASE8))).to.deep.equal(id);
    expect(await lib.add(ORDER8[0], ORDER8[1], MIXED[0], MIXED[1])).to.deep.equal(addPoint(ORDER8, MIXED));
  });

  it("computes a*P + b*Q as the JavaScript curve does (random scalars below l and edge scalars)", async function () {
    await fc.assert(
      fc.asyncProperty(scalar, point, scalar, point, async (a, p, b, q) => {
        const want = addPoint(mulPoint(p, a), mulPoint(q, b));
        expect((await lib.jointMul(a, p[0], p[1], b, q[0], q[1])).slice(0, 2)).to.deep.equal(want);
      }),
      { numRuns: 10 },
    );
    const h = PEDERSEN_H;
    for (const [a, b] of [
      [0n, 0n],
      [1n, 0n],
      [0n, 1n],
      [L - 1n, L - 1n],
      [L, 1n],
      [(1n << 252n) - 1n, 3n],
    ]) {
      const want = addPoint(mulPoint(BASE8, a), mulPoint(h, b));
      expect((await lib.jointMul(a, BASE8[0], BASE8[1], b, h[0], h[1])).slice(0, 2)).to.deep.equal(want);
    }
    await expect(lib.jointMul(1n << 252n, BASE8[0], BASE8[1], 1n, h[0], h[1])).to.be.revertedWithCustomError(
      lib,
      "BabyJubjubScalarTooLarge",
    );
  });

  it("computes a*F1 + b*F2 + c*Q over 2-bit windows (128-bit scalars, as the zero-difference check uses it)", async function () {
    const s128 = fc.bigInt(0n, (1n << 128n) - 1n);
    await fc.assert(
      fc.asyncProperty(s128, s128, s128, point, point, point, async (a, b, c, f1, f2, q) => {
        const want = addPoint(addPoint(mulPoint(f1, a), mulPoint(f2, b)), mulPoint(q, c));
        expect(await lib.windowedSum(a, b, c, [...f1, ...f2, ...q], 128)).to.deep.equal(want);
      }),
      { numRuns: 10 },
    );
    const id: Point = [0n, 1n];
    const [x, y] = await lib.windowedSum(0n, 0n, 0n, [...BASE8, ...PEDERSEN_H, ...id], 128);
    expect([x, y]).to.deep.equal(id);
    const top = (1n << 128n) - 1n;
    const [x2, y2] = await lib.windowedSum(top, top, top, [...BASE8, ...PEDERSEN_H, ...ORDER8], 128);
    expect([x2, y2]).to.deep.equal(
      addPoint(addPoint(mulPoint(BASE8, top), mulPoint(PEDERSEN_H, top)), mulPoint(ORDER8, top)),
    );
    await expect(
      lib.windowedSum(1n << 128n, 0n, 0n, [...BASE8, ...PEDERSEN_H, ...id], 128),
    ).to.be.revertedWithCustomError(lib, "BabyJubjubScalarTooLarge");
    await expect(lib.windowedSum(1n, 0n, 0n, [...BASE8, ...PEDERSEN_H, ...id], 127)).to.be.revertedWithCustomError(
      lib,
      "BabyJubjubScalarTooLarge",
    );
  });

  it("tells curve points from others (non-canonical coordinates refused)", async function () {
    await fc.assert(
      fc.asyncProperty(point, fc.bigInt(1n, 1000n), async (p, delta) => {
        expect(await lib.onCurve(p[0], p[1])).to.equal(true);
        const off: Point = [p[0], (p[1] + delta) % FIELD_P];
        expect(await lib.onCurve(off[0], off[1])).to.equal(inCurve(off));
      }),
      { numRuns: 10 },
    );
    expect(await lib.onCurve(BASE8[0] + FIELD_P, BASE8[1])).to.equal(false);
    expect(await lib.onCurve(0n, 1n)).to.equal(true);
  });

  it("accepts a subgroup point only with its cofactor witness; refuses small-order, mixed and off-curve points", async function () {
    const c = commit(5n, randomScalar());
    const e = eighthOf(c);
    expect(await lib.inSubgroup(c[0], c[1], e[0], e[1])).to.equal(true);
    // A wrong witness, a witness off the curve, and a witness that is the point itself.
    expect(await lib.inSubgroup(c[0], c[1], c[0], c[1])).to.equal(false);
    expect(await lib.inSubgroup(c[0], c[1], e[0], e[1] + 1n)).to.equal(false);
    // No curve point Q has 8*Q of small order (other than the identity) or with a torsion component: try the
    // obvious candidates (Q such that 8Q is the subgroup part, plus torsion).
    for (const bad of [ORDER8, MIXED]) {
      for (const q of [ORDER8, MIXED, eighthOf(mulPoint(BASE8, 12345n))]) {
        expect(await lib.inSubgroup(bad[0], bad[1], q[0], q[1])).to.equal(false);
      }
    }
    // The order-8 point as its own witness: 8 * ORDER8 is the identity, not ORDER8.
    expect(mulPoint(ORDER8, 8n)).to.deep.equal([0n, 1n]);
    expect(await lib.inSubgroup(0n, 1n, ORDER8[0], ORDER8[1])).to.equal(true);
  });
});

describe("ZeroDifferenceProof (Solidity) against the TypeScript prover", function () {
  this.timeout(300_000);
  let lib: Awaited<ReturnType<typeof deployHarness>>;
  let ctx: PrivateContext;
  async function deployHarness() {
    return ethers.deployContract("TestBabyJubjub");
  }

  function asset(liabilities: bigint, surplus: bigint) {
    const { cs, openings, blinding } = commitTotals(liabilities, surplus);
    return { cs, proof: proveZeroDifference(ctx, cs, blinding), ...openings };
  }

  before(async function () {
    lib = await deployHarness();
    const { chainId } = await ethers.provider.getNetwork();
    ctx = { chainId, verifier: await lib.getAddress(), member: MEMBER, asset: 7, t: 1_700_000_000n, subject: SUBJECT };
  });

  const verify = (c: PrivateContext, arg: ReturnType<typeof encode>) =>
    lib.verify(c.member, c.asset, c.t, c.subject, arg);

  it("holds the precomputed table of H and 2^128*H: entry 4i + j is i*H + j*2^128*H, affine with T and d*T", async function () {
    const words = await lib.hTable();
    const h128 = mulPoint(PEDERSEN_H, 1n << 128n);
    for (let i = 0n; i < 4n; i++) {
      for (let j = 0n; j < 4n; j++) {
        if (i === 0n && j === 0n) continue;
        const [x, y] = addPoint(mulPoint(PEDERSEN_H, i), mulPoint(h128, j));
        const t = (x * y) % FIELD_P;
        const at = Number(5n * (4n * i + j));
        expect(words.slice(at, at + 5), `entry ${i}, ${j}`).to.deep.equal([x, y, 1n, t, (168696n * t) % FIELD_P]);
      }
    }
  });

  it("computes the same context as src/private (chain id and contract address included)", async function () {
    expect(await lib.contextOf(ctx.member, ctx.asset, ctx.t, ctx.subject)).to.equal(contextHash(ctx));
  });

  it("accepts honest proofs (random totals, zero surplus, 2^128 - 1 surplus)", async function () {
    for (const [liabilities, surplus] of [
      [123_456_789n, 1_000n],
      [5n, 0n],
      [0n, (1n << 128n) - 1n],
    ]) {
      const { cs, proof } = asset(liabilities, surplus);
      expect(await verify(ctx, encode(cs, proof))).to.equal(true);
    }
  });

  it("refuses every tampered field: c, c + 2^128, z, z + l, each commitment coordinate, each witness", async function () {
    const { cs, proof } = asset(1_000n, 10n);
    const good = encode(cs, proof);
    expect(await verify(ctx, good)).to.equal(true);
    expect(await verify(ctx, { ...good, c: proof.c ^ 1n })).to.equal(false);
    expect(await verify(ctx, { ...good, c: proof.c + (1n << 128n) })).to.equal(false);
    expect(await verify(ctx, { ...good, z: (proof.z + 1n) % L })).to.equal(false);
    expect(await verify(ctx, { ...good, z: proof.z + L })).to.equal(false);
    for (let i = 0; i < 6; i++) {
      const commitments = [...good.commitments];
      commitments[i] += 1n;
      expect(await verify(ctx, { ...good, commitments }), `commitment word ${i}`).to.equal(false);
      const eighths = [...good.eighths];
      eighths[i] += 1n;
      expect(await verify(ctx, { ...good, eighths }), `witness word ${i}`).to.equal(false);
    }
    // Another valid commitment in each place (with its own witness).
    const other = commit(11n, randomScalar());
    for (const key of ["assets", "liabilities", "surplus"] as const) {
      expect(await verify(ctx, encode({ ...cs, [key]: other }, proof)), key).to.equal(false);
    }
    // C_L and C_S swapped: the same difference, another transcript.
    expect(await verify(ctx, encode({ ...cs, liabilities: cs.surplus, surplus: cs.liabilities }, proof))).to.equal(
      false,
    );
  });

  it("refuses a wrong blinding, a reused challenge and A < L + S", async function () {
    const { cs, proof, rA, rL, rS } = asset(500n, 20n);
    const k = randomScalar();
    const wrong = { c: proof.c, z: (k + proof.c * (differenceBlinding(rA, rL, rS) + 1n)) % L };
    expect(await verify(ctx, encode(cs, wrong))).to.equal(false);
    // The challenge and response of one asset on another asset's commitments.
    const second = asset(500n, 20n);
    expect(await verify(ctx, encode(second.cs, proof))).to.equal(false);
    // Short of reserves: A = L + S - 1 has no blinding r with D = r*H; a proof made as if it had fails.
    const short = { ...cs, assets: commit(519n, rA) };
    const fake = { c: proof.c, z: proof.z };
    expect(await verify(ctx, encode(short, fake))).to.equal(false);
  });

  it("refuses the proof replayed in another context: member, asset, t, subject, another contract", async function () {
    const { cs, proof, rA, rL, rS } = asset(42n, 1n);
    const arg = encode(cs, proof);
    expect(await verify(ctx, arg)).to.equal(true);
    for (const other of [
      { ...ctx, member: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
      { ...ctx, asset: 8 },
      { ...ctx, t: ctx.t + 1n },
      { ...ctx, subject: "0x" + "12".repeat(32) },
    ]) {
      expect(await verify(other, arg)).to.equal(false);
    }
    const second = await deployHarness();
    expect(await second.verify(ctx.member, ctx.asset, ctx.t, ctx.subject, arg)).to.equal(false);
    // A proof made for the second contract verifies there and not here.
    const there = { ...ctx, verifier: await second.getAddress() };
    const p2 = proveZeroDifference(there, cs, differenceBlinding(rA, rL, rS));
    expect(await second.verify(ctx.member, ctx.asset, ctx.t, ctx.subject, encode(cs, p2))).to.equal(true);
    expect(await verify(ctx, encode(cs, p2))).to.equal(false);
  });

  it("refuses points of small order, mixed with torsion, off the curve, and the identity", async function () {
    const { cs, proof } = asset(9n, 9n);
    // Torsion added to C_A and C_S cancels in D: the subgroup check must catch it (no witness exists; the subgroup
    // part's witness is given).
    const plus = (p: Point): Point => addPoint(p, ORDER8);
    const shifted = { ...cs, assets: plus(cs.assets), surplus: plus(cs.surplus) };
    const witnesses = [eighthOf(cs.assets), eighthOf(cs.liabilities), eighthOf(cs.surplus)];
    expect(await verify(ctx, encode(shifted, proof, witnesses))).to.equal(false);
    const small = { ...cs, surplus: ORDER8 };
    expect(await verify(ctx, encode(small, proof, [witnesses[0], witnesses[1], ORDER8]))).to.equal(false);
    const off = { ...cs, liabilities: [cs.liabilities[0], cs.liabilities[1] + 1n] as Point };
    expect(await verify(ctx, encode(off, proof, witnesses))).to.equal(false);
    const id = { ...cs, surplus: [0n, 1n] as Point };
    expect(await verify(ctx, encode(id, proof, [witnesses[0], witnesses[1], [0n, 1n]]))).to.equal(false);
  });
});
