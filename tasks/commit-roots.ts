import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  clientTask,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import {
  commitOverridesFrom,
  commitmentsFromSummary,
  readSnapshotSummary,
  rootsDigest,
  setBlobDigest,
  summaryFileOf,
  type CommitSources,
} from "../src/consortium/index.js";

export interface Args extends ClientArgs, CommitSources {
  /** The snapshot's directory (as `snapshot` prints it) or its summary.json. */
  summary: string;
}

/**
 * `hardhat ledger commit <summary> --poa <poa.json> --refs <blob-refs.json>`: post a snapshot's per-asset roots (from
 * the engine's summary.json) with the reserves of the member's PoA and the digests of its DA blobs to the ledger.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger commit", hre, args, (ctx) => ledgerCommit(ctx, args));
}

/** The body of `ledger commit` on a client. */
export async function ledgerCommit(ctx: Client, args: Args): Promise<void> {
  const summaryFile = await summaryFileOf(args.summary);
  const summary = await userInput(() => readSnapshotSummary(summaryFile));
  const commitments = await userInput(async () =>
    commitmentsFromSummary(summary, summaryFile, await commitOverridesFrom(summary, args)),
  );
  const signer = await ctx.signer();
  if (summary.member.toLowerCase() !== signer.address.toLowerCase()) {
    throw new TaskError(`${summaryFile} is member ${summary.member}'s snapshot; the account is ${signer.address}`);
  }
  const ledger = await ctx.contract("ledger", signer);
  const t = BigInt(summary.t);
  ctx.out.line(`member ${signer.address}, t ${t}, ${commitments.length} asset(s)`);
  for (const c of commitments) {
    const shortfall = c.reserves < c.rootSum ? "  << reserves below liabilities: committed as insolvent" : "";
    ctx.out.line(`  asset ${c.asset}: rootHash ${c.rootHash} rootSum ${c.rootSum} reserves ${c.reserves}${shortfall}`);
  }
  ctx.out.line(`  rootsDigest ${rootsDigest(commitments)} blobDigest ${setBlobDigest(commitments)}`);
  ctx.out.setAll({
    member: signer.address,
    t,
    commitments,
    rootsDigest: rootsDigest(commitments),
    blobDigest: setBlobDigest(commitments),
  });
  await sendAndDescribe(ctx, "commit", () => ledger.commit(t, commitments));
}
