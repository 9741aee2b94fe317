import { rename, writeFile } from "node:fs/promises";

import { releaseCurves } from "../src/circuits/index.js";
import {
  FraudProofRefused,
  ROOT_SUM_CIRCUIT,
  proveRootSum,
  readSlotPath,
  slotPathFromLeaves,
} from "../src/prover/index.js";

interface ProveRootSumArgs {
  leaves: string;
  path: string;
  member: string;
  asset: string;
  t: string;
  rootSum: string;
  out: string;
}

function decimal(name: string, v: string, bits: number): bigint {
  if (!/^(0|[1-9][0-9]{0,77})$/.test(v)) throw new Error(`${name} must be a decimal integer`);
  const n = BigInt(v);
  if (n >= 1n << BigInt(bits)) throw new Error(`${name} must be below 2^${bits}`);
  return n;
}

/**
 * `hardhat prove-root-sum`: the member's published leaves (or any slot path of its tree) and the root sum it
 * committed -> a RootSumMismatch proof file, or a refusal when the committed root sum is the one the root hash binds.
 */
export default async function proveRootSumTask(args: ProveRootSumArgs): Promise<void> {
  try {
    if (args.rootSum === "") throw new Error("--root-sum <the committed root sum, decimal> is required");
    const rootSum = decimal("--root-sum", args.rootSum, 128);
    if ((args.leaves === "") === (args.path === "")) {
      throw new Error("give exactly one of --leaves <published leaves payload> or --path <slot-path.json>");
    }
    let member: bigint;
    let asset: number;
    let t: bigint;
    let proofInput;
    if (args.leaves !== "") {
      const fromLeaves = await slotPathFromLeaves(args.leaves, 0n);
      ({ member, asset, t } = fromLeaves.header);
      proofInput = { path: fromLeaves.path, expectedRoot: fromLeaves.rootHash };
    } else {
      if (args.member === "" || args.asset === "" || args.t === "") {
        throw new Error("with --path, give the commitment: --member <0x address> --asset <id> --t <snapshot time>");
      }
      if (!/^0x[0-9a-fA-F]{40}$/.test(args.member)) throw new Error("--member must be a 0x address");
      member = BigInt(args.member);
      asset = Number(decimal("--asset", args.asset, 32));
      t = decimal("--t", args.t, 64);
      const fromFile = await readSlotPath(args.path);
      proofInput = { path: fromFile.path, expectedRoot: fromFile.rootHash };
    }
    const { file, timings } = await proveRootSum({ member, asset, t, rootSum, ...proofInput });
    const tmp = `${args.out}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
    await rename(tmp, args.out);
    process.stdout.write(
      `Fraud proven: ${
        file.kind === "root-sum-mismatch"
          ? "the root hash binds a sum other than the committed root sum"
          : "a child of the root has an out-of-range or wrapped sum"
      }.\n` +
        `  member ${file.member}, asset ${file.asset}, t ${file.t}, committed root sum ${rootSum}\n` +
        `  proof (${ROOT_SUM_CIRCUIT}) written to ${args.out} in ${(timings.witnessAndProve / 1000).toFixed(2)} s\n`,
    );
  } catch (e) {
    if (e instanceof FraudProofRefused) {
      process.stderr.write(`prove-root-sum refused (${e.reason}): ${e.message}\n`);
    } else {
      process.stderr.write(`prove-root-sum failed: ${(e as Error).message}\n`);
    }
    process.exitCode = 1;
  } finally {
    await releaseCurves();
  }
}
