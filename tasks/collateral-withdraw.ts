import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  contractAddress,
  openContext,
  resolveToken,
  runTask,
  sendAndReport,
  type TaskContext,
} from "../src/members/index.js";

export interface Args {
  token: string;
  from: string;
  address: string;
}

/** `hardhat collateral:withdraw`: pay out the signer's pending withdrawal once its unbonding delay elapsed. */
export default async function collateralWithdraw(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("collateral:withdraw", async () => runCollateralWithdraw(await openContext(hre, args.from), args));
}

/** The body of `collateral:withdraw` on an open context (tests and scripts call it directly). */
export async function runCollateralWithdraw(ctx: TaskContext, args: Args): Promise<void> {
  const vault = await ctx.ethers.getContractAt(
    "CollateralVault",
    await contractAddress(ctx, "CollateralVault", args.address),
    ctx.signer,
  );
  const token = await resolveToken(args.token, ctx.signer).catch((e: Error) => {
    throw new TaskError(e.message);
  });
  await sendAndReport(ctx, "withdraw", () => vault.withdraw(token.address));
}
