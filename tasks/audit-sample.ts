import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  clientTask,
  sendAndDescribe,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";

export interface Args extends ClientArgs {
  member: string;
  t: bigint;
  asset: number;
  size: number;
}

/**
 * `hardhat audit sample <member> --t --asset --size`: the auditor requests a sample of a member's committed snapshot;
 * its seed is a block hash after the request (`audit seed <id>` fixes it).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("audit sample", hre, args, (ctx) => auditSample(ctx, args));
}

/** The body of `audit sample` on a client. */
export async function auditSample(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  if (args.t === 0n) throw new TaskError("--t <snapshot time> is required");
  if (args.asset === 0) throw new TaskError("--asset <id> is required");
  if (args.size <= 0) throw new TaskError("--size <accounts> is required (1 to 1000)");
  const attestations = await ctx.contract("attestations", await ctx.signer());
  const receipt = await sendAndDescribe(ctx, "requestSample", () =>
    attestations.requestSample(member, args.t, args.asset, args.size),
  );
  for (const log of receipt.logs) {
    const parsed = attestations.interface.parseLog(log);
    if (parsed?.name !== "SampleRequested") continue;
    const id = parsed.args.id as bigint;
    ctx.out.line(`sample ${id}: ${args.size} account(s) of ${member} at t ${args.t}, asset ${args.asset}`);
    ctx.out.line(`next: npx hardhat audit seed ${id} (after ${await attestations.SEED_DELAY_BLOCKS()} blocks)`);
    ctx.out.set("sample", id);
  }
}
