import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, contractAddress, openContext, runTask, sendAndReport } from "../src/members/index.js";

interface Args {
  nullifier: string;
  from: string;
  address: string;
}

/** `hardhat fund:pay-claim`: pay (what the fund can of) the restitution claim booked under a nullifier. */
export default async function fundPayClaim(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("fund:pay-claim", async () => {
    if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(args.nullifier)) {
      throw new TaskError("--nullifier must be the record's nullifier (decimal or 0x-hex)");
    }
    const nullifier = BigInt(args.nullifier);
    const ctx = await openContext(hre, args.from);
    const fund = await ctx.ethers.getContractAt(
      "RestitutionFund",
      await contractAddress(ctx, "RestitutionFund", args.address),
      ctx.signer,
    );
    await sendAndReport(ctx, "payClaim", () => fund.payClaim(nullifier));
    const [member, asset, amount, paid, recipient] = await fund.claimOf(nullifier);
    ctx.print(`claim against ${member}, asset ${asset}: paid ${paid} of ${amount} to ${recipient}`);
  });
}
