import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";
import { eigenLayerOf } from "../src/eigenlayer/index.js";

export interface Args extends ClientArgs {
  member: string;
}

/**
 * `hardhat eigenlayer refresh <member>`: anyone caches the member's slashable stake as its weight (what the quorum
 * counts for subjects created after it).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("eigenlayer refresh", hre, args, (ctx) => refreshStake(ctx, args));
}

/** The body of `eigenlayer refresh` on a client. */
export async function refreshStake(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  const adapter = await eigenLayerOf(ctx, await ctx.signer());
  await sendAndDescribe(ctx, "refreshStake", () => adapter.refreshStake(member));
  const weight = (await adapter.stakeHistoryOf(member)).weight;
  ctx.out.setAll({ member, weight });
  ctx.out.line(`member ${member}: weight ${weight} cached`);
}
