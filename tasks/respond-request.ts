import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { requestStatusName } from "../src/chain/index.js";
import {
  commitmentsFromSummary,
  parseAssetMap,
  readSnapshotSummary,
  type AssetCommitment,
} from "../src/consortium/index.js";
import { RequestStatus } from "../src/generated/abi.js";
import {
  TaskFailure,
  consortiumContext,
  decimalOption,
  runTask,
  sendAndDescribe,
  type CommonArgs,
} from "./consortium-context.js";

interface Args extends CommonArgs {
  request: string;
  summary: string;
  reserves: string;
  blobDigests: string;
}

/**
 * `hardhat respond-request`: the member answers a proof request. When its set for the request's `t` is already
 * committed the answer carries no commitments; otherwise `--summary` (the engine's summary.json for that `t`) with
 * `--reserves` and `--blob-digests`, as for commit-roots, supplies them.
 */
export default async function respondRequest(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    const id = decimalOption("request", args.request);
    const ctx = await consortiumContext(args, hre);
    const request = await ctx.ledger.requestOf(id);
    if (Number(request.status) !== RequestStatus.Open) {
      throw new TaskFailure(`request ${id} is not open: ${requestStatusName(request.status)}`);
    }
    if (request.member.toLowerCase() !== ctx.signer.address.toLowerCase()) {
      throw new TaskFailure(`request ${id} is addressed to ${request.member}; the account is ${ctx.signer.address}`);
    }
    const committed = (await ctx.ledger.setOf(request.member, request.t)).status !== 0n;
    let commitments: AssetCommitment[] = [];
    if (!committed) {
      if (args.summary === "") {
        throw new TaskFailure(`no set is committed for t ${request.t}: pass --summary of that snapshot`);
      }
      const summary = await readSnapshotSummary(args.summary);
      if (BigInt(summary.t) !== request.t || summary.member.toLowerCase() !== request.member.toLowerCase()) {
        throw new TaskFailure(`${args.summary} is not member ${request.member}'s snapshot at t ${request.t}`);
      }
      commitments = await commitmentsFromSummary(summary, args.summary, {
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
    } else if (args.summary !== "") {
      throw new TaskFailure(`the set for t ${request.t} is already committed: answer without --summary`);
    }
    console.log(
      `member ${request.member} answers request ${id} (t ${request.t}, deadline ${request.deadline}): ` +
        (committed ? "the committed set" : `${commitments.length} new asset commitment(s)`),
    );
    await sendAndDescribe(ctx, "respondToRequest", () => ctx.ledger.respondToRequest(id, commitments));
  });
}
