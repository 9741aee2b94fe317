import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { readFraudProof } from "../src/consortium/index.js";
import { TaskFailure, consortiumContext, runTask, sendAndDescribe, type CommonArgs } from "./consortium-context.js";

interface Args extends CommonArgs {
  proof: string;
}

/** `hardhat submit-fraud`: submit a `prove-fraud` output to the Adjudicator (bounty to the sending account). */
export default async function submitFraud(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    if (args.proof === "") throw new TaskFailure("--proof <fraud-proof.json> is required");
    const proof = await readFraudProof(args.proof);
    const ctx = await consortiumContext(args, hre);
    console.log(
      `fraud proof against member ${proof.member}, asset ${proof.asset}, t ${proof.t}: claim ${proof.claim} ` +
        `to ${proof.recipient}, nullifier ${proof.nullifier}`,
    );
    await sendAndDescribe(ctx, "proveFraud", () => ctx.adjudicator.proveFraud(proof));
  });
}
