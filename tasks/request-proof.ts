import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  addressOption,
  consortiumContext,
  decimalOption,
  runTask,
  sendAndDescribe,
  type CommonArgs,
} from "./consortium-context.js";

interface Args extends CommonArgs {
  member: string;
  t: string;
}

/** `hardhat request-proof`: ask a member to prove its snapshot at a past time (pays the governance fee). */
export default async function requestProof(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    const member = addressOption("member", args.member);
    const t = decimalOption("t", args.t);
    const ctx = await consortiumContext(args, hre);
    const fee = (await ctx.ledger.quorumParams()).requestFee;
    console.log(`requesting member ${member} to prove t ${t} (fee ${fee} wei)`);
    await sendAndDescribe(ctx, "requestProof", () => ctx.ledger.requestProof(member, t, { value: fee }));
  });
}
