import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, type Client, type ClientArgs } from "../src/client/index.js";
import { formatMemberStatus, readMemberStatus } from "../src/members/index.js";

export interface Args extends ClientArgs {
  member: string;
}

/** `hardhat member status <member>`: lifecycle, SLA, keys, collateral and reserves of a member (read-only). */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("member status", hre, args, (ctx) => memberStatus(ctx, args));
}

/** The body of `member status` on a client: reads only, never resolves a signer. */
export async function memberStatus(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  const registry = await ctx.contract("registry");
  const wired = (await registry.stakeSource()) !== ctx.ethers.ZeroAddress;
  const stakeSource = !wired
    ? undefined
    : ctx.deployment.stakeKind === "eigenlayer"
      ? { eigenLayer: await ctx.contract("eigenLayer") }
      : { vault: await ctx.contract("vault") };
  const reserves = ctx.deployment.has("reserveRegistry") ? await ctx.contract("reserveRegistry") : undefined;
  const report = await readMemberStatus(registry, stakeSource, reserves, member);
  ctx.out.setAll(report);
  for (const line of formatMemberStatus(report)) ctx.out.line(line);
}
