import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { recordOf, mergeInterimVerdicts } from "../src/attestations/verdicts.js";
import {
  TaskError,
  clientTask,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";

export interface Args extends ClientArgs {
  /** The operators' verdict files. */
  files: string[];
}

/** `hardhat interim submit <files...>`: merge operators' IA verdict files and post the quorum's verdict. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("interim submit", hre, args, (ctx) => interimSubmit(ctx, args));
}

/** The body of `interim submit` on a client. */
export async function interimSubmit(ctx: Client, args: Args): Promise<void> {
  if (args.files.length === 0) throw new TaskError("<files...> (the operators' verdict files) are required");
  const { verdict, packed } = await userInput(() => mergeInterimVerdicts(args.files));
  const address = ctx.deployment.address("attestations");
  if (BigInt(verdict.chainId) !== ctx.chainId || verdict.attestations.toLowerCase() !== address.toLowerCase()) {
    throw new TaskError(
      `the verdicts are for ${verdict.attestations} on chain ${verdict.chainId}, not this deployment`,
    );
  }
  const attestations = await ctx.contract("attestations", await ctx.signer());
  const word = verdict.settled ? "settled" : "missed";
  ctx.out.line(`${verdict.signatures.length} signature(s): ${word}`);
  ctx.out.setAll({ verdict: word, signatures: verdict.signatures.length });
  await sendAndDescribe(ctx, "attestInterim", () =>
    attestations.attestInterim(recordOf(verdict), verdict.settled, packed),
  );
}
