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
  /** The Adjudicator (it keeps the claim book; the money is the vault's restitution pool). */
  address: string;
}

/**
 * `hardhat fund:pay-claim`: pay (what the restitution pool holds of) the claim booked under a nullifier. The
 * restitution fund is the Adjudicator's claim book, paid from the collateral vault's restitution pool.
 */
export default async function fundPayClaim(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("fund:pay-claim", async () => runFundPayClaim(await openContext(hre, args.from), args));
}

/** The body of `fund:pay-claim` on an open context (tests and scripts call it directly). */
export async function runFundPayClaim(ctx: TaskContext, args: Args): Promise<void> {
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(args.nullifier)) {
    throw new TaskError("--nullifier must be the record's nullifier (decimal or 0x-hex)");
  }
  const nullifier = BigInt(args.nullifier);
  const adjudicatorAddress = await contractAddress(ctx, "Adjudicator", args.address);
  const adjudicator = await ctx.ethers.getContractAt("Adjudicator", adjudicatorAddress, ctx.signer);
  // The claim book keeps a tag of the recipient; the address itself is in the FraudProven event that booked it.
  const before = await bookedClaim(adjudicator.runner, adjudicatorAddress, nullifier);
  if (before === undefined) throw new TaskError(`no claim is booked under nullifier ${nullifier}`);
  await sendAndReport(ctx, "payClaim", () => adjudicator.payClaim(nullifier, before.recipient));
  const after = (await bookedClaim(adjudicator.runner, adjudicatorAddress, nullifier)) ?? before;
  const vault = await ctx.ethers.getContractAt("CollateralVault", (await adjudicator.wiring()).vault);
  const [held] = await vault.restitutionOf(after.token);
  ctx.print(
    `claim against ${after.member}, asset ${after.asset}: paid ${after.paid} of ${after.amount} to ${after.recipient}` +
      ` (restitution pool now holds ${held} of token ${after.token})`,
  );
}
