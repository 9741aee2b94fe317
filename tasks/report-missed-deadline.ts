import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { consortiumContext, decimalOption, runTask, sendAndDescribe, type CommonArgs } from "./consortium-context.js";

interface Args extends CommonArgs {
  request: string;
}

/** `hardhat report-missed-deadline`: slash a member that let a proof request's deadline pass. */
export default async function reportMissedDeadline(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    const requestId = decimalOption("request", args.request);
    const ctx = await consortiumContext(args, hre);
    await sendAndDescribe(ctx, "reportMissedDeadline", () => ctx.adjudicator.reportMissedDeadline(requestId));
  });
}
