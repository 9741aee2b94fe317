// One measured snapshot run in its own process (so its peak RSS is its own), for bench/snapshot.bench.ts:
// `node --import tsx bench/drivers/snapshot-run.ts <ledger> <assets> <outDir> <files|bundle|both>`; prints one JSON
// line: wall and CPU seconds, peak RSS, the time each phase started (seconds from the start), and the output size.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

import { loadCrypto } from "../../src/crypto/index.js";
import { generateMemberKeys } from "../../src/keys/index.js";
import { runSnapshot } from "../../src/snapshot/index.js";
import { ownPeakRssMiB } from "./peak-rss.js";

async function sizeOf(path: string): Promise<{ bytes: number; files: number }> {
  const s = await stat(path);
  if (!s.isDirectory()) return { bytes: s.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const name of await readdir(path)) {
    const r = await sizeOf(join(path, name));
    bytes += r.bytes;
    files += r.files;
  }
  return { bytes, files };
}

const [ledgerPath, assetsPath, outDir, mode] = process.argv.slice(2);
const started = performance.now();
const cpu0 = process.cpuUsage();
const crypto = await loadCrypto();
const phases: Record<string, number> = {};
try {
  const r = await runSnapshot(crypto, {
    ledgerPath,
    assetsPath,
    keys: generateMemberKeys(),
    member: "0x" + "11".repeat(20),
    t: 1_700_000_000n,
    outDir,
    recordFiles: mode !== "bundle",
    onProgress: (phase) => {
      const name = phase.replace(/^[^:]*: /, "");
      phases[name] ??= (performance.now() - started) / 1000;
    },
  });
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const out = await sizeOf(r.dir);
  const bundles = (await readdir(r.dir)).filter((n) => n.endsWith(".bundle"));
  let bundleBytes = 0;
  for (const b of bundles) bundleBytes += (await stat(join(r.dir, b))).size;
  process.stdout.write(
    JSON.stringify({
      backend: crypto.backend,
      wallS,
      cpuS: (cpu.user + cpu.system) / 1e6,
      peakMiB: ownPeakRssMiB(),
      phases,
      bytes: out.bytes,
      files: out.files,
      bundleBytes,
      dir: r.dir,
    }) + "\n",
  );
} finally {
  await crypto.close();
}
