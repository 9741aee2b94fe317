import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, contractAddress, openContext, resolveToken, runTask, sendAndReport } from "../src/members/index.js";

interface Args {
  token: string;
  from: string;
  address: string;
}

/** `hardhat collateral:withdraw`: pay out the signer's pending withdrawal once its unbonding delay elapsed. */
export default async function collateralWithdraw(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("collateral:withdraw", async () => {
    const ctx = await openContext(hre, args.from);
    const vault = await ctx.ethers.getContractAt(
      "CollateralVault",
      await contractAddress(ctx, "CollateralVault", args.address),
      ctx.signer,
    );
    const token = await resolveToken(args.token, ctx.signer).catch((e: Error) => {
      throw new TaskError(e.message);
    });
    await sendAndReport(ctx, "withdraw", () => vault.withdraw(token.address));
  });
}
