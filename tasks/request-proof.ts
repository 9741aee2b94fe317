import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  member: string;
  /** Snapshot time (Unix seconds, in the past). */
  t: bigint;
}

/** `hardhat ledger request-proof <member> <t>`: ask a member to prove its snapshot at a past time (pays the fee). */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger request-proof", hre, args, (ctx) => requestProof(ctx, args));
}

/** The body of `ledger request-proof` on a client; the new request's id is in `requestId` (JSON) and the event. */
export async function requestProof(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  const ledger = await ctx.contract("ledger", await ctx.signer());
  const fee = (await ledger.quorumParams()).requestFee;
  ctx.out.line(`requesting member ${member} to prove t ${args.t} (fee ${fee} wei)`);
  const receipt = await sendAndDescribe(ctx, "requestProof", () => ledger.requestProof(member, args.t, { value: fee }));
  for (const log of receipt.logs) {
    const parsed = ledger.interface.parseLog(log);
    if (parsed?.name === "ProofRequested") ctx.out.set("requestId", parsed.args.requestId as bigint);
  }
  ctx.out.setAll({ member, t: args.t, fee });
}
