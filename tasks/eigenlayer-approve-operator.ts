import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";
import { eigenLayerOf } from "../src/eigenlayer/index.js";

export interface Args extends ClientArgs {
  /** The EigenLayer operator that stakes for the signer. */
  operator: string;
}

/** `hardhat eigenlayer approve-operator <operator>`: the signing member names its EigenLayer operator. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("eigenlayer approve-operator", hre, args, (ctx) => approveOperator(ctx, args));
}

/** The body of `eigenlayer approve-operator` on a client. */
export async function approveOperator(ctx: Client, args: Args): Promise<void> {
  const operator = addressInput("<operator>", args.operator);
  const signer = await ctx.signer();
  const adapter = await eigenLayerOf(ctx, signer);
  ctx.out.setAll({ member: signer.address, operator });
  await sendAndDescribe(ctx, "approveOperator", () => adapter.approveOperator(operator));
  ctx.out.line(`next: the operator runs \`eigenlayer register --member ${signer.address}\``);
}
