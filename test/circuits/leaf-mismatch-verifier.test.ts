// End to end: a LeafMismatch32 proof generated in TypeScript (src/prover, the pipeline's development keys)
// verified by the generated LeafMismatch32Verifier on Hardhat's chain; any change to a public input, or a
// public input at or above the field modulus, makes it fail. Also the `fraud prove` task over files.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { BaseContract } from "ethers";
import hre, { network } from "hardhat";

import { circuitArtifacts, releaseCurves } from "../../src/circuits/index.js";
import {
  FraudProofRefused,
  parseFraudProofFile,
  parseRootSumProofFile,
  proveFraud,
  proveRootSum,
  toFraudProofStruct,
  type FraudProofFile,
} from "../../src/prover/index.js";
import { MEMBER_PRV, USER_PAYOUT, signed, treeWith, userRecord } from "./fixtures.js";
import { KEY_DOMAIN, NULLIFIER_DOMAIN, P, recordMessage, type Crypto } from "./helpers.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";

const { ethers } = await network.create();

type Proof = FraudProofFile["proof"];
type Signals = FraudProofFile["pubSignals"];

describe("LeafMismatch32Verifier (end to end)", function () {
  this.timeout(1_800_000);
  let c: Crypto;
  let verifier: BaseContract;
  let file: FraudProofFile;

  async function verify(proof: Proof, signals: readonly (string | bigint)[]): Promise<boolean> {
    return (await verifier.getFunction("verifyProof")(proof.a, proof.b, proof.c, signals)) as boolean;
  }

  before(async function () {
    c = await circomlibOracle();
    await circuitArtifacts("LeafMismatch32"); // builds and caches the development keys on a first run
    verifier = await ethers.deployContract("LeafMismatch32Verifier");
    const r = userRecord();
    const { path, root } = await treeWith(c, r, { h: c.poseidon([r.accountKey, 1_000n]), s: 1_000n });
    ({ file } = await proveFraud({ record: signed(c, r), path, expectedRoot: root.h }));
  });

  after(async function () {
    await releaseCurves();
  });

  it("accepts the proof of an under-reported balance, with public inputs the record determines", async function () {
    const r = userRecord();
    const m = recordMessage(c, r);
    const [Ax, Ay] = c.publicKey(MEMBER_PRV);
    expect(file.kind).to.equal("under-reported");
    // The shortfall: the leaf holds 1,000 of the signed balance.
    expect(file.publicSignals.claim).to.equal((r.balance - 1_000n).toString());
    expect(BigInt(file.publicSignals.nullifier)).to.equal(c.poseidon([NULLIFIER_DOMAIN, m]));
    expect(BigInt(file.publicSignals.keyHash)).to.equal(c.poseidon([KEY_DOMAIN, Ax, Ay]));
    expect(BigInt(file.publicSignals.payoutHash)).to.equal(r.payoutHash);
    expect(parseFraudProofFile(JSON.stringify(file))).to.deep.equal(file);
    expect(await verify(file.proof, file.pubSignals)).to.equal(true);
  });

  it("rejects the proof for another payout hash (nobody can redirect the claim)", async function () {
    for (const other of [0n, BigInt(file.pubSignals[4]) + 1n]) {
      const s = [...file.pubSignals] as Signals;
      s[4] = other.toString();
      expect(await verify(file.proof, s)).to.equal(false);
    }
  });

  it("accepts the proof of a malformed path (a wrapped sibling sum) for the whole balance", async function () {
    const r = userRecord({ slot: 2n, balance: 77n });
    // Build the path by hand: SumTree refuses wrapped sums. Slot 2's own leaf, a wrapped sibling at level 0, and
    // empty subtrees above; the root is whatever they hash to.
    const empties = [{ h: 0n, s: 0n }];
    for (let i = 0; i < 32; i++) empties.push({ h: c.poseidon([empties[i].h, 0n, empties[i].h, 0n]), s: 0n });
    const siblings = empties.slice(0, 32).map((e, i) => (i === 0 ? { h: 5n, s: P - 77n } : e));
    const leaf = { h: c.poseidon([r.accountKey, r.balance]), s: r.balance };
    const { file: bad } = await proveFraud({ record: signed(c, r), path: { slot: r.slot, leaf, siblings } });
    expect(bad.kind).to.equal("malformed-path");
    expect(bad.publicSignals.claim).to.equal("77");
    expect(await verify(bad.proof, bad.pubSignals)).to.equal(true);
  });

  it("rejects the proof for another claim, asset or time (context)", async function () {
    for (const delta of [1n, 1n << 32n, 1n << 96n]) {
      const s = [...file.pubSignals] as Signals;
      s[2] = (BigInt(s[2]) + delta).toString();
      expect(await verify(file.proof, s)).to.equal(false);
    }
  });

  it("rejects the proof for another root, key or nullifier", async function () {
    for (const i of [0, 1, 3]) {
      const s = [...file.pubSignals] as Signals;
      s[i] = (BigInt(s[i]) + 1n).toString();
      expect(await verify(file.proof, s), `signal ${i}`).to.equal(false);
    }
  });

  it("rejects every public input shifted by the field modulus (same value mod p)", async function () {
    for (let i = 0; i < file.pubSignals.length; i++) {
      const s: bigint[] = file.pubSignals.map((v) => BigInt(v));
      s[i] += P;
      expect(await verify(file.proof, s), `signal ${i}`).to.equal(false);
    }
  });

  it("rejects a proof with B's coordinates in snarkjs's (unswapped) order", async function () {
    const b = file.proof.b;
    const unswapped: Proof = {
      ...file.proof,
      b: [
        [b[0][1], b[0][0]],
        [b[1][1], b[1][0]],
      ],
    };
    expect(await verify(unswapped, file.pubSignals)).to.equal(false);
  });

  it("gives the Adjudicator's FraudProof struct the same fields", function () {
    const st = toFraudProofStruct(file);
    expect(st.claim).to.equal(userRecord().balance - 1_000n);
    expect(st.payoutHash).to.equal(userRecord().payoutHash);
    expect(st.asset).to.equal(Number(userRecord().asset));
    expect(st.member.toLowerCase()).to.equal(file.publicSignals.member.toLowerCase());
  });

  it("refuses to prove an honest leaf", async function () {
    const r = userRecord();
    const { path } = await treeWith(c, r, { h: c.poseidon([r.accountKey, r.balance]), s: r.balance });
    let err: unknown;
    try {
      await proveFraud({ record: signed(c, r), path });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(FraudProofRefused);
    expect((err as FraudProofRefused).reason).to.equal("no-fraud");
  });

  it("fraud prove task: a slot-path file -> a proof file the verifier accepts; refusal sets the exit code", async function () {
    const dir = await mkdtemp(join(tmpdir(), "prove-fraud-"));
    try {
      const r = userRecord({ slot: 9n, balance: 5n });
      // Slot 9 holds another account in the fixture tree: a missing user.
      const { path, root } = await treeWith(c, { ...r, slot: 9n }, undefined);
      const rec = signed(c, r);
      const recordFile = {
        format: "por.record",
        version: 2,
        accountId: "alice",
        accountSalt: "1",
        assetSymbol: "ETH",
        record: {
          member: `0x${r.member.toString(16).padStart(40, "0")}`,
          asset: Number(r.asset),
          t: r.t.toString(),
          slot: Number(r.slot),
          accountKey: r.accountKey.toString(),
          balance: r.balance.toString(),
          payoutHash: r.payoutHash.toString(),
        },
        payout: { address: USER_PAYOUT.address, salt: USER_PAYOUT.salt.toString() },
        message: recordMessage(c, r).toString(),
        nullifier: c.poseidon([NULLIFIER_DOMAIN, recordMessage(c, r)]).toString(),
        signature: { R8x: `${rec.signature.R8x}`, R8y: `${rec.signature.R8y}`, S: `${rec.signature.S}` },
        recordKey: {
          Ax: `${rec.publicKey.Ax}`,
          Ay: `${rec.publicKey.Ay}`,
          keyHash: `${c.poseidon([KEY_DOMAIN, rec.publicKey.Ax, rec.publicKey.Ay])}`,
        },
        tree: { D: 32, d: 4, rootHash: "1", rootSum: "0", leaf: { h: "0", s: "0" }, siblings: [{ h: "0", s: "0" }] },
      };
      const slotPath = {
        format: "por.slot-path",
        version: 1,
        slot: 9,
        rootHash: root.h.toString(),
        leaf: { h: path.leaf.h.toString(), s: path.leaf.s.toString() },
        siblings: path.siblings.map((n) => ({ h: n.h.toString(), s: n.s.toString() })),
      };
      await writeFile(join(dir, "record.json"), JSON.stringify(recordFile));
      await writeFile(join(dir, "path.json"), JSON.stringify(slotPath));
      const task = hre.tasks.getTask(["fraud", "prove"]);
      const args = {
        record: join(dir, "record.json"),
        path: join(dir, "path.json"),
        out: join(dir, "p.json"),
      };
      process.exitCode = undefined;
      await task.run(args);
      expect(process.exitCode ?? 0).to.equal(0);
      const out = parseFraudProofFile(await readFile(join(dir, "p.json"), "utf8"));
      expect(out.kind).to.equal("missing-user-other-account");
      expect(await verify(out.proof, out.pubSignals)).to.equal(true);

      // The same record against a tree that honours it: refused, exit code 1, no file written.
      const honest = await treeWith(c, r, { h: c.poseidon([r.accountKey, r.balance]), s: r.balance });
      const honestPath = {
        ...slotPath,
        rootHash: honest.root.h.toString(),
        leaf: { h: honest.path.leaf.h.toString(), s: honest.path.leaf.s.toString() },
        siblings: honest.path.siblings.map((n) => ({ h: n.h.toString(), s: n.s.toString() })),
      };
      await writeFile(join(dir, "path.json"), JSON.stringify(honestPath));
      await task.run({ ...args, out: join(dir, "q.json") });
      expect(process.exitCode).to.equal(1);
      process.exitCode = undefined;
      let written = true;
      await readFile(join(dir, "q.json")).catch(() => (written = false));
      expect(written).to.equal(false);
    } finally {
      process.exitCode = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("RootSumMismatchVerifier (end to end)", function () {
  this.timeout(1_800_000);

  after(async function () {
    await releaseCurves();
  });

  it("accepts the proof of an understated root sum from any path, and nothing else", async function () {
    const c = await circomlibOracle();
    await circuitArtifacts("RootSumMismatch");
    const verifier: BaseContract = await ethers.deployContract("RootSumMismatchVerifier");
    const r = userRecord();
    const { path, root } = await treeWith(c, r, undefined);
    const verify = async (p: Proof, s: readonly (string | bigint)[]) =>
      (await verifier.getFunction("verifyProof")(p.a, p.b, p.c, s)) as boolean;
    const { file } = await proveRootSum({
      member: r.member,
      asset: Number(r.asset),
      t: r.t,
      rootSum: root.s - 1n,
      path,
      expectedRoot: root.h,
    });
    expect(file.kind).to.equal("root-sum-mismatch");
    expect(parseRootSumProofFile(JSON.stringify(file))).to.deep.equal(file);
    expect(await verify(file.proof, file.pubSignals)).to.equal(true);
    // The honest sum, another root, or the same value plus p: refused.
    expect(await verify(file.proof, [file.pubSignals[0], root.s.toString()])).to.equal(false);
    expect(await verify(file.proof, [(root.h + 1n).toString(), file.pubSignals[1]])).to.equal(false);
    expect(await verify(file.proof, [root.h + P, BigInt(file.pubSignals[1])])).to.equal(false);
    let refused: unknown;
    await proveRootSum({ member: r.member, asset: 3, t: r.t, rootSum: root.s, path }).catch((e) => (refused = e));
    expect(refused).to.be.instanceOf(FraudProofRefused);
  });
});
