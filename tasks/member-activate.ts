import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  /** The member's 0x address. */
  member: string;
}

/**
 * `hardhat member activate <member>`: Probation -> Active. Governance may activate at once; anyone (the member
 * itself) once the probation period has elapsed. Either way the member's collateral weight must meet its SLA minimum.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("member activate", hre, args, (ctx) => memberActivate(ctx, args));
}

/** The body of `member activate` on a client. */
export async function memberActivate(ctx: Client, args: Args): Promise<void> {
  const signer = await ctx.signer();
  const member = addressInput("<member>", args.member);
  const registry = await ctx.contract("registry", signer);
  ctx.out.set("member", member);
  await sendAndDescribe(ctx, "activate", () => registry.activate(member));
}
