// One-off check (not part of the test suite): the directly computed development keys (src/circuits/dev-keys.ts) of
// every declared circuit against the keys the snarkjs development ceremony left in the artifact cache (powers of tau
// 2^PTAU_POWER, `devKeysViaPtau`). Exits 1 if any differ, 2 if the cache holds no snarkjs keys to compare with.
//
//   npx hardhat run scripts/compare-dev-keys.ts        (POR_CACHE_DIR selects the cache, as for the pipeline)
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import * as snarkjs from "snarkjs";

import { devKeysViaPtauKey, devPtauKey } from "../src/circuits/ceremony.js";
import { devZkey } from "../src/circuits/dev-keys.js";
import { cacheRoot, circuitInstances, compileInstance, PTAU_POWER, releaseCurves } from "../src/circuits/index.js";

let differ = 0;
let missing = 0;
for (const instance of circuitInstances) {
  const compiled = await compileInstance(instance);
  const dir = join(cacheRoot(), "zkey", await devKeysViaPtauKey(compiled.r1cs, devPtauKey(PTAU_POWER)));
  if (!existsSync(join(dir, ".complete"))) {
    console.log(`${instance.name}: no snarkjs ceremony keys in ${dir}`);
    missing++;
    continue;
  }
  const started = performance.now();
  const fast = await devZkey(await readFile(compiled.r1cs), { ptauPower: PTAU_POWER });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const real = await readFile(join(dir, "final.zkey"));
  const sameZkey = Buffer.compare(Buffer.from(fast), real) === 0;
  const vkey = `${JSON.stringify(await snarkjs.zKey.exportVerificationKey(fast), null, 2)}\n`;
  const sameVkey = vkey === (await readFile(join(dir, "vkey.json"), "utf8"));
  console.log(
    `${instance.name}: ${fast.length} bytes in ${seconds} s; zkey ${sameZkey ? "identical" : "DIFFERENT"}, ` +
      `vkey ${sameVkey ? "identical" : "DIFFERENT"}`,
  );
  if (!sameZkey || !sameVkey) differ++;
}
await releaseCurves();
process.exitCode = differ > 0 ? 1 : missing > 0 ? 2 : 0;
