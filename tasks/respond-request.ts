import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { requestStatusName } from "../src/chain/index.js";
import {
  TaskError,
  clientTask,
  given,
  idInput,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import {
  commitOverridesFrom,
  commitmentsFromSummary,
  readSnapshotSummary,
  summaryFileOf,
  type AssetCommitment,
  type CommitSources,
} from "../src/consortium/index.js";
import { RequestStatus } from "../src/generated/abi.js";
import { privateCommitmentsFor, type PrivateBlobOptions } from "./commit-roots.js";

export interface Args extends ClientArgs, CommitSources, PrivateBlobOptions {
  /** Request id (0n: from --request-file). */
  request: bigint;
  /** Or: `ledger request-proof --json`'s output (its requestId). */
  requestFile?: string;
  /** The snapshot (directory or summary.json) of the requested t, if not committed. */
  summary?: string;
}

/** How the request id is given. */
export const REQUEST_NAMES = { argument: "<request>", option: "--request-file", field: "requestId" };

/**
 * `hardhat ledger respond <request>`: the member answers a proof request. When its set for the request's `t` is
 * already committed the answer carries no commitments; otherwise `--summary` (the engine's summary.json for that `t`)
 * with `--poa` and `--refs` (or `--reserves` and `--blob-digests`), as for `ledger commit`, supplies them. A
 * private-mode snapshot answers with `respondToRequestPrivate` (`--poa` and `--blob-dir` or `--eigenda-url`).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger respond", hre, args, (ctx) => ledgerRespond(ctx, args));
}

/** The body of `ledger respond` on a client. */
export async function ledgerRespond(ctx: Client, args: Args): Promise<void> {
  const id = await idInput(args.request, args.requestFile, REQUEST_NAMES);
  const signer = await ctx.signer();
  const ledger = await ctx.contract("ledger", signer);
  const request = await ledger.requestOf(id);
  if (Number(request.status) !== RequestStatus.Open) {
    throw new TaskError(`request ${id} is not open: ${requestStatusName(request.status)}`);
  }
  if (request.member.toLowerCase() !== signer.address.toLowerCase()) {
    throw new TaskError(`request ${id} is addressed to ${request.member}; the account is ${signer.address}`);
  }
  const committed = (await ledger.setOf(request.member, request.t)).status !== 0n;
  let commitments: AssetCommitment[] = [];
  const summaryFile = !given(args.summary) ? "" : await summaryFileOf(args.summary);
  if (!committed) {
    if (summaryFile === "")
      throw new TaskError(`no set is committed for t ${request.t}: pass --summary of that snapshot`);
    const summary = await userInput(() => readSnapshotSummary(summaryFile));
    if (BigInt(summary.t) !== request.t || summary.member.toLowerCase() !== request.member.toLowerCase()) {
      throw new TaskError(`${summaryFile} is not member ${request.member}'s snapshot at t ${request.t}`);
    }
    if (summary.private === true) {
      ctx.out.line(`member ${request.member} answers request ${id} (t ${request.t}) with a private set`);
      const privateCommitments = await privateCommitmentsFor(ctx, args, summary, summaryFile, id);
      ctx.out.setAll({ request: id, member: request.member, t: request.t, deadline: request.deadline, private: true });
      await sendAndDescribe(ctx, "respondToRequestPrivate", () =>
        ledger.respondToRequestPrivate(id, privateCommitments),
      );
      return;
    }
    commitments = await userInput(async () =>
      commitmentsFromSummary(summary, summaryFile, await commitOverridesFrom(summary, args)),
    );
  } else if (summaryFile !== "") {
    throw new TaskError(`the set for t ${request.t} is already committed: answer without --summary`);
  }
  ctx.out.line(
    `member ${request.member} answers request ${id} (t ${request.t}, deadline ${request.deadline}): ` +
      (committed ? "the committed set" : `${commitments.length} new asset commitment(s)`),
  );
  ctx.out.setAll({ request: id, member: request.member, t: request.t, deadline: request.deadline, commitments });
  await sendAndDescribe(ctx, "respondToRequest", () => ledger.respondToRequest(id, commitments));
}
