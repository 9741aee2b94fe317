import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { loadCrypto } from "../src/crypto/index.js";
import { loadKeystoreFile } from "../src/keys/index.js";
import { progressReporter } from "../src/log/progress.js";
import { readPassword } from "../src/keys/password.js";
import { SnapshotInterrupted, interruptOnSignals, runSnapshot } from "../src/snapshot/index.js";

interface SnapshotArgs {
  ledger: string;
  assets: string;
  keystore: string;
  time: string;
  out: string;
  depth: number;
  slotBits: number;
  noRecords: boolean;
  passwordVar?: string;
}

function password(name: string | undefined, hre: HardhatRuntimeEnvironment | undefined): Promise<string> {
  if (name !== undefined && name !== "") {
    if (hre === undefined) throw new Error("--password-var needs the Hardhat runtime");
    return readPassword(undefined, { hre, name });
  }
  return readPassword();
}

/** `hardhat snapshot`: ledger + member keystore + time -> signed records, trees, leaves and a summary. */
export default async function snapshot(args: SnapshotArgs, hre?: HardhatRuntimeEnvironment): Promise<void> {
  const crypto = await loadCrypto();
  const interrupt = interruptOnSignals();
  // One self-overwriting line in a terminal, plain lines in a log or a pipe.
  const progress = progressReporter(process.stderr, "snapshot");
  try {
    for (const [name, v] of [
      ["--ledger", args.ledger],
      ["--assets", args.assets],
      ["--keystore", args.keystore],
    ]) {
      if (v === "") throw new Error(`${name} is required`);
    }
    const t = args.time === "" ? BigInt(Math.floor(Date.now() / 1000)) : BigInt(args.time);
    const { file, keys } = await loadKeystoreFile(crypto, args.keystore, await password(args.passwordVar, hre));
    process.stderr.write(`[snapshot] crypto backend: ${crypto.backend}\n`);
    const started = performance.now();
    const r = await runSnapshot(crypto, {
      signal: interrupt.signal,
      ledgerPath: args.ledger,
      assetsPath: args.assets,
      keys,
      member: file.member,
      t,
      outDir: args.out,
      depth: args.depth,
      slotBits: args.slotBits === 0 ? undefined : args.slotBits,
      writeRecords: !args.noRecords,
      onProgress: progress.report,
    });
    process.stdout.write(`Snapshot written to ${r.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    for (const a of r.summary.assets) {
      process.stdout.write(`  ${a.symbol}: ${a.accounts} accounts, total ${a.total}, d=${a.d}, root ${a.rootHash}\n`);
    }
  } catch (e) {
    progress.finish();
    process.stderr.write(`snapshot failed, nothing written: ${(e as Error).message}\n`);
    process.exitCode = e instanceof SnapshotInterrupted ? 130 : 1;
  } finally {
    interrupt.dispose();
    await crypto.close();
  }
}
