import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  contractAddress,
  formatAmount,
  formatTime,
  openContext,
  parseAmount,
  resolveToken,
  runTask,
  sendAndReport,
  type TaskContext,
} from "../src/members/index.js";

export interface Args {
  token: string;
  amount: string;
  from: string;
  address: string;
}

/** `hardhat collateral:request-withdrawal`: start the unbonding delay for part of the signer's collateral. */
export default async function collateralRequestWithdrawal(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("collateral:request-withdrawal", async () =>
    runCollateralRequestWithdrawal(await openContext(hre, args.from), args),
  );
}

/** The body of `collateral:request-withdrawal` on an open context (tests and scripts call it directly). */
export async function runCollateralRequestWithdrawal(ctx: TaskContext, args: Args): Promise<void> {
  const vault = await ctx.ethers.getContractAt(
    "CollateralVault",
    await contractAddress(ctx, "CollateralVault", args.address),
    ctx.signer,
  );
  const token = await resolveToken(args.token, ctx.signer).catch((e: Error) => {
    throw new TaskError(e.message);
  });
  const amount = parseAmount(args.amount, token.decimals);
  ctx.print(`request withdrawal of ${formatAmount(amount, token.decimals, token.symbol)}`);
  await sendAndReport(ctx, "requestWithdrawal", () => vault.requestWithdrawal(token.address, amount));
  const pending = await vault.pendingOf(ctx.signer.address, token.address);
  ctx.print(`pending ${pending.amount}, executable from ${formatTime(pending.executableAt)}`);
}
