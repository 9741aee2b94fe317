import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  commitmentsFromSummary,
  parseAssetMap,
  readSnapshotSummary,
  rootsDigest,
  setBlobDigest,
} from "../src/consortium/index.js";
import {
  TaskFailure,
  consortiumContext,
  decimalOption,
  runTask,
  sendAndDescribe,
  type CommonArgs,
} from "./consortium-context.js";

interface Args extends CommonArgs {
  summary: string;
  reserves: string;
  blobDigests: string;
}

/** `hardhat commit-roots`: post a snapshot's per-asset roots (from the engine's summary.json) to the ledger. */
export default async function commitRoots(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    if (args.summary === "") throw new TaskFailure("--summary <snapshot dir>/summary.json is required");
    const summary = await readSnapshotSummary(args.summary);
    const commitments = await commitmentsFromSummary(summary, args.summary, {
      reserves: parseAssetMap(args.reserves, (v) => decimalOption("reserves", v), "--reserves"),
      blobDigest: parseAssetMap(
        args.blobDigests,
        (v) => {
          if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new TaskFailure(`--blob-digests: ${v} is not a 32-byte 0x hex`);
          return v;
        },
        "--blob-digests",
      ),
    });
    const ctx = await consortiumContext(args, hre);
    if (summary.member.toLowerCase() !== ctx.signer.address.toLowerCase()) {
      throw new TaskFailure(
        `${args.summary} is member ${summary.member}'s snapshot; the account is ${ctx.signer.address}`,
      );
    }
    const t = BigInt(summary.t);
    console.log(`member ${ctx.signer.address}, t ${t}, ${commitments.length} asset(s)`);
    for (const c of commitments) {
      const shortfall = c.reserves < c.rootSum ? "  << reserves below liabilities: committed as insolvent" : "";
      console.log(`  asset ${c.asset}: rootHash ${c.rootHash} rootSum ${c.rootSum} reserves ${c.reserves}${shortfall}`);
    }
    console.log(`  rootsDigest ${rootsDigest(commitments)} blobDigest ${setBlobDigest(commitments)}`);
    await sendAndDescribe(ctx, "commit", () => ctx.ledger.commit(t, commitments));
  });
}
