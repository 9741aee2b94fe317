import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { decodeRevertData } from "../src/chain/errors.js";
import { addressInput, clientTask, given, type Client, type ClientArgs } from "../src/client/index.js";
import { eigenLayerOf, formatEigenLayerStatus, readEigenLayerStatus } from "../src/eigenlayer/index.js";

export interface Args extends ClientArgs {
  /** A member whose operator and weight to show. */
  member?: string;
}

/** `hardhat eigenlayer status [--member <address>]`: the consortium's AVS on EigenLayer (read-only). */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("eigenlayer status", hre, args, (ctx) => eigenLayerStatus(ctx, args));
}

/** The body of `eigenlayer status` on a client: reads only. */
export async function eigenLayerStatus(ctx: Client, args: Args): Promise<void> {
  const member = given(args.member) ? addressInput("--member", args.member) : undefined;
  const status = await readEigenLayerStatus(await eigenLayerOf(ctx), ctx.provider, member);
  // EigenLayer's refusals in words where the project knows the error (its revert data otherwise).
  for (const d of status.deferredSlashes) d.reason = decodeRevertData(d.reason, ctx.iface)?.message ?? d.reason;
  ctx.out.setAll(status);
  for (const line of formatEigenLayerStatus(status)) ctx.out.line(line);
}
