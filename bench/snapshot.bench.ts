// Snapshot end to end (issue 18): a ledger file of n users in one asset to everything the member publishes and
// delivers (summary, leaves payload, and the users' records), as `hardhat snapshot` runs it: ledger parsing, salts,
// account keys, slots, payout commitments, messages, signatures, the tree, and the records. Each run is its own
// process (bench/drivers/snapshot-run.ts), so its peak RSS is its own. Baseline, measured in the same run: the
// per-user record files (`--record-files`, what every snapshot wrote before the records bundle) on the same ledger.
// Sizes: 2^16 by default; BENCH_SNAPSHOT_SIZES=1048576 (comma-separated) for the 2^20 goal run (~1-3 min per mode);
// BENCH_SNAPSHOT_BASELINE_MAX caps the baseline's size (default 2^16: the files mode takes ~6 min at 2^20).
// Run directly: `node_modules/.bin/node --import tsx bench/snapshot.bench.ts [--quick]`.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

interface RunResult {
  backend: string;
  wallS: number;
  cpuS: number;
  peakMiB: number;
  phases: Record<string, number>;
  bytes: number;
  files: number;
  bundleBytes: number;
}

/** A ledger of n users in one asset, every other one with a payout address. */
async function writeLedger(path: string, n: number): Promise<void> {
  const parts = ["account_id,asset,balance,payout\n"];
  for (let i = 0; i < n; i++) {
    const payout = i % 2 === 0 ? "0x" + (i + 1).toString(16).padStart(40, "0") : "";
    parts.push(`user-${i},ETH,${(i * 7919) % 1000000007},${payout}\n`);
  }
  await writeFile(path, parts.join(""));
}

function runOnce(ledger: string, assets: string, out: string, mode: "bundle" | "files"): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(here, "drivers", "snapshot-run.ts"), ledger, assets, out, mode],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
    );
    let text = "";
    child.stdout.on("data", (b: Buffer) => (text += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`snapshot run (${mode}) exited ${code}`));
      try {
        resolve(JSON.parse(text.trim().split("\n").pop() ?? "") as RunResult);
      } catch (e) {
        reject(new Error(`snapshot run (${mode}): no result (${(e as Error).message})`));
      }
    });
  });
}

const fmt = (x: number, digits = 1) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
const mib = (b: number) => b / 2 ** 20;

/** Phase durations from the phases' start times (the last phase ends with the run). */
function phaseList(r: RunResult): string {
  const entries = Object.entries(r.phases).sort((a, b) => a[1] - b[1]);
  const out = [`setup and ledger ${fmt(entries[0]?.[1] ?? r.wallS)} s`];
  entries.forEach(([name, start], i) => {
    const end = entries[i + 1]?.[1] ?? r.wallS;
    out.push(`${name} ${fmt(end - start)} s`);
  });
  return out.join(", ");
}

export default async function run(opts: { quick: boolean }): Promise<string> {
  const sizes = process.env.BENCH_SNAPSHOT_SIZES?.split(",").map((s) => Number(s.trim())) ?? [
    opts.quick ? 2 ** 12 : 2 ** 16,
  ];
  const baselineMax = Number(process.env.BENCH_SNAPSHOT_BASELINE_MAX ?? 2 ** 16);
  const load = loadavg();
  const dir = await mkdtemp(join(tmpdir(), "por-bench-snapshot-"));
  const rows: string[] = [];
  const notes: string[] = [];
  try {
    const assets = join(dir, "assets.json");
    await writeFile(
      assets,
      JSON.stringify({
        format: "por.assets",
        version: 1,
        assets: [{ id: 1, symbol: "ETH", chainId: 1, token: "0x" + "00".repeat(20), decimals: 18 }],
      }),
    );
    for (const n of sizes) {
      const ledger = join(dir, `ledger-${n}.csv`);
      await writeLedger(ledger, n);
      process.stderr.write(`[bench snapshot] n = ${n}: records bundle\n`);
      const bundle = await runOnce(ledger, assets, join(dir, `out-${n}-bundle`), "bundle");
      await rm(join(dir, `out-${n}-bundle`), { recursive: true, force: true });
      let files: RunResult | undefined;
      if (n <= baselineMax) {
        process.stderr.write(`[bench snapshot] n = ${n}: per-user files (baseline)\n`);
        files = await runOnce(ledger, assets, join(dir, `out-${n}-files`), "files");
        await rm(join(dir, `out-${n}-files`), { recursive: true, force: true });
      }
      const goal = n === 2 ** 20 ? (bundle.wallS <= 60 && bundle.bytes <= 1.5e9 ? "met" : "missed") : "-";
      const row = (name: string, r: RunResult, ratio: string, g: string) =>
        `| 2^${Math.log2(n)} | ${name} | ${fmt(r.wallS)} | ${fmt(r.cpuS)} | ${fmt(r.peakMiB, 0)} | ` +
        `${fmt((r.peakMiB * 2 ** 20) / n, 0)} | ${fmt(mib(r.bytes), 0)} | ${r.files} | ${ratio} | ${g} |`;
      rows.push(
        row(
          "records bundle (default)",
          bundle,
          files ? `${fmt(files.wallS / bundle.wallS, 2)}x faster, ${fmt(files.bytes / bundle.bytes, 1)}x smaller` : "-",
          goal,
        ),
      );
      if (files) rows.push(row("per-user files (`--record-files`, baseline)", files, "1x", "-"));
      notes.push(`2^${Math.log2(n)} bundle phases: ${phaseList(bundle)}.`);
      if (files) notes.push(`2^${Math.log2(n)} baseline phases: ${phaseList(files)}.`);
      await rm(ledger, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return [
    "## Snapshot end to end (ledger file to summary, leaves and records; one asset)",
    "",
    `- Date: ${new Date().toISOString()}; machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} cores, ` +
      `${fmt(totalmem() / 2 ** 30)} GiB RAM; load average at start ${load.map((l) => l.toFixed(2)).join(", ")}`,
    `- Mode: ${opts.quick ? "quick" : "full"}; each run in its own process (peak RSS = its own high-water mark, VmHWM); every other user ` +
      "has a payout address; D = 32, d = ceil(log2 n) + 4.",
    "- Goal (issue 18): 2^20 users <= 60 s wall and <= 1.5 GB of output. Wall time on a shared 2-core machine " +
      "follows the load; CPU time (all threads) is the steadier number.",
    "",
    "| users | records as | wall (s) | CPU (s) | peak RSS (MiB) | peak RSS per user (bytes) | output (MiB) | files | vs baseline | goal |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ...rows,
    "",
    ...notes,
  ].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write((await run({ quick: process.argv.includes("--quick") })) + "\n");
}
