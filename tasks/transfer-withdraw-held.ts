import { ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  clientTask,
  given,
  sendAndDescribe,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";

export interface Args extends ClientArgs {
  /** The asset whose held payments to withdraw (its token on this chain; ETH: the native asset). */
  asset: number;
  /** Where to (default: the signer). */
  to?: string;
}

/**
 * `hardhat transfer withdraw-held --asset <id> [--to <address>]`: a recipient withdraws the settlements the contract
 * held for it because its deposit address refused them.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer withdraw-held", hre, args, (ctx) => transferWithdrawHeld(ctx, args));
}

export async function transferWithdrawHeld(ctx: Client, args: Args): Promise<void> {
  const signer = await ctx.signer();
  const transfers = await ctx.contract("transfers", signer);
  const token = await (await ctx.contract("registry")).assetToken(args.asset);
  const to = given(args.to) ? addressInput("--to", args.to!) : signer.address;
  const held = await transfers.heldOf(signer.address, token);
  if (held === 0n) {
    throw new TaskError(`nothing held for ${signer.address} in asset ${args.asset} (token ${token})`);
  }
  await sendAndDescribe(ctx, "withdrawHeld", () => transfers.withdrawHeld(token, to));
  const what = token === ZeroAddress ? "wei" : `base units of ${token}`;
  ctx.out.line(`withdrew ${held} ${what} held for ${signer.address} to ${to}`);
  ctx.out.setAll({ recipient: signer.address, token, to, amount: held });
}
