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
  /** The accused member (claims are keyed by member and nullifier). */
  member: string;
  /** The payout address of the record (the opening of its payout hash). */
  payout: string;
  /** The payout salt of the record (decimal or 0x-hex). */
  salt: string;
  from: string;
  /** The Adjudicator (it keeps the claim book; the money is the accused member's restitution pool in the vault). */
  address: string;
}

/**
 * `hardhat fund:pay-claim`: pay the claim booked against a member under a nullifier its pro-rata share of its claim
 * round, once the round has closed, to the record's payout address (with its salt: the opening of the payout hash the
 * member signed into the record). Anyone may call; the money goes only to the payout.
 */
export default async function fundPayClaim(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("fund:pay-claim", async () => runFundPayClaim(await openContext(hre, args.from), args));
}

/** The body of `fund:pay-claim` on an open context (tests and scripts call it directly). */
export async function runFundPayClaim(ctx: TaskContext, args: Args): Promise<void> {
  const number = /^(0x[0-9a-fA-F]+|[0-9]+)$/;
  if (!number.test(args.nullifier))
    throw new TaskError("--nullifier must be the record's nullifier (decimal or 0x-hex)");
  if (!/^0x[0-9a-fA-F]{40}$/.test(args.member)) throw new TaskError("--member must be the accused member's 0x address");
  if (!/^0x[0-9a-fA-F]{40}$/.test(args.payout)) throw new TaskError("--payout must be the record's 0x payout address");
  if (!number.test(args.salt)) throw new TaskError("--salt must be the record's payout salt (decimal or 0x-hex)");
  const nullifier = BigInt(args.nullifier);
  const adjudicatorAddress = await contractAddress(ctx, "Adjudicator", args.address);
  const adjudicator = await ctx.ethers.getContractAt("Adjudicator", adjudicatorAddress, ctx.signer);
  // The claim's terms are in the FraudProven event that booked it (and PayoutAssigned, when governance gave one).
  const before = await bookedClaim(adjudicator.runner, adjudicatorAddress, args.member, nullifier);
  if (before === undefined)
    throw new TaskError(`no claim is booked against ${args.member} under nullifier ${nullifier}`);
  if (before.status === "paid") throw new TaskError("the claim was already paid");
  if (before.status === "vetoed") throw new TaskError("the claim was vetoed");
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  if (before.status === "open" && now < before.closesAt) {
    throw new TaskError(
      `the claim's round is open until ${before.closesAt} (Unix time; now ${now}): payment comes after it`,
    );
  }
  await sendAndReport(ctx, "payClaim", () =>
    adjudicator.payClaim(before.member, nullifier, before.terms, args.payout, BigInt(args.salt)),
  );
  // The round is settled by now (by this payment if it was not yet): the claim's share is in its ClaimPaid event.
  ctx.print(
    `claim against ${before.member}, asset ${before.terms.asset}, round ${before.terms.round}: ` +
      `its pro-rata share of ${before.terms.claim} paid to ${args.payout} (token ${before.token}; amount in ClaimPaid)`,
  );
}
