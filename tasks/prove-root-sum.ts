import { rename, writeFile } from "node:fs/promises";

import { TaskError, addressInput, runTask, userInput } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { releaseCurves } from "../src/circuits/index.js";
import { ROOT_SUM_CIRCUIT, proveRootSum, readSlotPath, slotPathFromLeaves } from "../src/prover/index.js";
import { refusal } from "./prove-fraud.js";

export interface Args {
  /** The root sum the member committed. */
  rootSum: bigint;
  leaves?: string;
  path?: string;
  member?: string;
  /** With --path: the asset id. */
  asset?: string;
  /** With --path: the snapshot time (0n: not given). */
  t: bigint;
  out: string;
  json: boolean;
}

/**
 * `hardhat fraud prove-root-sum <rootSum> --leaves|--path`: the member's published leaves (or any slot path of its
 * tree) and the root sum it committed -> a RootSumMismatch proof file, or a refusal when the committed root sum is the
 * one the root hash binds.
 */
export default async function action(args: Args): Promise<void> {
  await runTask("fraud prove-root-sum", (out) => fraudProveRootSum(out, args), {
    json: args.json,
    finally: releaseCurves,
  });
}

/** The body of `fraud prove-root-sum`. */
export async function fraudProveRootSum(out: TaskOutput, args: Args): Promise<void> {
  const rootSum = args.rootSum;
  if (rootSum < 0n || rootSum >= 1n << 128n) throw new TaskError("<rootSum> must be below 2^128");
  const leaves = args.leaves ?? "";
  const pathFile = args.path ?? "";
  if ((leaves === "") === (pathFile === "")) {
    throw new TaskError("give exactly one of --leaves <published leaves payload> or --path <slot-path.json>");
  }
  let member: bigint;
  let asset: number;
  let t: bigint;
  let proofInput;
  if (leaves !== "") {
    const fromLeaves = await userInput(() => slotPathFromLeaves(leaves, 0n));
    ({ member, asset, t } = fromLeaves.header);
    proofInput = { path: fromLeaves.path, expectedRoot: fromLeaves.rootHash };
  } else {
    if (args.member === undefined || args.asset === undefined || args.t === 0n) {
      throw new TaskError("with --path, give the commitment: --member <0x address> --asset <id> --t <snapshot time>");
    }
    member = BigInt(addressInput("--member", args.member));
    if (!/^[0-9]+$/.test(args.asset) || BigInt(args.asset) >= 1n << 32n) {
      throw new TaskError("--asset must be an asset id below 2^32");
    }
    asset = Number(args.asset);
    if (args.t >= 1n << 64n) throw new TaskError("--t must be below 2^64");
    t = args.t;
    const fromFile = await userInput(() => readSlotPath(pathFile));
    proofInput = { path: fromFile.path, expectedRoot: fromFile.rootHash };
  }
  const { file, timings } = await proveRootSum({ member, asset, t, rootSum, ...proofInput }).catch((e: unknown) => {
    throw refusal(e);
  });
  const tmp = `${args.out}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
  await rename(tmp, args.out);
  out.line(
    `Fraud proven: ${
      file.kind === "root-sum-mismatch"
        ? "the root hash binds a sum other than the committed root sum"
        : "a child of the root has an out-of-range or wrapped sum"
    }.`,
  );
  out.line(`  member ${file.member}, asset ${file.asset}, t ${file.t}, committed root sum ${rootSum}`);
  out.line(`  proof (${ROOT_SUM_CIRCUIT}) written to ${args.out} in ${(timings.witnessAndProve / 1000).toFixed(2)} s`);
  out.setAll({ file: args.out, kind: file.kind, member: file.member, asset: file.asset, t: file.t, rootSum });
}
