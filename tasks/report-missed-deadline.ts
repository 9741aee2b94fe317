import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  request: bigint;
}

/** `hardhat ledger report-missed-deadline <request>`: slash a member that let a proof request's deadline pass. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger report-missed-deadline", hre, args, (ctx) => reportMissedDeadline(ctx, args));
}

/** The body of `ledger report-missed-deadline` on a client. */
export async function reportMissedDeadline(ctx: Client, args: Args): Promise<void> {
  const adjudicator = await ctx.contract("adjudicator", await ctx.signer());
  ctx.out.set("request", args.request);
  await sendAndDescribe(ctx, "reportMissedDeadline", () => adjudicator.reportMissedDeadline(args.request));
}
