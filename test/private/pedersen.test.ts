// Pedersen commitments and the Schnorr zero-difference proof (src/private/pedersen.ts): H's derivation re-done here
// from its documented recipe and checked with circomlibjs's Baby Jubjub (independent of src/crypto), the
// commitments' homomorphism, and the proof accepting an honest prover and refusing every tampered field and context.
import { expect } from "chai";
import fc from "fast-check";
import { keccak256 } from "ethers";

import { FIELD_P, SUBGROUP_ORDER, isInPrimeSubgroup, type Point } from "../../src/crypto/index.js";
import {
  H_SEED,
  PEDERSEN_G,
  PEDERSEN_H,
  commit,
  commitTotals,
  contextHash,
  deriveH,
  differenceBlinding,
  eighthOf,
  hCandidate,
  negPoint,
  opens,
  proveZeroDifference,
  randomScalar,
  subPoint,
  verifyZeroDifference,
  type PrivateContext,
} from "../../src/private/pedersen.js";
import { circomlibOracle, type CircomlibOracle } from "../helpers/circomlib-oracle.js";
import { MIXED, ORDER8 } from "../helpers/weak-keys.js";

const L = SUBGROUP_ORDER;
const CTX: PrivateContext = {
  chainId: 31337n,
  verifier: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  asset: 1,
  t: 1_700_000_000n,
  subject: "0x" + "11".repeat(32),
};

describe("Pedersen commitments on Baby Jubjub", function () {
  this.timeout(120_000);
  let oracle: CircomlibOracle;

  before(async function () {
    oracle = await circomlibOracle();
  });

  it("derives H by the documented try-and-increment, in the prime-order subgroup (checked with circomlibjs)", function () {
    // The recipe, re-done here: y_i = keccak256(utf8("por.pedersen.H.v1") || uint32be(i)) mod p; the first y_i on the
    // curve, x the root <= (p - 1) / 2; H = 8 * (x, y).
    const bj = oracle.lib.babyJub;
    const F = bj.F;
    let found: Point | undefined;
    let counter = -1;
    for (let i = 0; found === undefined; i++) {
      const bytes = Buffer.concat([
        Buffer.from(H_SEED, "utf8"),
        Buffer.from([i >>> 24, i >>> 16, i >>> 8, i].map((b) => b & 0xff)),
      ]);
      const y = BigInt(keccak256(bytes)) % FIELD_P;
      const cand = hCandidate(i);
      if (cand === undefined) continue;
      expect(cand.y).to.equal(y);
      expect(cand.x <= (FIELD_P - 1n) / 2n).to.equal(true);
      expect(bj.inCurve([F.e(cand.x), F.e(cand.y)])).to.equal(true);
      const h = bj.mulPointEscalar([F.e(cand.x), F.e(cand.y)], 8n);
      found = [F.toObject(h[0]), F.toObject(h[1])];
      counter = i;
    }
    expect(found).to.deep.equal(PEDERSEN_H);
    expect(deriveH()).to.deep.equal({ counter, point: PEDERSEN_H });
    const h: [Uint8Array, Uint8Array] = [F.e(PEDERSEN_H[0]), F.e(PEDERSEN_H[1])];
    const id = bj.mulPointEscalar(h, L);
    expect([F.toObject(id[0]), F.toObject(id[1])]).to.deep.equal([0n, 1n]);
    // G is circomlib's Base8.
    expect(PEDERSEN_G).to.deep.equal([F.toObject(bj.Base8[0]), F.toObject(bj.Base8[1])]);
    expect(PEDERSEN_H).to.not.deep.equal(PEDERSEN_G);
  });

  it("commits as v*G + r*H (circomlibjs) and opens only to its own value and blinding", function () {
    const bj = oracle.lib.babyJub;
    const F = bj.F;
    const h: [Uint8Array, Uint8Array] = [F.e(PEDERSEN_H[0]), F.e(PEDERSEN_H[1])];
    for (const [v, r] of [
      [0n, 1n],
      [123456789n, 987654321n],
      [(1n << 128n) - 1n, L - 1n],
    ]) {
      const c = commit(v, r);
      const ref = bj.addPoint(bj.mulPointEscalar(bj.Base8, v), bj.mulPointEscalar(h, r));
      expect(c).to.deep.equal([F.toObject(ref[0]), F.toObject(ref[1])]);
      expect(opens(c, v, r)).to.equal(true);
      expect(opens(c, v + 1n, r)).to.equal(false);
      expect(opens(c, v, r + 1n)).to.equal(false);
    }
    expect(() => commit(L, 1n)).to.throw(/committed value is not a scalar/);
    expect(() => commit(1n, -1n)).to.throw(/blinding factor is not a scalar/);
  });

  it("is additively homomorphic: Com(a, r) - Com(b, s) = Com(a - b, r - s)", function () {
    fc.assert(
      fc.property(
        fc.bigInt(0n, 1n << 128n),
        fc.bigInt(0n, 1n << 128n),
        fc.bigInt(0n, L - 1n),
        fc.bigInt(0n, L - 1n),
        (a, b, r, s) => {
          const lhs = subPoint(commit(a, r), commit(b, s));
          const rhs = commit((a - b + L) % L, (r - s + L) % L);
          expect(lhs).to.deep.equal(rhs);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("gives the cofactor witness Q = P / 8 of a subgroup point and refuses torsion points", function () {
    const c = commit(42n, randomScalar());
    const q = eighthOf(c);
    const bj = oracle.lib.babyJub;
    const F = bj.F;
    const back = bj.mulPointEscalar([F.e(q[0]), F.e(q[1])], 8n);
    expect([F.toObject(back[0]), F.toObject(back[1])]).to.deep.equal(c);
    expect(eighthOf([0n, 1n])).to.deep.equal([0n, 1n]);
    expect(() => eighthOf(ORDER8, "C_S")).to.throw(/C_S is not in the prime-order subgroup/);
    expect(() => eighthOf(MIXED, "C_A")).to.throw(/C_A is not in the prime-order subgroup/);
    expect(() => eighthOf([1n, 2n], "C_L")).to.throw(/C_L is not on Baby Jubjub/);
  });
});

describe("Schnorr zero-difference proof", function () {
  this.timeout(120_000);

  it("accepts an honest proof for A = L + S", function () {
    const { cs, blinding } = commitTotals(1_000_000n, 5n);
    const proof = proveZeroDifference(CTX, cs, blinding);
    expect(verifyZeroDifference(CTX, cs, proof)).to.equal(true);
    expect(proof.c < 1n << 128n).to.equal(true);
    expect(proof.z).to.be.lessThan(L);
  });

  it("cannot be made when A != L + S, whatever blinding the prover tries", function () {
    const rA = randomScalar();
    const rL = randomScalar();
    const rS = randomScalar();
    const cs = { assets: commit(99n, rA), liabilities: commit(100n, rL), surplus: commit(0n, rS) };
    expect(() => proveZeroDifference(CTX, cs, differenceBlinding(rA, rL, rS))).to.throw(/not blinding\*H/);
  });

  it("refuses every tampered field: c, z, each commitment, and a wrong blinding", function () {
    const { cs, blinding } = commitTotals(7n, 3n);
    const proof = proveZeroDifference(CTX, cs, blinding);
    expect(verifyZeroDifference(CTX, cs, { ...proof, c: proof.c ^ 1n })).to.equal(false);
    expect(verifyZeroDifference(CTX, cs, { ...proof, c: proof.c + (1n << 128n) })).to.equal(false);
    expect(verifyZeroDifference(CTX, cs, { ...proof, z: (proof.z + 1n) % L })).to.equal(false);
    expect(verifyZeroDifference(CTX, cs, { ...proof, z: proof.z + L })).to.equal(false);
    const other = commit(8n, randomScalar());
    expect(verifyZeroDifference(CTX, { ...cs, assets: other }, proof)).to.equal(false);
    expect(verifyZeroDifference(CTX, { ...cs, liabilities: other }, proof)).to.equal(false);
    expect(verifyZeroDifference(CTX, { ...cs, surplus: other }, proof)).to.equal(false);
    // Swapping C_L and C_S keeps D but changes the transcript.
    expect(verifyZeroDifference(CTX, { ...cs, liabilities: cs.surplus, surplus: cs.liabilities }, proof)).to.equal(
      false,
    );
    // A proof with a wrong blinding (the prover bypassing its own check) fails too.
    const r = randomScalar();
    const bogus = { c: 5n, z: (r + 5n * (blinding + 1n)) % L };
    expect(verifyZeroDifference(CTX, cs, bogus)).to.equal(false);
  });

  it("refuses the proof in any other context: chain, verifier, member, asset, t, subject", function () {
    const { cs, blinding } = commitTotals(10n, 0n);
    const proof = proveZeroDifference(CTX, cs, blinding);
    const others: PrivateContext[] = [
      { ...CTX, chainId: 1n },
      { ...CTX, verifier: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" },
      { ...CTX, member: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
      { ...CTX, asset: 2 },
      { ...CTX, t: CTX.t + 1n },
      { ...CTX, subject: "0x" + "22".repeat(32) },
    ];
    const hashes = new Set(others.map(contextHash).concat(contextHash(CTX)));
    expect(hashes.size).to.equal(others.length + 1);
    for (const ctx of others) expect(verifyZeroDifference(ctx, cs, proof)).to.equal(false);
    expect(contextHash(CTX) < 1n << 248n).to.equal(true);
  });

  it("refuses commitments off the curve or outside the prime-order subgroup", function () {
    const { cs, blinding } = commitTotals(10n, 1n);
    const proof = proveZeroDifference(CTX, cs, blinding);
    // Adding an order-8 point to C_A and C_S keeps D (they cancel) but must be refused.
    const plusTorsion = (p: Point): Point => subPoint(p, negPoint(ORDER8));
    const shifted = { ...cs, assets: plusTorsion(cs.assets), surplus: plusTorsion(cs.surplus) };
    expect(verifyZeroDifference(CTX, shifted, proof)).to.equal(false);
    expect(verifyZeroDifference(CTX, { ...cs, surplus: [1n, 2n] }, proof)).to.equal(false);
    expect(isInPrimeSubgroup(shifted.assets)).to.equal(false);
  });
});
