// Native crypto backend (native/, src/crypto/native.ts) against the JavaScript baselines in the same run:
// Poseidon(2)/(4) per second (native single calls and batches vs circomlibjs WASM vs poseidon-lite), tree-level
// throughput, EdDSA-Poseidon signatures per second (native signMany vs circomlibjs signPoseidon), and the snapshot's
// hash batches (native HMAC-SHA256 / SHA-256 / keccak256 vs node:crypto and js-sha3 one item at a time).
// Each row gives wall-clock and CPU rates: these machines are shared, so wall time alone can mislead.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";

import { buildEddsa, buildPoseidon } from "circomlibjs";
import sha3 from "js-sha3";
import { poseidon2, poseidon4 } from "poseidon-lite";

import { verifyJs } from "../src/crypto/eddsa-js.js";
import { readLE } from "../src/crypto/field.js";
import { loadNative, loadNativeAddonForTests, nativeUnavailableReason } from "../src/crypto/native.js";

/** Writes v as 32 little-endian bytes at `off`. */
function writeLE(out: Uint8Array, off: number, v: bigint): void {
  let x = v;
  for (let i = 0; i < 32; i++) {
    out[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

interface Rate {
  /** Operations per wall-clock second. */
  wall: number;
  /** Operations per CPU second (user + system of the whole process, all threads). */
  cpu: number;
}

/** The rate of `ops` operations since `t0` (performance.now()) and `c0` (process.cpuUsage()). */
function rateSince(ops: number, t0: number, c0: NodeJS.CpuUsage): Rate {
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  return { wall: ops / wallS, cpu: ops / Math.max(cpuS, 1e-9) };
}

function measure(ops: number, fn: () => void): Rate {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  return rateSince(ops, t0, c0);
}

async function measureAsync(ops: number, fn: () => Promise<unknown>): Promise<Rate> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  return rateSince(ops, t0, c0);
}

function randomWords(n: number): Uint8Array {
  // 31 random bytes per 32-byte word: always below p.
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) out.set(randomBytes(31), i * 32);
  return out;
}

function randomField(): bigint {
  return BigInt(`0x${randomBytes(31).toString("hex")}`) % P;
}

const fmt = (x: number): string =>
  x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toLocaleString("en-US", { maximumFractionDigits: 1 });
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
const row = (name: string, r: Rate, base?: Rate): string =>
  `| ${name} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${base ? ratio(r.wall, base.wall) : "1.0x"} |`;

/** Runs the benchmark and returns its markdown section. */
export default async function run(opts: { quick: boolean }): Promise<string> {
  const scale = opts.quick ? 0.1 : 1;
  const n = (full: number): number => Math.max(1, Math.round(full * scale));
  const cpu = cpus();
  const head = [
    "## native",
    "",
    `- machine: ${cpu.length} x ${cpu[0]?.model ?? "unknown CPU"}; load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
    `- date: ${new Date().toISOString()}; node ${process.version}; mode: ${opts.quick ? "quick" : "full"}`,
  ];
  const native = loadNative();
  if (native === undefined) {
    return [...head, "", `Native addon unavailable (${nativeUnavailableReason()}); nothing measured.`].join("\n");
  }
  const threads = loadNativeAddonForTests()?.threads ?? 1;
  head.push(`- native addon threads: ${threads} (POR_NATIVE_THREADS overrides)`);
  head.push(
    `- batch Poseidon kernel: ${loadNativeAddonForTests()?.poseidonKernel() ?? "scalar"} (chosen by CPUID; POR_NATIVE_SIMD=0 forces scalar)`,
  );

  const ref = await buildPoseidon();
  const eddsa = await buildEddsa();

  const x2 = [randomField(), randomField()];
  const x4 = [randomField(), randomField(), randomField(), randomField()];

  // Poseidon(2)
  const refP2 = measure(n(5000), () => {
    for (let i = 0; i < n(5000); i++) ref.F.toObject(ref(x2));
  });
  const liteP2 = measure(n(2000), () => {
    for (let i = 0; i < n(2000); i++) poseidon2(x2);
  });
  const natP2 = measure(n(20000), () => {
    for (let i = 0; i < n(20000); i++) native.poseidon(x2);
  });
  const leaves = n(100000);
  const pairs = randomWords(2 * leaves);
  const natLeaves = measure(leaves, () => native.hashLeaves(pairs));

  // Poseidon(4)
  const refP4 = measure(n(3000), () => {
    for (let i = 0; i < n(3000); i++) ref.F.toObject(ref(x4));
  });
  const liteP4 = measure(n(1000), () => {
    for (let i = 0; i < n(1000); i++) poseidon4(x4);
  });
  const natP4 = measure(n(10000), () => {
    for (let i = 0; i < n(10000); i++) native.poseidon(x4);
  });
  const parents = n(100000);
  const level = randomWords(4 * parents);
  const natLevel = measure(parents, () => native.hashLevel(level));

  // The same batches on the scalar kernel (the path before the SIMD kernel, and on CPUs without AVX-512 IFMA).
  const addon = loadNativeAddonForTests();
  const kernel = addon?.poseidonKernel() ?? "scalar";
  let scalarLeaves: Rate | undefined;
  let scalarLevel: Rate | undefined;
  if (addon !== undefined && kernel !== "scalar") {
    const before = addon.setPoseidonSimd(false);
    try {
      scalarLeaves = measure(leaves, () => native.hashLeaves(pairs));
      scalarLevel = measure(parents, () => native.hashLevel(level));
    } finally {
      addon.setPoseidonSimd(before);
    }
  }

  // Signatures
  const prv = randomBytes(32);
  const refSigs = n(40);
  const refSign = measure(refSigs, () => {
    for (let i = 0; i < refSigs; i++) eddsa.signPoseidon(prv, eddsa.F.e(randomField()));
  });
  const sigs = n(20000);
  const msgs = randomWords(sigs);
  const natSign = measure(sigs, () => native.signMany(prv, msgs));
  // The signer before issue 18 (one message at a time: an inversion and a scalar Poseidon(5) each), same run.
  let natSignSingle: Rate | undefined;
  if (addon !== undefined) {
    const before = addon.setSignBatched(false);
    try {
      natSignSingle = measure(sigs, () => native.signMany(prv, msgs));
    } finally {
      addon.setSignBatched(before);
    }
  }
  // Verification: the addon's verifyMany against verifyJs (what the service ran before issue 18), one key.
  const signed = native.signMany(prv, msgs);
  const [ax, ay] = native.publicKey(prv);
  const items = new Uint8Array(sigs * 192);
  const words = new Uint8Array(64);
  writeLE(words, 0, ax);
  writeLE(words, 32, ay);
  for (let i = 0; i < sigs; i++) {
    items.set(msgs.subarray(i * 32, i * 32 + 32), i * 192);
    items.set(signed.subarray(i * 96, i * 96 + 96), i * 192 + 32);
    items.set(words, i * 192 + 128);
  }
  const natVerify = measure(sigs, () => {
    for (let i = 0; i < sigs; i += 500) native.verifyMany(items.subarray(i * 192, Math.min(sigs, i + 500) * 192));
  });
  // The verifier service's path (issue 18): batches of 100 on Node's thread pool, 8 in flight at a time.
  const natVerifyAsync = await measureAsync(sigs, async () => {
    let next = 0;
    const lane = async () => {
      for (let i = (next += 100) - 100; i < sigs; i = (next += 100) - 100) {
        await native.verifyManyAsync(items.subarray(i * 192, Math.min(sigs, i + 100) * 192));
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
  });
  const jsVerifySample = n(200);
  const jsVerify = measure(jsVerifySample, () => {
    for (let i = 0; i < jsVerifySample; i++) {
      const o = i * 192;
      const w = (j: number) => readLE(items, o + j * 32, 32);
      verifyJs(w(0), { R8x: w(1), R8y: w(2), S: w(3) }, [w(4), w(5)], (x) => native.poseidon([...x]));
    }
  });

  // A sparse level through parentLevel (pairing in the addon) vs the same level paired in JS for hashLevel.
  const sparse = n(100000);
  const sparseIndex = new Uint32Array(sparse);
  for (let i = 0, v = 0; i < sparse; i++) sparseIndex[i] = v += 1 + (i % 5 === 0 ? 0 : 3); // some siblings present
  const sparseNodes = randomWords(2 * sparse);
  for (let i = 0; i < sparse; i++) sparseNodes.fill(0, i * 64 + 48, i * 64 + 64); // sums below 2^128
  const emptyNode = randomWords(2);
  const sparseBytes = new Uint8Array(sparseIndex.buffer);
  const natParent = measure(sparse, () => native.parentLevel(sparseBytes, sparseNodes, emptyNode));

  // The snapshot's hash batches: 36-byte slot messages (HMAC), 11-byte ids (SHA-256), 96-byte payout preimages.
  const hashItems = n(200000);
  const key = randomBytes(32);
  const prefix = randomBytes(23);
  const slotMsgs = randomBytes(hashItems * 36);
  const slotEnds = new Uint32Array(hashItems).map((_, i) => (i + 1) * 36);
  const slotEndBytes = new Uint8Array(slotEnds.buffer);
  const natHmac = measure(hashItems, () => native.hmacSha256Many(key, prefix, slotMsgs, slotEndBytes));
  const jsHmac = measure(hashItems, () => {
    for (let i = 0; i < hashItems; i++) {
      createHmac("sha256", key)
        .update(prefix)
        .update(slotMsgs.subarray(i * 36, i * 36 + 36))
        .digest();
    }
  });
  const idBytes = randomBytes(hashItems * 11);
  const idEnds = new Uint8Array(new Uint32Array(hashItems).map((_, i) => (i + 1) * 11).buffer);
  const natSha = measure(hashItems, () => native.sha256Many(idBytes, idEnds));
  const jsSha = measure(hashItems, () => {
    for (let i = 0; i < hashItems; i++)
      createHash("sha256")
        .update(idBytes.subarray(i * 11, i * 11 + 11))
        .digest();
  });
  const preimages = randomBytes(hashItems * 96);
  const natKeccak = measure(hashItems, () => native.keccak256Many(preimages, 96));
  const keccakSample = n(50000);
  const jsKeccak = measure(keccakSample, () => {
    for (let i = 0; i < keccakSample; i++) sha3.keccak256(preimages.subarray(i * 96, i * 96 + 96));
  });
  const shaKernel = addon?.sha256Kernel() ?? "scalar";

  // A 1M-user tree at d = log2(n) + 4 is ~5M Poseidon(4) and ~1M Poseidon(2) (docs/protocol.md section 4).
  const treeSeconds = (level4: Rate["wall"], leaves2: Rate["wall"]): number => 5e6 / level4 + 1e6 / leaves2;
  const projTreeWall = treeSeconds(natLevel.wall, natLeaves.wall);
  const projTreeIdle = treeSeconds(natLevel.cpu * threads, natLeaves.cpu * threads);
  const projSignWall = 1e6 / natSign.wall;
  const projSignIdle = 1e6 / (natSign.cpu * threads);
  return [
    ...head,
    "",
    "| operation | per second (wall) | per second (CPU) | vs JS baseline (wall) |",
    "| --- | ---: | ---: | ---: |",
    row("Poseidon(2) circomlibjs (WASM)", refP2),
    row("Poseidon(2) poseidon-lite", liteP2, refP2),
    row("Poseidon(2) native, one call per hash", natP2, refP2),
    row(`Poseidon(2) native hashLeaves, batch of ${leaves} (${kernel})`, natLeaves, refP2),
    ...(scalarLeaves ? [row(`Poseidon(2) native hashLeaves, same batch, scalar kernel`, scalarLeaves, refP2)] : []),
    row("Poseidon(4) circomlibjs (WASM)", refP4),
    row("Poseidon(4) poseidon-lite", liteP4, refP4),
    row("Poseidon(4) native, one call per hash", natP4, refP4),
    row(`Poseidon(4) native hashLevel, ${parents} parents (${kernel})`, natLevel, refP4),
    ...(scalarLevel ? [row(`Poseidon(4) native hashLevel, same level, scalar kernel`, scalarLevel, refP4)] : []),
    row("signPoseidon circomlibjs", refSign),
    ...(natSignSingle
      ? [row(`signPoseidon native signMany, one at a time (before issue 18)`, natSignSingle, refSign)]
      : []),
    row(`signPoseidon native signMany, batch of ${sigs} (batched: issue 18)`, natSign, refSign),
    row("verifyPoseidon verifyJs with the native Poseidon (before issue 18)", jsVerify),
    row(`verifyPoseidon native verifyMany, batches of 500, one key`, natVerify, jsVerify),
    row(`verifyPoseidon native verifyManyAsync, batches of 100, 8 in flight (Node's pool)`, natVerifyAsync, jsVerify),
    row(`Poseidon(4) native parentLevel, ${sparse} sparse nodes (pairing in the addon; per node)`, natParent, refP4),
    row("HMAC-SHA256 node:crypto createHmac, 36-byte messages, one at a time", jsHmac),
    row(`HMAC-SHA256 native hmacSha256Many, batch of ${hashItems} (${shaKernel})`, natHmac, jsHmac),
    row("SHA-256 node:crypto createHash, 11-byte ids, one at a time", jsSha),
    row(`SHA-256 native sha256Many, batch of ${hashItems} (${shaKernel})`, natSha, jsSha),
    row("keccak256 js-sha3, 96-byte payout preimages, one at a time", jsKeccak),
    row(`keccak256 native keccak256Many, batch of ${hashItems}`, natKeccak, jsKeccak),
    "",
    "Projections for a 1M-user snapshot (5M Poseidon(4) + 1M Poseidon(2) tree hashes; 1M signatures), from this " +
      `run's wall rates / from CPU rate x ${threads} threads (what an otherwise idle machine would give): ` +
      `tree ~${projTreeWall.toFixed(0)} s / ~${projTreeIdle.toFixed(0)} s (goal <= 60 s); ` +
      `signing ~${projSignWall.toFixed(0)} s / ~${projSignIdle.toFixed(0)} s (goal <= 120 s; issue 18: <= 20 s).` +
      (scalarLevel && scalarLeaves
        ? ` Tree hashing on the scalar kernel, same run: ~${treeSeconds(scalarLevel.wall, scalarLeaves.wall).toFixed(0)} s / ` +
          `~${treeSeconds(scalarLevel.cpu * threads, scalarLeaves.cpu * threads).toFixed(0)} s; SIMD speed-up per CPU-second: ` +
          `Poseidon(4) ${ratio(natLevel.cpu, scalarLevel.cpu)}, Poseidon(2) ${ratio(natLeaves.cpu, scalarLeaves.cpu)}.`
        : ""),
  ].join("\n");
}
