import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";
import { eigenLayerOf } from "../src/eigenlayer/index.js";

export interface Args extends ClientArgs {
  /** The deferred slash's id (`eigenlayer status` lists them). */
  id: bigint;
}

/** `hardhat eigenlayer retry-slash <id>`: anyone executes a slash EigenLayer refused before. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("eigenlayer retry-slash", hre, args, (ctx) => retrySlash(ctx, args));
}

/** The body of `eigenlayer retry-slash` on a client. */
export async function retrySlash(ctx: Client, args: Args): Promise<void> {
  const adapter = await eigenLayerOf(ctx, await ctx.signer());
  ctx.out.set("id", args.id);
  await sendAndDescribe(ctx, "retrySlash", () => adapter.retrySlash(args.id));
}
