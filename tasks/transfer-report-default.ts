import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";
import { openNoticeOf, payableAt } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  notice?: string;
}

/**
 * `hardhat transfer report-default <notice>`: anyone, after settle-by: the sender is slashed the notice's owed weight
 * into its restitution pool, payable to the recipient the unbonding delay after posting (`transfer pay-default`).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer report-default", hre, args, (ctx) => transferReportDefault(ctx, args));
}

export async function transferReportDefault(ctx: Client, args: Args): Promise<void> {
  const transfers = await ctx.contract("transfers", await ctx.signer());
  const p = await openNoticeOf(transfers, args.notice, ctx.deployment.firstBlock);
  const id = p.noticeId;
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  if (now <= p.record.notice.settleBy) {
    throw new TaskError(`notice ${id}: settle-by ${p.record.notice.settleBy} has not passed (now ${now})`);
  }
  const receipt = await sendAndDescribe(ctx, "reportDefault", () => transfers.reportDefault(p.record));
  const due = payableAt(p.record, await (await ctx.contract("registry")).unbondingDelay());
  for (const log of receipt.logs) {
    const parsed = transfers.interface.parseLog(log);
    if (parsed?.name !== "NoticeDefaulted") continue;
    ctx.out.line(
      `notice ${id} defaulted: ${parsed.args.weightDue} weight due, slashed ${parsed.args.weightSlashed}; ` +
        `payable to ${p.record.notice.recipient} from ${due} (transfer pay-default)`,
    );
    ctx.out.setAll({
      noticeId: id,
      weightDue: parsed.args.weightDue,
      weightSlashed: parsed.args.weightSlashed,
      payableAt: due,
    });
  }
}
