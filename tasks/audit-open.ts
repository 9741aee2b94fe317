import { readdirSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { readSampleInput } from "../src/attestations/sample-input.js";
import { openingsOf, readRecordFiles, type SampledSlots } from "../src/attestations/sampling.js";
import { TaskError, clientTask, required, userInput, type Client, type ClientArgs } from "../src/client/index.js";
import { ENCRYPTION_KEY_VARIABLE, blobOpenerOf } from "./operator-encryption-key.js";
import { loadCrypto } from "../src/crypto/index.js";
import { formatRecordFile } from "../src/records/file.js";
import { isBundleFileName } from "../src/records/bundle.js";
import { SnapshotRecords } from "../src/records/service.js";

export interface Args extends ClientArgs {
  sample: bigint;
  /** The DA blob of the sampled asset (what the member committed). */
  blob?: string;
  /**
   * The snapshot directory: its records bundles (records-<asset>.bundle, what `snapshot` writes by default), or,
   * without bundles, its per-user record files (searched recursively).
   */
  records?: string;
  /** Directory to copy the sampled accounts' records into (for the auditor). */
  out?: string;
}

/**
 * `hardhat audit open <sample> --blob --records --out`: the member collects the record files of the accounts a sample
 * selected (from its records bundle, or its per-user files), for the auditor; names the sampled slots it has no
 * record of.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  const variable = hre.config.por.encryptionKey.name;
  await clientTask("audit open", hre, args, (ctx) => auditOpen(ctx, args, variable));
}

/**
 * The body of `audit open` on a client. A private set's blob is opened with the member's operator's encryption key
 * (configuration variable `encryptionKeyVariable`): the member's operator is one of its recipients.
 */
export async function auditOpen(
  ctx: Client,
  args: Args,
  encryptionKeyVariable = ENCRYPTION_KEY_VARIABLE,
): Promise<void> {
  const blob = required(args.blob, "--blob", "the DA blob file");
  const recordsDir = required(args.records, "--records", "the snapshot's records directory");
  const outDir = required(args.out, "--out", "the directory for the opened records");
  const attestations = await ctx.contract("attestations");
  const input = await userInput(() =>
    readSampleInput(
      attestations,
      ctx.provider,
      ctx.deployment.address("ledger"),
      args.sample,
      blob,
      blobOpenerOf(ctx, encryptionKeyVariable),
    ),
  );
  const { opened, missing } = await userInput(() => openSampled(recordsDir, input.slots, outDir));
  ctx.out.line(
    `sample ${args.sample}: ${opened.length} of ${input.slots.slots.length} sampled account(s) into ${outDir}`,
  );
  ctx.out.setAll({ sample: args.sample, slots: input.slots.slots, opened: opened.length, missing, out: outDir });
  if (missing.length > 0) {
    throw new TaskError(`no record of sampled slot(s) ${missing.join(", ")} under ${recordsDir}: the sample is short`);
  }
}

/** Writes the sampled slots' records into `outDir` from the snapshot's records bundle, or its per-user files. */
async function openSampled(
  recordsDir: string,
  slots: SampledSlots,
  outDir: string,
): Promise<{ opened: unknown[]; missing: number[] }> {
  if (!readdirSync(recordsDir).some(isBundleFileName)) {
    const { opened, missing } = openingsOf(await readRecordFiles(recordsDir), slots);
    await mkdir(outDir, { recursive: true });
    for (const r of opened) await copyFile(r.file, join(outDir, `${r.record.record.slot}-${basename(r.file)}`));
    return { opened, missing };
  }
  const crypto = await loadCrypto({ threads: 0 });
  const records = SnapshotRecords.open(recordsDir, (i) => crypto.poseidon(i));
  try {
    const found = records.recordsOfSlots(slots.asset, slots.slots);
    // Only records of the sampled set: a bundle of the same asset at another t, or of another member, opens nothing.
    const opened = found.filter(
      (r) => BigInt(r.record.record.member) === slots.member && BigInt(r.record.record.t) === slots.t,
    );
    const have = new Set(opened.map((r) => r.slot));
    await mkdir(outDir, { recursive: true });
    for (const r of opened) {
      await writeFile(join(outDir, `${r.slot}-record-${slots.asset}.json`), formatRecordFile(r.record));
    }
    return { opened, missing: slots.slots.filter((s) => !have.has(s)) };
  } finally {
    records.close();
    await crypto.close();
  }
}
