import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { readSampleInput } from "../src/attestations/sample-input.js";
import { checkOpenings, readRecordFiles } from "../src/attestations/sampling.js";
import {
  TaskError,
  clientTask,
  required,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { expectedRootOf, publishedTree } from "../src/consortium/index.js";
import { loadCrypto } from "../src/crypto/index.js";
import { ENCRYPTION_KEY_VARIABLE, blobOpenerOf } from "./operator-encryption-key.js";

export interface Args extends ClientArgs {
  sample: bigint;
  /** The DA blob of the sampled asset. */
  blob?: string;
  /** The records the member opened (a directory). */
  records?: string;
  /** Post the outcome on-chain (`reportSample`). */
  report: boolean;
}

/**
 * `hardhat audit check <sample> --blob --records [--report]`: the auditor checks every sampled account's opened record
 * against the committed tree and the key valid at t, and (with --report) posts how many were opened and failed.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  const variable = hre.config.por.encryptionKey.name;
  await clientTask("audit check", hre, args, (ctx) => auditCheck(ctx, args, variable));
}

/**
 * The body of `audit check` on a client. A private set's blob is opened with the auditor's encryption key
 * (configuration variable `encryptionKeyVariable`, registered with `operator encryption-key register`), and the
 * records are checked against its root hash (its sum is hidden).
 */
export async function auditCheck(
  ctx: Client,
  args: Args,
  encryptionKeyVariable = ENCRYPTION_KEY_VARIABLE,
): Promise<void> {
  const blob = required(args.blob, "--blob", "the DA blob file");
  const recordsDir = required(args.records, "--records", "the opened records' directory");
  const attestations = await ctx.contract("attestations");
  const ledger = ctx.deployment.address("ledger");
  const input = await userInput(() =>
    readSampleInput(attestations, ctx.provider, ledger, args.sample, blob, blobOpenerOf(ctx, encryptionKeyVariable)),
  );
  if (input.reported) throw new TaskError(`sample ${args.sample} is reported already`);
  const records = await userInput(() => readRecordFiles(recordsDir));
  const tree = await userInput(() =>
    publishedTree(
      ctx.provider,
      { ledger, registry: ctx.deployment.address("registry") },
      input.member,
      input.asset,
      input.t,
    ),
  );
  const crypto = await loadCrypto({ threads: 0 });
  let result;
  try {
    result = checkOpenings(crypto, input.slots, records, { root: expectedRootOf(tree), keyHash: tree.keyHash });
  } finally {
    await crypto.close();
  }
  for (const c of result.checks) ctx.out.line(`slot ${c.slot}: ${c.outcome} (${c.detail})`);
  const size = input.slots.slots.length;
  ctx.out.line(`sample ${args.sample}: ${result.opened} of ${size} opened, ${result.failures} failed a check`);
  ctx.out.setAll({
    sample: args.sample,
    size,
    opened: result.opened,
    failures: result.failures,
    checks: result.checks,
  });
  if (!args.report) return;
  // A tree with fewer populated leaves than the requested size draws them all: every one opened is the whole sample.
  const opened = result.opened === size ? input.size : result.opened;
  const signed = await ctx.contract("attestations", await ctx.signer());
  await sendAndDescribe(ctx, "reportSample", () => signed.reportSample(args.sample, opened, result.failures));
}
