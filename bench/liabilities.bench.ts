// Liabilities engine benchmark: sparse Merkle-sum tree build and record signing at 2^16, 2^18, 2^20 users
// (one asset, default d), against the ecosystem baseline measured in the same run: a Poseidon Merkle tree with
// @zk-kit/lean-imt + poseidon-lite, and EdDSA-Poseidon signing with circomlibjs and @zk-kit/eddsa-poseidon.
// Run directly: `node_modules/.bin/node --import tsx bench/liabilities.bench.ts [--quick]`.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { availableParallelism, cpus, totalmem } from "node:os";
import { pathToFileURL } from "node:url";

import { LeanIMT } from "@zk-kit/lean-imt";
import { buildEddsa } from "circomlibjs";
import { poseidon2 } from "poseidon-lite";

import { FIELD_P, loadCrypto, readLE32, tryLoadNative, writeLE32, type Crypto } from "../src/crypto/index.js";
import { loadNativeAddonForTests } from "../src/crypto/native.js";
import { hashBatch } from "../src/crypto/hash-batch.js";
import { assignSlotsOf, defaultSlotBits } from "../src/records/index.js";
import { SumTree, accountLeafSet } from "../src/tree/index.js";

// @zk-kit/eddsa-poseidon's ESM entry points at files its package lacks; its CommonJS build loads. The blake-1
// variant derives keys like circomlibjs (the default, blake2b, does not).
const zkEddsa = createRequire(import.meta.url)("@zk-kit/eddsa-poseidon/blake-1") as {
  signMessage: (privateKey: Uint8Array, message: bigint) => { S: bigint };
};

/** Deterministic pseudo-random field elements (sha256 counter mode). */
function fieldElements(n: number, seed: string): bigint[] {
  const out: bigint[] = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    out[i] = BigInt("0x" + createHash("sha256").update(`${seed}:${i}`).digest("hex")) % FIELD_P;
  }
  return out;
}

/** Runs `fn` while sampling RSS; returns its result, wall seconds, process CPU seconds (all threads) and peak RSS. */
async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; seconds: number; cpuSeconds: number; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpu0);
    return {
      value,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakMiB: peak / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

interface Row {
  n: number;
  d: number;
  treeS: number;
  treeCpu: number;
  treePeak: number;
  hashes: number;
  signS: number;
  signCpu: number;
  signPeak: number;
  leanRate: number;
  leanSample: number;
}

/**
 * Builds our tree for n synthetic users as the snapshot does (src/snapshot/index.ts): from the account keys as the
 * Poseidon batch gives them (32 bytes little-endian each) and the ledger's balances, the slots (assignSlotsOf), the
 * leaves (accountLeafSet) and the levels. Returns the number of Poseidon calls.
 */
async function buildOurs(crypto: Crypto, keyBytes: Uint8Array, balances: bigint[], d: number): Promise<number> {
  const secret = Buffer.alloc(32, 7);
  const slots = assignSlotsOf(secret, 1n, 1, keyBytes, d, hashBatch(crypto.backend));
  const leaves = await accountLeafSet(slots, keyBytes, balances, (pairs) => crypto.hashLeaves(pairs));
  const tree = await SumTree.build(crypto, leaves, d, 32);
  // One Poseidon per populated node (leaves included) plus one per lifted level.
  return tree.populatedNodes + (32 - d);
}

/** The keys as the account-key batch gives them: 32 bytes little-endian each. */
function keyBytesOf(keys: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(keys.length * 32);
  keys.forEach((k, i) => writeLE32(out, i * 32, k));
  return out;
}

/** Signs one message per key (the key itself as the message), in chunks of 2^16. */
async function signAll(crypto: Crypto, privateKey: Uint8Array, keys: bigint[]): Promise<Uint8Array> {
  const n = keys.length;
  const msgs = new Uint8Array(n * 32);
  keys.forEach((k, i) => writeLE32(msgs, i * 32, k));
  const out = new Uint8Array(n * 96);
  const chunk = 65536;
  for (let i = 0; i < n; i += chunk) {
    const end = Math.min(n, i + chunk);
    out.set(await crypto.signMany(privateKey, msgs.subarray(i * 32, end * 32)), i * 96);
  }
  return out;
}

/** Starts worker threads and builds tables before timing (a long-running service pays this once). */
async function warmUp(crypto: Crypto, privateKey: Uint8Array): Promise<void> {
  await crypto.hashLevel(new Uint8Array(1024 * 128));
  await crypto.signMany(privateKey, new Uint8Array(1024 * 32));
}

/** Candidate implementations measured on the same input, to pick the default by measurement. */
async function candidates(n: number, privateKey: Uint8Array): Promise<string[]> {
  const keys = fieldElements(n, `cand${n}`);
  const balances = keys.map((k) => k & ((1n << 40n) - 1n));
  const d = defaultSlotBits(n, 32);
  const configs: [string, () => Promise<Crypto | undefined>][] = [
    [
      "JS, one thread (circomlibjs WASM Poseidon, fixed-base table EdDSA)",
      () => loadCrypto({ backend: "js", threads: 0 }),
    ],
    [`JS, ${availableParallelism()} worker threads`, () => loadCrypto({ backend: "js" })],
    [
      "native addon, scalar Poseidon kernel (as before the SIMD kernel; POR_NATIVE_SIMD=0)",
      async () => ((await tryLoadNative()) === undefined ? undefined : loadCrypto({ backend: "native" })),
    ],
    [
      `native addon (C++, its own threads; Poseidon kernel ${loadNativeAddonForTests()?.poseidonKernel() ?? "n/a"})`,
      async () => ((await tryLoadNative()) === undefined ? undefined : loadCrypto({ backend: "native" })),
    ],
  ];
  const out: string[] = [];
  const addon = loadNativeAddonForTests();
  for (const [name, make] of configs) {
    const c = await make();
    if (c === undefined) {
      out.push(`| ${name} | not built | | | | |`);
      continue;
    }
    const scalar = name.includes("scalar Poseidon kernel");
    if (scalar && addon?.poseidonKernel() === "scalar") {
      out.push(`| ${name} | the default here (no SIMD kernel) | | | | |`);
      await c.close();
      continue;
    }
    const simdBefore = scalar ? addon?.setPoseidonSimd(false) : undefined;
    try {
      process.stderr.write(`[bench liabilities] candidate: ${name}\n`);
      await warmUp(c, privateKey);
      const keyBytes = keyBytesOf(keys);
      const tree = await measure(() => buildOurs(c, keyBytes, balances, d));
      const sign = await measure(() => signAll(c, privateKey, keys));
      const f = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 2 });
      out.push(
        `| ${name} | ${f(tree.seconds)} | ${f(tree.cpuSeconds)} | ${f(n / tree.seconds)} | ${f(sign.seconds)} | ${f(n / sign.seconds)} |`,
      );
    } finally {
      if (simdBefore !== undefined) addon?.setPoseidonSimd(simdBefore);
      await c.close();
    }
  }
  return out;
}

/** Runs the benchmark and returns a markdown section. */
export default async function run(opts: { quick: boolean }): Promise<string> {
  const envSizes = process.env.BENCH_LIAB_SIZES?.split(",").map((s) => Number(s.trim()));
  const sizes = envSizes ?? (opts.quick ? [2 ** 10, 2 ** 12] : [2 ** 16, 2 ** 18, 2 ** 20]);
  const crypto = await loadCrypto();
  const rows: Row[] = [];
  const privateKey = Buffer.alloc(32, 0x42);
  try {
    await warmUp(crypto, privateKey);
    // Baseline signing rates on a sample (circomlibjs takes ~20 ms per signature: 1M would take hours).
    const eddsa = await buildEddsa();
    const sigSample = opts.quick ? 20 : 200;
    const sampleMsgs = fieldElements(sigSample, "sig");
    const circ = await measure(async () => {
      for (const m of sampleMsgs) eddsa.signPoseidon(privateKey, eddsa.F.e(m));
    });
    const zk = await measure(async () => {
      for (const m of sampleMsgs) zkEddsa.signMessage(privateKey, m);
    });
    const circRate = sigSample / circ.seconds;
    const zkRate = sigSample / zk.seconds;

    for (const n of sizes) {
      process.stderr.write(`[bench liabilities] n = ${n}\n`);
      const keys = fieldElements(n, `key${n}`);
      const balances = keys.map((k) => k & ((1n << 40n) - 1n));
      const d = defaultSlotBits(n, 32);
      const keyBytes = keyBytesOf(keys);
      const tree = await measure(() => buildOurs(crypto, keyBytes, balances, d));
      const sign = await measure(() => signAll(crypto, privateKey, keys));
      if (readLE32(sign.value, 64) === 0n) throw new Error("signing produced an empty signature");

      // Baseline tree: lean-imt + poseidon-lite over the same leaf values, on a capped sample.
      const leanSample = Math.min(n, opts.quick ? 2 ** 10 : 2 ** 16);
      const lean = await measure(async () => {
        const t = new LeanIMT<bigint>((a, b) => poseidon2([a, b]));
        t.insertMany(keys.slice(0, leanSample));
        return t.root;
      });
      rows.push({
        n,
        d,
        treeS: tree.seconds,
        treeCpu: tree.cpuSeconds,
        treePeak: tree.peakMiB,
        hashes: tree.value,
        signS: sign.seconds,
        signCpu: sign.cpuSeconds,
        signPeak: sign.peakMiB,
        leanRate: leanSample / lean.seconds,
        leanSample,
      });
    }

    const candN = opts.quick ? 2 ** 10 : 2 ** 16;
    const candRows = await candidates(candN, privateKey);

    const fmt = (x: number, digits = 1) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const lines = [
      "## Liabilities engine (tree build and record signing)",
      "",
      `- Date: ${new Date().toISOString()}`,
      `- Machine: ${cpu}, ${availableParallelism()} cores, ${fmt(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`,
      `- Crypto backend: **${crypto.backend}**${crypto.backend === "js" ? " (circomlibjs WASM Poseidon and our fixed-base Baby Jubjub, worker threads on every core)" : " (native addon)"}`,
      `- Mode: ${opts.quick ? "quick (small sizes, a smoke test)" : "full"}; one asset, default d = ceil(log2 n) + 4, D = 32`,
      "- Tree time: what the snapshot does from the account keys (32-byte words, as the account-key batch gives them) " +
        "and the balances: slot assignment (assignSlotsOf), the leaves (accountLeafSet: pairs, leaf hashes) and every " +
        "level up to the root (SumTree.build); peak = sampled process RSS; " +
        "CPU = user + system time of the whole process (all threads): the machine is shared, so CPU time is the steadier number.",
      "- Baselines measured in the same run: @zk-kit/lean-imt + poseidon-lite (a plain binary Poseidon(2) tree over the " +
        `same leaf values, first ${fmt(rows[0]?.leanSample ?? 0, 0)}+ leaves), circomlibjs \`signPoseidon\` and ` +
        `@zk-kit/eddsa-poseidon \`signMessage\` (${sigSample} signatures each).`,
      "",
      "| users | d | tree build (s) | tree CPU (s) | tree users/s | tree peak RSS (MiB) | Poseidon calls | baseline lean-imt users/s | tree ratio | signing (s) | signing CPU (s) | signatures/s | signing peak RSS (MiB) | vs circomlibjs | vs zk-kit |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...rows.map((r) => {
        const treeRate = r.n / r.treeS;
        const sigRate = r.n / r.signS;
        return `| ${fmt(r.n, 0)} | ${r.d} | ${fmt(r.treeS, 2)} | ${fmt(r.treeCpu, 2)} | ${fmt(treeRate, 0)} | ${fmt(r.treePeak, 0)} | ${fmt(r.hashes, 0)} | ${fmt(r.leanRate, 0)} | ${fmt(treeRate / r.leanRate, 2)}x | ${fmt(r.signS, 2)} | ${fmt(r.signCpu, 2)} | ${fmt(sigRate, 0)} | ${fmt(r.signPeak, 0)} | ${fmt(sigRate / circRate, 0)}x | ${fmt(sigRate / zkRate, 0)}x |`;
      }),
      "",
      `Baseline signing rates: circomlibjs ${fmt(circRate)}/s, @zk-kit/eddsa-poseidon ${fmt(zkRate)}/s (one thread each).`,
      "",
      "Goals (2-core machine): 2^20 users' tree <= 60 s, 2^20 records signed <= 120 s (issue 1); issue 18: <= 10 s " +
        "and <= 20 s.",
      "",
      `Candidates on the same ${fmt(candN, 0)} users (tree: slots, leaves and all levels; signing: one signature per user):`,
      "",
      "| implementation | tree (s) | tree CPU (s) | tree users/s | signing (s) | signatures/s |",
      "|---|---:|---:|---:|---:|---:|",
      ...candRows,
      "",
      "`loadCrypto()` picks the native addon when it is built and passes its self-test, else JS with worker threads.",
    ];
    const big = rows.find((r) => r.n === 2 ** 20);
    if (big !== undefined) {
      lines.push(
        `At 2^20: tree ${fmt(big.treeS)} s (${big.treeS <= 10 ? "meets" : "misses"} issue 18's 10 s), ` +
          `signing ${fmt(big.signS)} s (${big.signS <= 20 ? "meets" : "misses"} issue 18's 20 s).`,
      );
    }
    return lines.join("\n") + "\n";
  } finally {
    await crypto.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(await run({ quick: process.argv.includes("--quick") }));
}
