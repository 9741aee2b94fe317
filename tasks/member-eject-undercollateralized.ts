import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  member: string;
}

/**
 * `hardhat member eject-undercollateralized <member>`: eject a slashed Probation or Active member whose stake weight
 * is below its SLA minimum (anyone may call; the Adjudicator refuses a member never slashed or not Probation/Active).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("member eject-undercollateralized", hre, args, (ctx) => memberEjectUndercollateralized(ctx, args));
}

/** The body of `member eject-undercollateralized` on a client. */
export async function memberEjectUndercollateralized(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  const adjudicator = await ctx.contract("adjudicator", await ctx.signer());
  ctx.out.set("member", member);
  await sendAndDescribe(ctx, "ejectUndercollateralized", () => adjudicator.ejectUndercollateralized(member));
}
