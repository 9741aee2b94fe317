import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  clientTask,
  given,
  sendAndDescribe,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { openNoticeOf, payableAt } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  notice?: string;
  /** Where the payout goes (default: the recipient member; only the recipient may name another address). */
  to?: string;
}

/**
 * `hardhat transfer pay-default <notice> [--to <address>]`: anyone, once the unbonding delay after a defaulted
 * notice's posting has passed: the owed weight goes from the sender's restitution pool to the recipient.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer pay-default", hre, args, (ctx) => transferPayDefault(ctx, args));
}

export async function transferPayDefault(ctx: Client, args: Args): Promise<void> {
  const signer = await ctx.signer();
  const transfers = await ctx.contract("transfers", signer);
  const p = await openNoticeOf(transfers, args.notice, ctx.deployment.firstBlock, "Defaulted");
  const id = p.noticeId;
  const recipient = p.record.notice.recipient;
  const to = given(args.to) ? addressInput("--to", args.to!) : recipient;
  if (to.toLowerCase() !== recipient.toLowerCase() && signer.address.toLowerCase() !== recipient.toLowerCase()) {
    throw new TaskError(`--to ${to}: only the recipient ${recipient} may have notice ${id}'s payout paid elsewhere`);
  }
  const due = payableAt(p.record, await (await ctx.contract("registry")).unbondingDelay());
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  if (now < due) {
    throw new TaskError(`notice ${id}: payable from ${due} (the unbonding delay after posting), now ${now}`);
  }
  const receipt = await sendAndDescribe(ctx, "payDefault", () => transfers.payDefault(p.record, to));
  for (const log of receipt.logs) {
    const parsed = transfers.interface.parseLog(log);
    if (parsed?.name !== "DefaultPaid") continue;
    ctx.out.line(`notice ${id} paid to ${to}: ${parsed.args.weightPaid} of ${parsed.args.weightDue} weight due`);
    ctx.out.setAll({ noticeId: id, to, weightDue: parsed.args.weightDue, weightPaid: parsed.args.weightPaid });
  }
}
