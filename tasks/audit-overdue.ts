import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  member: string;
}

/** `hardhat audit overdue <member>`: anyone records that a member is past its RA due time (a missed duty). */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("audit overdue", hre, args, (ctx) => auditOverdue(ctx, args));
}

/** The body of `audit overdue` on a client. */
export async function auditOverdue(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  const attestations = await ctx.contract("attestations", await ctx.signer());
  await sendAndDescribe(ctx, "markOverdue", () => attestations.markOverdue(member));
  const state = await attestations.auditStateOf(member);
  ctx.out.line(`${member}: next RA due at ${state.dueAt}`);
  ctx.out.setAll({ member, dueAt: state.dueAt });
}
