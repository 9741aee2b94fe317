import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, userInput, type Client, type ClientArgs } from "../src/client/index.js";
import { formatAmount, formatTime, parseAmount, resolveToken } from "../src/members/index.js";

export interface Args extends ClientArgs {
  amount: string;
  token: string;
}

/** `hardhat collateral request-withdrawal <amount>`: start the unbonding delay for part of the signer's collateral. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("collateral request-withdrawal", hre, args, (ctx) => collateralRequestWithdrawal(ctx, args));
}

/** The body of `collateral request-withdrawal` on a client. */
export async function collateralRequestWithdrawal(ctx: Client, args: Args): Promise<void> {
  const signer = await ctx.signer();
  const vault = await ctx.contract("vault", signer);
  const token = await userInput(() => resolveToken(args.token, signer));
  const amount = await userInput(() => parseAmount(args.amount, token.decimals, "<amount>"));
  ctx.out.line(`request withdrawal of ${formatAmount(amount, token.decimals, token.symbol)}`);
  await sendAndDescribe(ctx, "requestWithdrawal", () => vault.requestWithdrawal(token.address, amount));
  const pending = await vault.pendingOf(signer.address, token.address);
  ctx.out.line(`pending ${pending.amount}, executable from ${formatTime(pending.executableAt)}`);
  ctx.out.setAll({ token: token.address, pending: pending.amount, executableAt: pending.executableAt });
}
