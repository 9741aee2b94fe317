import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { committedSet, readFraudProof } from "../src/consortium/index.js";
import { TaskFailure, consortiumContext, runTask, sendAndDescribe, type CommonArgs } from "./consortium-context.js";

interface Args extends CommonArgs {
  proof: string;
}

/**
 * `hardhat submit-fraud`: submit a `prove-fraud` output (`por.fraud-proof` v3) to the Adjudicator (bounty to the
 * sending account; the claim is booked to the record's payout hash, whoever sends it).
 */
export default async function submitFraud(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    if (args.proof === "") throw new TaskFailure("--proof <fraud-proof.json> is required");
    const proof = await readFraudProof(args.proof);
    const ctx = await consortiumContext(args, hre);
    console.log(
      `fraud proof against member ${proof.member}, asset ${proof.asset}, t ${proof.t}: claim ${proof.claim} ` +
        `to payout hash ${proof.payoutHash}${proof.payoutHash === 0n ? " (none: governance assigns one)" : ""}, ` +
        `nullifier ${proof.nullifier}`,
    );
    // The ledger stores only the set's digest: the proof goes with the member's whole set at t, as committed.
    const ledger = await ctx.ledger.getAddress();
    const set = await committedSet(ctx.ledger.runner, ledger, proof.member, proof.t);
    await sendAndDescribe(ctx, "proveFraud", () => ctx.adjudicator.proveFraud(proof, set.commitments));
  });
}
