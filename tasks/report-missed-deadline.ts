import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, idInput, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

import { REQUEST_NAMES } from "./respond-request.js";

export interface Args extends ClientArgs {
  /** Request id (0n: from --request-file). */
  request: bigint;
  /** Or: `ledger request-proof --json`'s output (its requestId). */
  requestFile?: string;
}

/** `hardhat ledger report-missed-deadline <request>`: slash a member that let a proof request's deadline pass. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger report-missed-deadline", hre, args, (ctx) => reportMissedDeadline(ctx, args));
}

/** The body of `ledger report-missed-deadline` on a client. */
export async function reportMissedDeadline(ctx: Client, args: Args): Promise<void> {
  const request = await idInput(args.request, args.requestFile, REQUEST_NAMES);
  const adjudicator = await ctx.contract("adjudicator", await ctx.signer());
  ctx.out.set("request", request);
  await sendAndDescribe(ctx, "reportMissedDeadline", () => adjudicator.reportMissedDeadline(request));
}
