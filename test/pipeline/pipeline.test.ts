// The circuit pipeline end to end on a small real circuit: compile, development ceremony, witness,
// Groth16 proof, and the proof checked by the exported Solidity verifier deployed on the in-process chain.
import { expect } from "chai";
import { network } from "hardhat";
import * as snarkjs from "snarkjs";

import {
  circuitArtifacts,
  compileInstance,
  describeStale,
  findInstance,
  releaseCurves,
  runPipeline,
  sharedCurve,
} from "../../src/circuits/index.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";

const { ethers } = await network.create();
const DEPTH = 8;

/** A Merkle-sum path for `slot` in a depth-8 tree holding the given leaves (docs/protocol.md section 4). */
function pathFor(H: (xs: bigint[]) => bigint, leaves: Map<number, { h: bigint; s: bigint }>, slot: number) {
  let level = new Map(leaves);
  let empty = { h: 0n, s: 0n };
  const siblingHashes: bigint[] = [];
  const siblingSums: bigint[] = [];
  let index = slot;
  for (let i = 0; i < DEPTH; i++) {
    const sib = level.get(index ^ 1) ?? empty;
    siblingHashes.push(sib.h);
    siblingSums.push(sib.s);
    const next = new Map<number, { h: bigint; s: bigint }>();
    for (const k of new Set([...level.keys()].map((x) => x >> 1))) {
      const l = level.get(2 * k) ?? empty;
      const r = level.get(2 * k + 1) ?? empty;
      next.set(k, { h: H([l.h, l.s, r.h, r.s]), s: l.s + r.s });
    }
    empty = { h: H([empty.h, 0n, empty.h, 0n]), s: 0n };
    level = next;
    index >>= 1;
  }
  return { root: level.get(0)!, siblingHashes, siblingSums };
}

describe("circuit pipeline", function () {
  this.timeout(30 * 60 * 1000); // a cold cache runs the development ceremony

  after(releaseCurves);

  it("proves MerkleSumInclusion8 and the exported verifier contract accepts the proof", async function () {
    const { poseidon: H } = await circomlibOracle();
    const leaves = new Map([
      [3, { h: H([111n, 500n]), s: 500n }],
      [200, { h: H([222n, 7n]), s: 7n }],
    ]);
    const slot = 3;
    const { root, siblingHashes, siblingSums } = pathFor(H, leaves, slot);
    expect(root.s).to.equal(507n);

    const art = await circuitArtifacts("MerkleSumInclusion8");
    const input = {
      rootHash: root.h,
      rootSum: root.s,
      leafHash: leaves.get(slot)!.h,
      leafSum: 500n,
      slot,
      siblingHashes,
      siblingSums,
    };
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, art.wasm, art.zkey);
    expect(publicSignals).to.deep.equal([root.h.toString(), "507"]);

    const verifier = await ethers.deployContract("MerkleSumInclusion8Verifier");
    const [a, b, c, pub] = JSON.parse(`[${await snarkjs.groth16.exportSolidityCallData(proof, publicSignals)}]`);
    expect(await verifier.verifyProof(a, b, c, pub)).to.equal(true);
    // The same proof for another total is refused.
    expect(await verifier.verifyProof(a, b, c, [pub[0], "508"])).to.equal(false);
  });

  it("cannot make a witness for a path that does not reach the root", async function () {
    const { poseidon: H } = await circomlibOracle();
    const leaves = new Map([[5, { h: H([9n, 10n]), s: 10n }]]);
    const { root, siblingHashes, siblingSums } = pathFor(H, leaves, 5);
    const art = await circuitArtifacts("MerkleSumInclusion8");
    const input = {
      rootHash: root.h,
      rootSum: root.s + 1n, // claims one unit more than the tree holds
      leafHash: leaves.get(5)!.h,
      leafSum: 10n,
      slot: 5,
      siblingHashes,
      siblingSums,
    };
    let failed = false;
    try {
      await snarkjs.groth16.fullProve(input, art.wasm, art.zkey);
    } catch {
      failed = true;
    }
    expect(failed, "a proof for a wrong root sum must not be possible").to.equal(true);
  });

  it("builds one BN254 curve for proofs started at the same moment", async function () {
    await releaseCurves();
    const [a, b] = await Promise.all([sharedCurve(), sharedCurve()]);
    expect(a).to.equal(b);
  });

  it("serves a second build from the cache", async function () {
    const first = await circuitArtifacts("MerkleSumInclusion8");
    const again = await compileInstance(findInstance("MerkleSumInclusion8"));
    expect(again.cacheHit).to.equal(true);
    expect((await circuitArtifacts("MerkleSumInclusion8")).zkey).to.equal(first.zkey);
  });

  it("reports a stale verifier by name, with the command that regenerates it", async function () {
    const changed = { ...findInstance("MerkleSumInclusion8"), params: [DEPTH - 1] };
    const result = await runPipeline({ check: true, instances: [changed] });
    expect(result.stale).to.have.length(1);
    expect(result.stale[0].file).to.equal("contracts/verifiers/MerkleSumInclusion8Verifier.sol");
    const message = describeStale(result.stale);
    expect(message).to.include("MerkleSumInclusion8Verifier.sol");
    expect(message).to.include("npm run circuits");
  });

  it("finds the committed verifiers current", async function () {
    const result = await runPipeline({ check: true });
    expect(describeStale(result.stale)).to.not.include("  - ");
  });
});
