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
  /** The Adjudicator (it keeps the claim book; the money is the accused member's restitution pool in the vault). */
  address: string;
}

/**
 * `hardhat fund:pay-claim`: pay (what the accused member's restitution pool holds of) the claim booked under a
 * nullifier. The restitution fund is the Adjudicator's claim book; each claim is paid only from the pool of the member
 * it was proven against (what that member was slashed, less bounties) in the collateral vault.
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
  // The claim book keeps a tag of (member, recipient); both addresses are in the FraudProven event that booked it.
  const before = await bookedClaim(adjudicator.runner, adjudicatorAddress, nullifier);
  if (before === undefined) throw new TaskError(`no claim is booked under nullifier ${nullifier}`);
  await sendAndReport(ctx, "payClaim", () => adjudicator.payClaim(nullifier, before.member, before.recipient));
  const after = (await bookedClaim(adjudicator.runner, adjudicatorAddress, nullifier)) ?? before;
  const vault = await ctx.ethers.getContractAt("CollateralVault", (await adjudicator.wiring()).vault);
  const left = await vault.restitutionOf(after.member, after.token);
  ctx.print(
    `claim against ${after.member}, asset ${after.asset}: paid ${after.paid} of ${after.amount} to ${after.recipient}` +
      ` (${after.member}'s restitution pool now holds ${left} of token ${after.token})`,
  );
}
