// An operator's rebuild of one committed tree in its own process (so its peak RSS is its own), for
// bench/operator.bench.ts: `node --import tsx bench/drivers/operator-run.ts <leaves payload file>`; prints one JSON
// line: wall and CPU seconds, peak RSS and the rebuilt root.
import { readFile } from "node:fs/promises";

import { loadCrypto } from "../../src/crypto/index.js";
import { rebuildFromLeaves } from "../../src/tree/leaves.js";
import { ownPeakRssMiB } from "./peak-rss.js";

const started = performance.now();
const cpu0 = process.cpuUsage();
const crypto = await loadCrypto();
try {
  const { tree } = await rebuildFromLeaves(crypto, await readFile(process.argv[2]));
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      wallS: (performance.now() - started) / 1000,
      cpuS: (cpu.user + cpu.system) / 1e6,
      peakMiB: ownPeakRssMiB(),
      rootHash: tree.root.h.toString(),
      rootSum: tree.root.s.toString(),
    }) + "\n",
  );
} finally {
  await crypto.close();
}
