// The directly computed development keys (src/circuits/dev-keys.ts) against the snarkjs development ceremony they
// replace: byte-identical zkeys and verification keys on a tiny circuit, over a powers of tau larger than the
// circuit's domain and over one exactly its size (the H section's truncated basis); proofs made with them verify;
// and a wrong scalar (another beacon, another ptau size) changes the bytes.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import {
  DEV_BEACON,
  DEV_BEACON_ITERATIONS,
  consoleProgress,
  devKeysViaPtau,
  devPtau,
  releaseCurves,
  sharedCurve,
  type CircuitKeys,
} from "../../src/circuits/ceremony.js";
import { beaconToxicWaste, devKeys, devZkey, domainPower, hexBytes } from "../../src/circuits/dev-keys.js";

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, "fixtures", "dev-keys-tiny.circom");
const CIRCOM_CLI = createRequire(import.meta.url).resolve("circom2/cli.js");
const REPO = join(here, "..", "..");
const quiet = consoleProgress("dev-keys test", true);

function circom(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CIRCOM_CLI, ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`circom2 failed (${code}):\n${out}`))));
  });
}

/** Offsets and sizes of a binfileutils file's sections, in file order. */
function sections(bytes: Uint8Array): Array<{ id: number; start: number; size: number }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  let p = 12;
  for (let i = 0; i < view.getUint32(8, true); i++) {
    const size = Number(view.getBigUint64(p + 4, true));
    out.push({ id: view.getUint32(p, true), start: p + 12, size });
    p += 12 + size;
  }
  return out;
}

/** The ids of the sections in which two zkeys differ. */
function differingSections(a: Uint8Array, b: Uint8Array): number[] {
  const sa = sections(a);
  const sb = sections(b);
  return sa
    .filter((s, i) => {
      const t = sb[i];
      return (
        !t ||
        t.id !== s.id ||
        Buffer.compare(a.subarray(s.start, s.start + s.size), b.subarray(t.start, t.start + t.size)) !== 0
      );
    })
    .map((s) => s.id);
}

describe("src/circuits/dev-keys: development keys without powers of tau", function () {
  this.timeout(300_000);
  let work: string;
  let r1cs: string;
  let wasm: string;
  let savedCacheDir: string | undefined;
  const reference = new Map<number, CircuitKeys>();

  async function referenceKeys(ptauPower: number): Promise<CircuitKeys> {
    let keys = reference.get(ptauPower);
    if (!keys) {
      const ptau = await devPtau(ptauPower, quiet);
      keys = await devKeysViaPtau("tiny", r1cs, ptau, quiet);
      reference.set(ptauPower, keys);
    }
    return keys;
  }

  before(async function () {
    work = await mkdtemp(join(tmpdir(), "por-dev-keys-"));
    // The reference ceremony and the fast keys go to a cache of their own, never the shared one.
    savedCacheDir = process.env.POR_CACHE_DIR;
    process.env.POR_CACHE_DIR = join(work, "cache");
    await circom([FIXTURE, "--r1cs", "--wasm", "--O2", "-o", work]);
    r1cs = join(work, "dev-keys-tiny.r1cs");
    wasm = join(work, "dev-keys-tiny_js", "dev-keys-tiny.wasm");
  });

  after(async function () {
    await releaseCurves();
    if (savedCacheDir === undefined) delete process.env.POR_CACHE_DIR;
    else process.env.POR_CACHE_DIR = savedCacheDir;
    await rm(work, { recursive: true, force: true });
  });

  it("the tiny circuit has a 2^5 domain (20 constraints, 2 public inputs)", async function () {
    const info = (await snarkjs.r1cs.info(r1cs)) as { nConstraints: number; nPubInputs: number; nOutputs: number };
    expect(domainPower(Number(info.nConstraints), Number(info.nPubInputs) + Number(info.nOutputs))).to.equal(5);
  });

  for (const ptauPower of [8, 5]) {
    it(`writes the zkey and verification key of the snarkjs ceremony byte for byte (powers of tau 2^${ptauPower})`, async function () {
      const ref = await referenceKeys(ptauPower);
      const expected = await readFile(ref.zkey);
      const fast = await devZkey(await readFile(r1cs), { ptauPower });
      expect(differingSections(fast, expected), "sections that differ").to.deep.equal([]);
      expect(Buffer.compare(Buffer.from(fast), expected)).to.equal(0);

      const keys = await devKeys("tiny", r1cs, ptauPower, quiet);
      expect(Buffer.compare(await readFile(keys.zkey), expected)).to.equal(0);
      expect(await readFile(keys.vkey, "utf8")).to.equal(await readFile(ref.vkey, "utf8"));
    });
  }

  it("derives the toxic waste the ptau and zkey hold: tau, alpha, beta from the ptau beacon, delta from the zkey's", async function () {
    const ref = await referenceKeys(8);
    const ptau = await readFile((await devPtau(8, quiet)).path);
    const zkey = await readFile(ref.zkey);
    const curve = (await sharedCurve()) as unknown as {
      G1: { g: Uint8Array; toAffine(p: Uint8Array): Uint8Array; timesScalar(p: Uint8Array, s: Uint8Array): Uint8Array };
    };
    const g1 = (s: bigint) => {
      const b = Buffer.alloc(32);
      let x = s;
      for (let i = 0; i < 32; i++, x >>= 8n) b[i] = Number(x & 0xffn);
      return Buffer.from(curve.G1.toAffine(curve.G1.timesScalar(curve.G1.g, b)));
    };
    const { tau, alpha, beta, delta } = beaconToxicWaste(hexBytes(DEV_BEACON), DEV_BEACON_ITERATIONS);
    const ps = new Map(sections(ptau).map((s) => [s.id, s.start]));
    const point = (bytes: Uint8Array, start: number, i: number) =>
      Buffer.from(bytes.subarray(start + i * 64, start + (i + 1) * 64));
    expect(point(ptau, ps.get(2)!, 1).equals(g1(tau)), "tauG1[1] = tau G1").to.equal(true);
    expect(point(ptau, ps.get(4)!, 0).equals(g1(alpha)), "alphaTauG1[0] = alpha G1").to.equal(true);
    expect(point(ptau, ps.get(5)!, 0).equals(g1(beta)), "betaTauG1[0] = beta G1").to.equal(true);
    // Section 2 of the zkey: header fields (4 + 32 + 4 + 32 + 12 bytes), alpha1, beta1, beta2, gamma2, then delta1.
    const delta1 = sections(zkey).find((s) => s.id === 2)!.start + 84 + 64 + 64 + 128 + 128;
    expect(Buffer.from(zkey.subarray(delta1, delta1 + 64)).equals(g1(delta)), "delta1 = delta G1").to.equal(true);
    // Both beacons draw from the same public generator: delta is the ptau's first draw again.
    expect(delta).to.equal(tau);
  });

  it("a proof made with the fast key verifies with snarkjs, and a wrong public input does not", async function () {
    const keys = await devKeys("tiny", r1cs, 8, quiet);
    const w = Array.from({ length: 20 }, (_, i) => BigInt(i + 2));
    let acc = 3n;
    for (let i = 0; i < 20; i++)
      acc = (acc * w[i] + BigInt(i)) % 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ x: 3n, y: acc, w }, wasm, keys.zkey);
    const vkey = JSON.parse(await readFile(keys.vkey, "utf8")) as snarkjs.VerificationKey;
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).to.equal(true);
    expect(await snarkjs.groth16.verify(vkey, [publicSignals[0], "4"], proof)).to.equal(false);
  });

  it("a different scalar gives different bytes: another beacon, another iteration count, another ptau size", async function () {
    const bytes = await readFile(r1cs);
    const expected = await readFile((await referenceKeys(8)).zkey);
    const otherBeacon = `${DEV_BEACON.slice(0, -1)}${DEV_BEACON.endsWith("0") ? "1" : "0"}`;
    const other = await devZkey(bytes, { ptauPower: 8, beacon: otherBeacon, allowOtherBeacon: true });
    // Everything but the coefficients depends on the toxic waste.
    expect(differingSections(other, expected)).to.deep.equal([2, 3, 5, 6, 7, 8, 9, 10]);
    const iterations = await devZkey(bytes, { ptauPower: 8, iterationsExp: 11, allowOtherBeacon: true });
    expect(differingSections(iterations, expected)).to.deep.equal([2, 3, 5, 6, 7, 8, 9, 10]);
    // The ptau size does not matter while the domain's 2n basis fits in its tauG1 (2^5 < 2^7)...
    expect(differingSections(await devZkey(bytes, { ptauPower: 7 }), expected)).to.deep.equal([]);
    // ...and changes the H section when the domain fills the ptau (its last monomial is missing).
    expect(differingSections(await devZkey(bytes, { ptauPower: 5 }), expected)).to.deep.equal([9]);
  });

  it("refuses any beacon but the public development one unless asked, and circuits larger than the ptau", async function () {
    const bytes = await readFile(r1cs);
    let err: unknown;
    try {
      await devZkey(bytes, { ptauPower: 8, beacon: "00".repeat(32) });
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/public development beacon only/);
    err = undefined;
    try {
      await devZkey(bytes, { ptauPower: 4 });
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/circuit too big for powers of tau 2\^4/);
  });
});
