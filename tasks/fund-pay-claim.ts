import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { bookedClaim } from "../src/consortium/index.js";
import {
  TaskError,
  contractAddress,
  openContext,
  runTask,
  sendAndReport,
  type TaskContext,
} from "../src/members/index.js";

export interface Args {
  nullifier: string;
  from: string;
  address: string;
}

/** `hardhat fund:pay-claim`: pay (what the fund can of) the restitution claim booked under a nullifier. */
export default async function fundPayClaim(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("fund:pay-claim", async () => runFundPayClaim(await openContext(hre, args.from), args));
}

/** The body of `fund:pay-claim` on an open context (tests and scripts call it directly). */
export async function runFundPayClaim(ctx: TaskContext, args: Args): Promise<void> {
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(args.nullifier)) {
    throw new TaskError("--nullifier must be the record's nullifier (decimal or 0x-hex)");
  }
  const nullifier = BigInt(args.nullifier);
  const fundAddress = await contractAddress(ctx, "RestitutionFund", args.address);
  const fund = await ctx.ethers.getContractAt("RestitutionFund", fundAddress, ctx.signer);
  // The fund keeps a tag of the recipient; the address itself is in the ClaimBooked event.
  const before = await bookedClaim(fund.runner, fundAddress, nullifier);
  if (before === undefined) throw new TaskError(`no claim is booked under nullifier ${nullifier}`);
  await sendAndReport(ctx, "payClaim", () => fund.payClaim(nullifier, before.recipient));
  const after = (await bookedClaim(fund.runner, fundAddress, nullifier)) ?? before;
  ctx.print(
    `claim against ${after.member}, asset ${after.asset}: paid ${after.paid} of ${after.amount} to ${after.recipient}`,
  );
}
