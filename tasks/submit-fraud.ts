import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, userInput, type Client, type ClientArgs } from "../src/client/index.js";
import { committedSet, readFraudProof } from "../src/consortium/index.js";

export interface Args extends ClientArgs {
  /** The fraud-proof file (`fraud prove`'s output). */
  proof: string;
}

/**
 * `hardhat fraud submit <proof>`: submit a `fraud prove` output (`por.fraud-proof`) to the Adjudicator (bounty to
 * the sending account; the claim is booked to the record's payout hash, whoever sends it).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("fraud submit", hre, args, (ctx) => fraudSubmit(ctx, args));
}

/** The body of `fraud submit` on a client. */
export async function fraudSubmit(ctx: Client, args: Args): Promise<void> {
  const proof = await userInput(() => readFraudProof(args.proof));
  ctx.out.line(
    `fraud proof against member ${proof.member}, asset ${proof.asset}, t ${proof.t}: claim ${proof.claim} ` +
      `to payout hash ${proof.payoutHash}${proof.payoutHash === 0n ? " (none: governance assigns one)" : ""}, ` +
      `nullifier ${proof.nullifier}`,
  );
  ctx.out.setAll({
    member: proof.member,
    asset: proof.asset,
    t: proof.t,
    claim: proof.claim,
    payoutHash: proof.payoutHash,
    nullifier: proof.nullifier,
  });
  // The ledger stores only the set's digest: the proof goes with the member's whole set at t, as committed.
  const set = await committedSet(ctx.provider, ctx.deployment.address("ledger"), proof.member, proof.t);
  const adjudicator = await ctx.contract("adjudicator", await ctx.signer());
  await sendAndDescribe(ctx, "proveFraud", () => adjudicator.proveFraud(proof, set.commitments));
}
