import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";
import { eigenLayerOf } from "../src/eigenlayer/index.js";

/** Every slash, whenever ordered (clearRestitution counts those ordered by this time). */
const MAX_UINT64 = 2n ** 64n - 1n;

export interface Args extends ClientArgs {
  member: string;
}

/**
 * `hardhat eigenlayer clear <member>`: anyone moves the member's slashed tokens that EigenLayer will pay now into its
 * restitution pool (after EigenLayer's slash resolution delay, where it has one).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("eigenlayer clear", hre, args, (ctx) => clearRestitution(ctx, args));
}

/** The body of `eigenlayer clear` on a client. */
export async function clearRestitution(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  const adapter = await eigenLayerOf(ctx, await ctx.signer());
  await sendAndDescribe(ctx, "clearRestitution", () => adapter.clearRestitution(member, MAX_UINT64));
  const pending = [...(await adapter.pendingSlashesOf(member))];
  ctx.out.setAll({ member, pendingSlashes: pending });
  ctx.out.line(
    pending.length === 0
      ? `member ${member}: every slash cleared into its restitution pool`
      : `member ${member}: slashes ${pending.join(", ")} still wait for EigenLayer (resolution delay)`,
  );
}
