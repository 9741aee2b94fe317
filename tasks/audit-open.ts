import { copyFile, mkdir } from "node:fs/promises";
import { basename, join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { readSampleInput } from "../src/attestations/sample-input.js";
import { openingsOf, readRecordFiles } from "../src/attestations/sampling.js";
import { TaskError, clientTask, required, userInput, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  sample: bigint;
  /** The DA blob of the sampled asset (what the member committed). */
  blob?: string;
  /** The member's record files of the snapshot (a directory searched recursively). */
  records?: string;
  /** Directory to copy the sampled accounts' records into (for the auditor). */
  out?: string;
}

/**
 * `hardhat audit open <sample> --blob --records --out`: the member collects the record files of the accounts a sample
 * selected, for the auditor; names the sampled slots it has no record of.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("audit open", hre, args, (ctx) => auditOpen(ctx, args));
}

/** The body of `audit open` on a client. */
export async function auditOpen(ctx: Client, args: Args): Promise<void> {
  const blob = required(args.blob, "--blob", "the DA blob file");
  const recordsDir = required(args.records, "--records", "the snapshot's records directory");
  const outDir = required(args.out, "--out", "the directory for the opened records");
  const attestations = await ctx.contract("attestations");
  const input = await userInput(() =>
    readSampleInput(attestations, ctx.provider, ctx.deployment.address("ledger"), args.sample, blob),
  );
  const records = await userInput(() => readRecordFiles(recordsDir));
  const { opened, missing } = openingsOf(records, input.slots);
  await mkdir(outDir, { recursive: true });
  for (const r of opened) await copyFile(r.file, join(outDir, `${r.record.record.slot}-${basename(r.file)}`));
  ctx.out.line(
    `sample ${args.sample}: ${opened.length} of ${input.slots.slots.length} sampled account(s) into ${outDir}`,
  );
  ctx.out.setAll({ sample: args.sample, slots: input.slots.slots, opened: opened.length, missing, out: outDir });
  if (missing.length > 0) {
    throw new TaskError(`no record of sampled slot(s) ${missing.join(", ")} under ${recordsDir}: the sample is short`);
  }
}
