// Fraud-proof circuit costs: constraints of each declared instance, witness and Groth16 proving time of
// LeafMismatch32 in this process (snarkjs, warm), and the gas of the generated verifier's verifyProof.
// Goals (issue 4): LeafMismatch32 under 2^15 constraints, proving under 3 s, verification under 230k gas.
import { cpus, loadavg } from "node:os";

import { network } from "hardhat";
import * as snarkjs from "snarkjs";

import { circuitArtifacts, circuitInstances, compileInstance, releaseCurves } from "../src/circuits/index.js";
import { loadCrypto } from "../src/crypto/index.js";
import { checkFraud, recordMessage, type SignedRecord } from "../src/prover/index.js";
import { calldataProof, pubSignalsOf } from "../src/prover/prove.js";
import { loadProverCrypto } from "../src/prover/crypto.js";
import { SumTree, leafSetFrom } from "../src/tree/index.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the benchmark and returns its markdown section. */
export default async function run(opts: { quick: boolean }): Promise<string> {
  const runs = opts.quick ? 1 : 5;
  const lines = ["## circuits", ""];

  lines.push("| instance | constraints | goal |", "|---|---|---|");
  for (const instance of circuitInstances) {
    if (!["LeafMismatch32", "MerkleSumInclusion8"].includes(instance.name)) continue;
    const c = await compileInstance(instance);
    const goal =
      instance.name === "LeafMismatch32" ? `< 2^15 = 32768: ${c.constraints < 32768 ? "met" : "MISSED"}` : "";
    lines.push(`| ${instance.name} | ${c.constraints} | ${goal} |`);
  }

  // A depth-32 fraud: an under-reported balance in a tree of a few users.
  const crypto = await loadCrypto({ threads: 0 });
  const prv = Uint8Array.from({ length: 32 }, (_, i) => i + 11);
  const [Ax, Ay] = crypto.publicKey(prv);
  const base = {
    member: 0xabcdefn,
    asset: 1n,
    t: 1_700_000_000n,
    slot: 5n,
    accountKey: 424242n,
    balance: 10_000n,
    payoutHash: 0x1234n,
  };
  const pc = await loadProverCrypto();
  const m = recordMessage(pc, { ...base, signature: { R8x: 0n, R8y: 0n, S: 0n }, publicKey: { Ax, Ay } });
  const sig = crypto.sign(prv, m);
  const record: SignedRecord = { ...base, signature: { R8x: sig.R8x, R8y: sig.R8y, S: sig.S }, publicKey: { Ax, Ay } };
  const leaves = [
    { slot: 1, h: crypto.poseidon([1n, 5n]), s: 5n },
    { slot: 5, h: crypto.poseidon([base.accountKey, 9_000n]), s: 9_000n },
    { slot: 12, h: crypto.poseidon([3n, 77n]), s: 77n },
  ];
  const tree = await SumTree.build(crypto, leafSetFrom(leaves), 4, 32);
  await crypto.close();
  const p = tree.proof(5);
  const statement = await checkFraud({
    record,
    path: { slot: 5n, leaf: p.leaf, siblings: p.siblings },
  });

  const art = await circuitArtifacts("LeafMismatch32");
  const witnessMs: number[] = [];
  const proveMs: number[] = [];
  let proof: snarkjs.Groth16Proof | undefined;
  for (let i = 0; i < runs + 1; i++) {
    const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
    const t0 = performance.now();
    await snarkjs.wtns.calculate(statement.circuitInput, art.wasm, wtns);
    const t1 = performance.now();
    ({ proof } = await snarkjs.groth16.prove(art.zkey, wtns));
    const t2 = performance.now();
    if (i > 0) {
      // the first run warms up (curve and WASM instantiation) and is not counted
      witnessMs.push(t1 - t0);
      proveMs.push(t2 - t1);
    }
  }
  await releaseCurves();

  const { ethers } = await network.create();
  const verifier = await ethers.deployContract("LeafMismatch32Verifier");
  const cd = calldataProof(proof!);
  const signals = pubSignalsOf(statement);
  const ok = (await verifier.getFunction("verifyProof")(cd.a, cd.b, cd.c, signals)) as boolean;
  if (!ok) throw new Error("the benchmark proof does not verify on chain");
  const gas = await verifier.getFunction("verifyProof").estimateGas(cd.a, cd.b, cd.c, signals);
  // Execution gas: the estimate minus the intrinsic 21,000 and the calldata (4 per zero byte, 16 per other byte).
  const data = ethers.getBytes(verifier.interface.encodeFunctionData("verifyProof", [cd.a, cd.b, cd.c, signals]));
  const calldataGas = data.reduce((acc, b) => acc + (b === 0 ? 4n : 16n), 0n);
  const execution = gas - 21_000n - calldataGas;

  const prove = median(proveMs);
  lines.push(
    "",
    `LeafMismatch32, ${runs} run(s) after one warm-up, median (snarkjs in-process, warm; 2 shared cores):`,
    "",
    "| measure | value | goal |",
    "|---|---|---|",
    `| witness (wtns.calculate) | ${median(witnessMs).toFixed(0)} ms | |`,
    `| Groth16 prove (from witness) | ${prove.toFixed(0)} ms | < 3000 ms: ${prove < 3000 ? "met" : "MISSED"} |`,
    `| verifyProof execution gas (estimate - 21,000 - ${calldataGas} calldata) | ${execution} | < 230,000: ${execution < 230_000n ? "met" : "MISSED"} |`,
    `| verifyProof as a transaction (estimateGas, all included) | ${gas} | |`,
    "",
    `Load average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")} on ${cpus().length} cores (the machine is shared; proving time scales with free cores).`,
  );
  return lines.join("\n");
}
