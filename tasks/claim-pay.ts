import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  clientTask,
  given,
  required,
  sendAndDescribe,
  uintInput,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { bookedClaim, readFraudProof } from "../src/consortium/index.js";
import { readRecordFile } from "../src/records/file.js";

export interface Args extends ClientArgs {
  /** The fraud-proof file that booked the claim (`fraud prove`'s output): its member and nullifier. */
  proof?: string;
  /** The user's record file: the opening of its payout commitment (address and salt). */
  record?: string;
  /** The record's nullifier (decimal or 0x). */
  nullifier?: string;
  /** The accused member (claims are keyed by member and nullifier). */
  member?: string;
  /** The payout address of the record (the opening of its payout hash). */
  payout?: string;
  /** The payout salt of the record (decimal or 0x-hex). */
  salt?: string;
}

/**
 * `hardhat claim pay`: pay the claim booked against a member under a nullifier its pro-rata share of its claim round,
 * once the round has closed, to the record's payout address (with its salt: the opening of the payout hash the member
 * signed into the record). Anyone may call; the money goes only to the payout.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("claim pay", hre, args, (ctx) => claimPay(ctx, args));
}

/** The claim's keys and the payout opening: from --proof and --record, or given one by one (which win). */
async function claimInputs(args: Args) {
  let member = given(args.member) ? addressInput("--member", args.member) : undefined;
  let nullifier = given(args.nullifier) ? uintInput("--nullifier", args.nullifier) : undefined;
  if (given(args.proof)) {
    const file = args.proof;
    const proof = await userInput(() => readFraudProof(file));
    member ??= proof.member;
    nullifier ??= proof.nullifier;
  }
  let payout = given(args.payout) ? addressInput("--payout", args.payout) : undefined;
  let salt = given(args.salt) ? uintInput("--salt", args.salt) : undefined;
  if (given(args.record)) {
    const file = args.record;
    const opening = (await userInput(() => readRecordFile(file))).payout;
    if (opening === null) {
      throw new TaskError(`${file} registers no payout: governance assigns one (then pass --payout and --salt)`);
    }
    payout ??= addressInput("--record payout.address", opening.address);
    salt ??= BigInt(opening.salt);
  }
  return {
    member: required(member, "--member", "the accused member's 0x address, or --proof"),
    nullifier: required(nullifier, "--nullifier", "the record's nullifier, or --proof"),
    payout: required(payout, "--payout", "the record's 0x payout address, or --record"),
    salt: required(salt, "--salt", "the record's payout salt, or --record"),
  };
}

/** The body of `claim pay` on a client. */
export async function claimPay(ctx: Client, args: Args): Promise<void> {
  const { member, nullifier, payout, salt } = await claimInputs(args);
  const adjudicator = await ctx.contract("adjudicator");
  // The claim's terms are in the FraudProven event that booked it (and PayoutAssigned, when governance gave one).
  const before = await bookedClaim(
    ctx.provider,
    await adjudicator.getAddress(),
    member,
    nullifier,
    ctx.deployment.firstBlock,
  );
  if (before === undefined) throw new TaskError(`no claim is booked against ${member} under nullifier ${nullifier}`);
  if (before.status === "paid") throw new TaskError("the claim was already paid");
  if (before.status === "vetoed") throw new TaskError("the claim was vetoed");
  const now = BigInt((await ctx.provider.getBlock("latest"))?.timestamp ?? 0);
  if (before.status === "open" && now < before.closesAt) {
    throw new TaskError(
      `the claim's round is open until ${before.closesAt} (Unix time; now ${now}): payment comes after it`,
    );
  }
  const sender = adjudicator.connect(await ctx.signer());
  await sendAndDescribe(ctx, "payClaim", () => sender.payClaim(before.member, nullifier, before.terms, payout, salt));
  // The round is settled by now (by this payment if it was not yet): the claim's share is in its ClaimPaid event.
  ctx.out.line(
    `claim against ${before.member}, asset ${before.terms.asset}, round ${before.terms.round}: ` +
      `its pro-rata share of ${before.terms.claim} paid to ${payout} (token ${before.token}; amount in ClaimPaid)`,
  );
  ctx.out.setAll({ member: before.member, nullifier, asset: before.terms.asset, round: before.terms.round, payout });
}
