import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, required, runTask, userInput } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { loadCrypto } from "../src/crypto/index.js";
import { loadKeystoreFile } from "../src/keys/index.js";
import { progressReporter } from "../src/log/progress.js";
import { readPassword } from "../src/keys/password.js";
import { SnapshotInterrupted, interruptOnSignals, runSnapshot } from "../src/snapshot/index.js";

export interface Args {
  ledger?: string;
  assets?: string;
  keystore?: string;
  /** Snapshot time, Unix seconds (0n: now). */
  time: bigint;
  out: string;
  depth: number;
  slotBits: number;
  noRecords: boolean;
  /** Also write one record file per user (records/<asset>/*.json) beside the records bundles. */
  recordFiles: boolean;
  passwordVar?: string;
  /** A private-mode snapshot (the summary holds each root's children; `ledger commit` commits it privately). */
  private?: boolean;
  json: boolean;
}

/** `hardhat snapshot`: ledger + member keystore + time -> signed records, trees, leaves and a summary. */
export default async function action(args: Args, hre?: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("snapshot", (out) => snapshot(out, args, hre), { json: args.json });
}

/** The body of `snapshot`: nothing is written unless it completes (an interrupt exits 130). */
export async function snapshot(out: TaskOutput, args: Args, hre?: HardhatRuntimeEnvironment): Promise<void> {
  const ledgerPath = required(args.ledger, "--ledger", "ledger .csv or .jsonl");
  const assetsPath = required(args.assets, "--assets", "asset list JSON");
  const keystore = required(args.keystore, "--keystore", "member keystore");
  const t = args.time === 0n ? BigInt(Math.floor(Date.now() / 1000)) : args.time;
  const crypto = await loadCrypto();
  const interrupt = interruptOnSignals();
  // One self-overwriting line in a terminal, plain lines in a log or a pipe.
  const progress = progressReporter(process.stderr, "snapshot");
  try {
    const password = await userInput(() => readPassword(undefined, args.passwordVar, hre));
    const { file, keys } = await userInput(() => loadKeystoreFile(crypto, keystore, password));
    process.stderr.write(`[snapshot] crypto backend: ${crypto.backend}\n`);
    const started = performance.now();
    const r = await runSnapshot(crypto, {
      signal: interrupt.signal,
      ledgerPath,
      assetsPath,
      keys,
      member: file.member,
      t,
      outDir: args.out,
      depth: args.depth,
      slotBits: args.slotBits === 0 ? undefined : args.slotBits,
      writeRecords: !args.noRecords,
      recordFiles: args.recordFiles,
      private: args.private === true,
      onProgress: progress.report,
    });
    const mode = args.private === true ? " (private mode: commit it with ledger commit --poa --blob-dir)" : "";
    out.line(`Snapshot written to ${r.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s${mode}`);
    for (const a of r.summary.assets) {
      out.line(`  ${a.symbol}: ${a.accounts} accounts, total ${a.total}, d=${a.d}, root ${a.rootHash}`);
    }
    out.setAll({
      dir: r.dir,
      summary: join(r.dir, "summary.json"),
      t,
      private: args.private === true,
      assets: r.summary.assets,
    });
  } catch (e) {
    progress.finish();
    const message = `nothing written: ${(e as Error).message}`;
    throw new TaskError(message, { exitCode: e instanceof SnapshotInterrupted ? 130 : 1, cause: e });
  } finally {
    interrupt.dispose();
    await crypto.close();
  }
}
