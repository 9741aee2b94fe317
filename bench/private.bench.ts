// Gas of the private mode's on-chain checks (issue 13 goal: the Schnorr zero-difference verification <= 150,000 gas),
// measured on the in-process chain (EDR, Prague) through the test harness contracts/mocks/TestBabyJubjub.sol, with
// proofs of the TypeScript prover (src/private/pedersen.ts). Baseline in the same run: the same multiplication
// z*H + c*(-D) with a full-size 252-bit challenge (the generic joint multiplication, 252 doublings), which the 128-bit
// challenge and the precomputed table of H replace. Also: proving one private asset (issue 13 goal <= 5 s per asset on
// this machine: RootCommitment and SurplusRange with the development keys, the Schnorr proof), against the
// RootSumMismatch proof (1,335 constraints) measured in the same run, and the generated verifiers' gas.
import { network } from "hardhat";

import { circuitArtifacts, releaseCurves } from "../src/circuits/index.js";
import { loadProverCrypto } from "../src/prover/crypto.js";
import { groth16 } from "../src/prover/prove.js";
import { provePrivateAsset } from "../src/private/prove.js";
import { ledgerContext, privateCommitmentOf } from "../src/private/ledger.js";
import { ETH_ASSET, commitmentOf, deployLedgerSystem } from "../test/contracts/ledger-fixture.js";

import {
  PEDERSEN_H,
  commitTotals,
  contextHash,
  difference,
  eighthOf,
  negPoint,
  proveZeroDifference,
  type PrivateContext,
} from "../src/private/pedersen.js";

const fmt = (n: bigint | number): string => Number(n).toLocaleString("en-US");
const contextOfLedger = contextHash;

export default async function run(opts: { quick: boolean }): Promise<string> {
  const { ethers } = await network.create();
  const lib = await ethers.deployContract("TestBabyJubjub");
  const { chainId } = await ethers.provider.getNetwork();
  const ctx: PrivateContext = {
    chainId,
    verifier: await lib.getAddress(),
    member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    asset: 1,
    t: 1_700_000_000n,
    subject: "0x" + "11".repeat(32),
  };
  const runs = opts.quick ? 2 : 8;
  const verifyGas: bigint[] = [];
  const txGas: bigint[] = [];
  const jointGas: bigint[] = [];
  const windowGas: bigint[] = [];
  for (let i = 0; i < runs; i++) {
    const { cs, blinding } = commitTotals(BigInt(1_000_000 + i), 77n);
    const proof = proveZeroDifference(ctx, cs, blinding);
    const pts = [cs.assets, cs.liabilities, cs.surplus];
    const arg = { commitments: pts.flat(), eighths: pts.map((p) => eighthOf(p)).flat(), c: proof.c, z: proof.z };
    const [ok, used] = await lib.verifyGas(contextHash(ctx), arg);
    if (!ok) throw new Error("the honest proof did not verify");
    verifyGas.push(used);
    const receipt = await (await lib.verifyTx(ctx.member, ctx.asset, ctx.t, ctx.subject, arg)).wait();
    txGas.push(receipt!.gasUsed);
    const negD = negPoint(difference(cs));
    const c252 = (proof.c << 124n) | proof.c;
    windowGas.push(await lib.schnorrMulGas(proof.z, proof.c, negD[0], negD[1]));
    // Baseline: the same multiplication with a full-size (252-bit) challenge, Shamir's trick over 252 bits.
    const [, , used2] = await lib.jointMul(proof.z, PEDERSEN_H[0], PEDERSEN_H[1], c252, negD[0], negD[1]);
    jointGas.push(used2);
  }
  // Proving one private asset, and the generated verifiers' gas for its proofs.
  const poseidon = (await loadProverCrypto()).poseidon;
  const children = { hL: 111n, sL: 600_000n, hR: 222n, sR: 400_000n };
  const rootHash = poseidon([children.hL, children.sL, children.hR, children.sR]);
  await circuitArtifacts("RootCommitment");
  await circuitArtifacts("SurplusRange");
  const rootSumArtifacts = await circuitArtifacts("RootSumMismatch");
  await circuitArtifacts("PrivateAsset");
  const rootVerifier = await ethers.deployContract("RootCommitmentVerifier");
  const rangeVerifier = await ethers.deployContract("SurplusRangeVerifier");
  const assetVerifier = await ethers.deployContract("PrivateAssetVerifier");
  const proveMs: number[] = [];
  const separateMs: number[] = [];
  let assetGas = 0n;
  const baselineMs: number[] = [];
  let rootGas = 0n;
  let rangeGas = 0n;
  const proofRuns = opts.quick ? 1 : 4;
  for (let i = 0; i < proofRuns; i++) {
    const t0 = performance.now();
    const asset = await provePrivateAsset({ ctx, rootHash, children, reserves: 1_250_000n + BigInt(i) });
    proveMs.push(performance.now() - t0);
    const a = asset.privateAsset;
    assetGas = (await assetVerifier.verifyProof.estimateGas(a.proof.a, a.proof.b, a.proof.c, a.pubSignals)) - 21_000n;
    const t2 = performance.now();
    const both = await provePrivateAsset({ ctx, rootHash, children, reserves: 1_250_000n, separate: true });
    separateMs.push(performance.now() - t2);
    const r = both.rootCommitment!;
    rootGas = (await rootVerifier.verifyProof.estimateGas(r.proof.a, r.proof.b, r.proof.c, r.pubSignals)) - 21_000n;
    const s = both.surplusRange!;
    rangeGas = (await rangeVerifier.verifyProof.estimateGas(s.proof.a, s.proof.b, s.proof.c, s.pubSignals)) - 21_000n;
    // Baseline: a RootSumMismatch proof (the root committed with a sum one below its children's).
    const rootSum = (children.sL + children.sR - 1n).toString();
    const input = {
      rootHash: rootHash.toString(),
      rootSum,
      hL: children.hL.toString(),
      sL: children.sL.toString(),
      hR: children.hR.toString(),
      sR: children.sR.toString(),
    };
    const t1 = performance.now();
    await groth16("RootSumMismatch", input, [rootHash.toString(), rootSum], rootSumArtifacts);
    baselineMs.push(performance.now() - t1);
  }
  // The contract path: CommitmentLedger.commitPrivate of one asset (every proof verified through PrivateSetVerifier)
  // against a public commit of one asset in the same run, and the split (the verifier call alone).
  const connection = await network.create();
  const f = await deployLedgerSystem(connection, { encryptionKeys: 1 });
  const t = BigInt(await connection.networkHelpers.time.latest()) - 20n;
  const ledgerAddress = await f.ledger.getAddress();
  const chain = (await connection.ethers.provider.getNetwork()).chainId;
  const pctx = ledgerContext(chain, ledgerAddress, f.member.address, ETH_ASSET, t);
  const pproof = await provePrivateAsset({ ctx: pctx, rootHash, children, reserves: 1_250_000n });
  const pc = privateCommitmentOf(ETH_ASSET, rootHash, "0x" + "ab".repeat(32), pproof);
  const privateVerifier = await connection.ethers.getContractAt("PrivateSetVerifier", await f.ledger.privateVerifier());
  const verifierCallGas = (await privateVerifier.verify.estimateGas(contextOfLedger(pctx), pc)) - 21_000n;
  // A first public commit warms the member's record, so both measured commits write the same slots.
  await f.ledger.connect(f.member).commit(t - 10n, [commitmentOf(ETH_ASSET, 2n)]);
  const privateCommitGas = (await (await f.ledger.connect(f.member).commitPrivate(t, [pc])).wait())!.gasUsed;
  const publicCommitGas = (await (
    await f.ledger.connect(f.member).commit(t + 5n, [commitmentOf(ETH_ASSET, 1n)])
  ).wait())!.gasUsed;
  await releaseCurves();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const prove = median(proveMs);
  const proveSeparate = median(separateMs);
  const baseline = median(baselineMs);

  const mean = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n) / BigInt(xs.length);
  const max = (xs: bigint[]) => xs.reduce((a, b) => (b > a ? b : a), 0n);
  const window = mean(windowGas);
  const joint = mean(jointGas);
  return [
    "## private",
    "",
    `Private mode (issue 13), Baby Jubjub on-chain: the Schnorr zero-difference verification of one private asset`,
    `(contracts/libraries/ZeroDifferenceProof.sol; three subgroup checks by cofactor witness, D = C_A - C_L - C_S, one`,
    `2-bit-window multiplication with a 128-bit challenge in extended coordinates, one inversion, one keccak256), over`,
    `${runs} proofs with random blindings (scalars ~251 bits). Optimizer 1000 runs, legacy pipeline.`,
    "",
    "| operation | gas (mean) | gas (max) | goal | note |",
    "|---|---:|---:|---|---|",
    `| ZeroDifferenceProof.verify | ${fmt(mean(verifyGas))} | ${fmt(max(verifyGas))} | <= 150,000 | gasleft() around the library call, calldata decoding included |`,
    `| verify in a transaction | ${fmt(mean(txGas))} | ${fmt(max(txGas))} | - | receipt: 21,000 base, 448 bytes of calldata, context hash, event |`,
    `| R = z_lo*H + z_hi*(2^128 H) + c*(-D) | ${fmt(window)} | ${fmt(max(windowGas))} | - | what verify runs: 128 doublings, 2-bit windows, H table precomputed, q's built at run time, no inversion |`,
    `| baseline: z*H + c'*(-D), 252-bit c' (jointMul) | ${fmt(joint)} | ${fmt(max(jointGas))} | - | Shamir's trick over 252 bits, as with a full-size challenge; inversion included |`,
    "",
    `Ratio verify's multiplication / baseline: ${(Number(window) / Number(joint)).toFixed(3)}.`,
    "",
    `Proving one private asset (median of ${proofRuns}; commitments, the PrivateAsset proof with witness and snarkjs`,
    `verification, the Schnorr proof and cofactor witnesses): ${(prove / 1000).toFixed(2)} s (goal <= 5 s); with the`,
    `separate RootCommitment and SurplusRange proofs too: ${(proveSeparate / 1000).toFixed(2)} s; baseline RootSumMismatch`,
    `proof in the same run: ${(baseline / 1000).toFixed(2)} s (ratio ${(prove / baseline).toFixed(2)}).`,
    "",
    "| verifier (generated) | gas of verifyProof | public inputs |",
    "|---|---:|---:|",
    `| RootCommitmentVerifier | ${fmt(rootGas)} | 4 |`,
    `| SurplusRangeVerifier | ${fmt(rangeGas)} | 3 |`,
    `| PrivateAssetVerifier (both statements) | ${fmt(assetGas)} | 6 |`,
    "",
    `estimateGas - 21,000 (calldata included). One private asset's checks with the combined proof:`,
    `${fmt(assetGas + mean(verifyGas))} gas (PrivateAsset + zero difference; with the two separate proofs instead:`,
    `${fmt(rootGas + rangeGas + mean(verifyGas))}), before the ledger's own storage and events.`,
    "",
    "| transaction (receipt gas) | gas | goal |",
    "|---|---:|---|",
    `| CommitmentLedger.commitPrivate, one asset, every proof verified | ${fmt(privateCommitGas)} | <= 550,000 |`,
    `| of which PrivateSetVerifier.verify (SNARK + zero difference; estimateGas - 21,000) | ${fmt(verifierCallGas)} | - |`,
    `| of which the ledger (21,000 base, ~1.1 kB calldata, context, checks, events, one storage word) | ${fmt(privateCommitGas - verifierCallGas)} | - |`,
    `| baseline: CommitmentLedger.commit, one public asset, same run | ${fmt(publicCommitGas)} | - |`,
    "",
    `Ratio private / public commit of one asset: ${(Number(privateCommitGas) / Number(publicCommitGas)).toFixed(2)}.`,
  ].join("\n");
}
