import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  sample: bigint;
}

/** `hardhat audit seed <sample>`: anyone fixes a sample's seed from its seed block's hash; its deadline starts. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("audit seed", hre, args, (ctx) => auditSeed(ctx, args));
}

/** The body of `audit seed` on a client. */
export async function auditSeed(ctx: Client, args: Args): Promise<void> {
  const attestations = await ctx.contract("attestations", await ctx.signer());
  await sendAndDescribe(ctx, "fixSampleSeed", () => attestations.fixSampleSeed(args.sample));
  const sample = await attestations.sampleOf(args.sample);
  ctx.out.line(`sample ${args.sample}: seed ${sample.seed}; the member opens the accounts by ${sample.deadline}`);
  ctx.out.setAll({ sample: args.sample, seed: sample.seed, deadline: sample.deadline });
}
