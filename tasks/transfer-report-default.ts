import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  bytes32Input,
  clientTask,
  given,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { findNotice } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  notice?: string;
}

/** `hardhat transfer report-default <notice>`: anyone, after settle-by: the sender is slashed, paid to the recipient. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer report-default", hre, args, (ctx) => transferReportDefault(ctx, args));
}

export async function transferReportDefault(ctx: Client, args: Args): Promise<void> {
  if (!given(args.notice)) throw new TaskError("<notice> (the notice id) is required");
  const id = bytes32Input("<notice>", args.notice);
  const transfers = await ctx.contract("transfers", await ctx.signer());
  const p = await userInput(() => findNotice(transfers, id, ctx.deployment.firstBlock));
  if (p.status !== "Open") throw new TaskError(`notice ${id} is ${p.status}, not open`);
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  if (now <= p.record.notice.settleBy) {
    throw new TaskError(`notice ${id}: settle-by ${p.record.notice.settleBy} has not passed (now ${now})`);
  }
  const receipt = await sendAndDescribe(ctx, "reportDefault", () => transfers.reportDefault(p.record));
  for (const log of receipt.logs) {
    const parsed = transfers.interface.parseLog(log);
    if (parsed?.name !== "NoticeDefaulted") continue;
    ctx.out.line(`notice ${id} defaulted: owed ${parsed.args.weightOwed} weight, slashed ${parsed.args.weightSlashed}`);
    ctx.out.setAll({ noticeId: id, weightOwed: parsed.args.weightOwed, weightSlashed: parsed.args.weightSlashed });
  }
}
