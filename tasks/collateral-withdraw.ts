import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, userInput, type Client, type ClientArgs } from "../src/client/index.js";
import { resolveToken } from "../src/members/index.js";

export interface Args extends ClientArgs {
  token: string;
}

/** `hardhat collateral withdraw`: pay out the signer's pending withdrawal once its unbonding delay elapsed. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("collateral withdraw", hre, args, (ctx) => collateralWithdraw(ctx, args));
}

/** The body of `collateral withdraw` on a client. */
export async function collateralWithdraw(ctx: Client, args: Args): Promise<void> {
  const signer = await ctx.signer();
  const vault = await ctx.contract("vault", signer);
  const token = await userInput(() => resolveToken(args.token, signer));
  ctx.out.set("token", token.address);
  await sendAndDescribe(ctx, "withdraw", () => vault.withdraw(token.address));
}
