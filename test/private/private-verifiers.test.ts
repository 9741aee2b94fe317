// End to end for one private asset: src/private/prove.ts commits and proves (RootCommitment, SurplusRange with the
// pipeline's development keys; the Schnorr zero-difference proof), the generated RootCommitmentVerifier and
// SurplusRangeVerifier and the Solidity zero-difference library accept the proofs on Hardhat's chain, and refuse them
// for any other public input: another member, asset, t or subject (the context), another root hash or commitment.
// The prover refuses a set it cannot prove (short reserves, children off the root hash, sums out of range).
import { expect } from "chai";
import type { BaseContract } from "ethers";
import { network } from "hardhat";

import { releaseCurves } from "../../src/circuits/index.js";
import {
  PrivateProofRefused,
  contextHash,
  provePrivateAsset,
  type PrivateAssetProof,
  type PrivateContext,
  type RootChildren,
} from "../../src/private/index.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";
import { expectReject } from "../helpers/expect.js";

const { ethers } = await network.create();
const deployHarness = () => ethers.deployContract("TestBabyJubjub");

describe("private asset proofs on-chain (RootCommitment, SurplusRange, zero difference)", function () {
  this.timeout(600_000);
  let rootVerifier: BaseContract;
  let rangeVerifier: BaseContract;
  let assetVerifier: BaseContract;
  let harness: Awaited<ReturnType<typeof deployHarness>>;
  let ctx: PrivateContext;
  let children: RootChildren;
  let rootHash: bigint;
  let proved: PrivateAssetProof;

  type Proof = PrivateAssetProof["privateAsset"]["proof"];
  const verifyWith = (v: () => BaseContract) => (p: Proof, signals: readonly (string | bigint)[]) =>
    v().getFunction("verifyProof")(p.a, p.b, p.c, signals) as Promise<boolean>;
  const verifyRoot = verifyWith(() => rootVerifier);
  const verifyRange = verifyWith(() => rangeVerifier);
  const verifyAsset = verifyWith(() => assetVerifier);
  const root = () => proved.rootCommitment!;
  const range = () => proved.surplusRange!;

  before(async function () {
    const c = await circomlibOracle();
    rootVerifier = await ethers.deployContract("RootCommitmentVerifier");
    rangeVerifier = await ethers.deployContract("SurplusRangeVerifier");
    assetVerifier = await ethers.deployContract("PrivateAssetVerifier");
    harness = await deployHarness();
    const { chainId } = await ethers.provider.getNetwork();
    ctx = {
      chainId,
      verifier: await harness.getAddress(),
      member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      asset: 2,
      t: 1_700_000_000n,
      subject: "0x" + "33".repeat(32),
    };
    children = { hL: 12345n, sL: 600_000n, hR: 67890n, sR: 400_000n };
    rootHash = c.poseidon([children.hL, children.sL, children.hR, children.sR]);
    proved = await provePrivateAsset({ ctx, rootHash, children, reserves: 1_250_000n, separate: true });
  });

  after(async function () {
    await releaseCurves();
  });

  it("accepts the combined PrivateAsset proof, the separate SNARKs and the zero-difference proof", async function () {
    expect(proved.openings.liabilities).to.equal(1_000_000n);
    expect(proved.openings.surplus).to.equal(250_000n);
    expect(proved.context).to.equal(contextHash(ctx));
    expect(await verifyAsset(proved.privateAsset.proof, proved.privateAsset.pubSignals)).to.equal(true);
    expect(proved.privateAsset.pubSignals.slice(1, 3)).to.deep.equal(root().pubSignals.slice(1, 3));
    expect(await verifyRoot(root().proof, root().pubSignals)).to.equal(true);
    expect(await verifyRange(range().proof, range().pubSignals)).to.equal(true);
    const cs = proved.commitments;
    const arg = {
      commitments: [cs.assets, cs.liabilities, cs.surplus].flat(),
      eighths: proved.eighths.flat(),
      c: proved.zeroDifference.c,
      z: proved.zeroDifference.z,
    };
    expect(await harness.verify(ctx.member, ctx.asset, ctx.t, ctx.subject, arg)).to.equal(true);
  });

  it("refuses the SNARKs for another member, asset, t or subject (another context)", async function () {
    for (const other of [
      { ...ctx, member: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
      { ...ctx, asset: 3 },
      { ...ctx, t: ctx.t + 1n },
      { ...ctx, subject: "0x" + "34".repeat(32) },
      { ...ctx, chainId: ctx.chainId + 1n },
    ]) {
      const context = contextHash(other).toString();
      const [h, x, y] = root().pubSignals;
      expect(await verifyRoot(root().proof, [h, x, y, context])).to.equal(false);
      const [sx, sy] = range().pubSignals;
      expect(await verifyRange(range().proof, [sx, sy, context])).to.equal(false);
      const [ah, alx, aly, asx, asy] = proved.privateAsset.pubSignals;
      expect(await verifyAsset(proved.privateAsset.proof, [ah, alx, aly, asx, asy, context])).to.equal(false);
    }
  });

  it("refuses the SNARKs for another root hash or commitment", async function () {
    const [h, x, y, context] = root().pubSignals;
    expect(await verifyRoot(root().proof, [BigInt(h) + 1n, x, y, context])).to.equal(false);
    const [sx, sy] = range().pubSignals;
    // The surplus commitment in the liabilities proof and the reverse.
    expect(await verifyRoot(root().proof, [h, sx, sy, context])).to.equal(false);
    expect(await verifyRange(range().proof, [x, y, context])).to.equal(false);
    // The combined proof with C_L and C_S swapped, or another root hash.
    const a = proved.privateAsset.pubSignals;
    expect(await verifyAsset(proved.privateAsset.proof, [a[0], a[3], a[4], a[1], a[2], a[5]])).to.equal(false);
    expect(await verifyAsset(proved.privateAsset.proof, [BigInt(a[0]) + 1n, ...a.slice(1)])).to.equal(false);
  });

  it("refuses short reserves, children that do not hash to the root, and sums out of range", async function () {
    await expectReject(
      provePrivateAsset({ ctx, rootHash, children, reserves: 999_999n }),
      /short of liabilities/,
      PrivateProofRefused,
    );
    await expectReject(
      provePrivateAsset({ ctx, rootHash: rootHash + 1n, children, reserves: 2_000_000n }),
      /do not hash to rootHash/,
      PrivateProofRefused,
    );
    await expectReject(
      provePrivateAsset({ ctx, rootHash, children: { ...children, sL: 1n << 128n }, reserves: 1n << 130n }),
      /child sum/,
      PrivateProofRefused,
    );
    await expectReject(
      provePrivateAsset({ ctx, rootHash, children, reserves: 1_000_000n + (1n << 128n) }),
      /surplus is not below 2\^128/,
      PrivateProofRefused,
    );
  });
});
