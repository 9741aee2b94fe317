import { isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  contractAddress,
  openContext,
  runTask,
  sendAndReport,
  type TaskContext,
} from "../src/members/index.js";

export interface Args {
  member: string;
  from: string;
  address: string;
}

/**
 * `hardhat member:activate`: Probation -> Active. Governance may activate at once; anyone (the member itself) once
 * the probation period has elapsed. Either way the member's collateral weight must meet its SLA minimum.
 */
export default async function memberActivate(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("member:activate", async () => runMemberActivate(await openContext(hre, args.from), args));
}

/** The body of `member:activate` on an open context (tests and scripts call it directly). */
export async function runMemberActivate(ctx: TaskContext, args: Args): Promise<void> {
  const member = args.member === "" ? ctx.signer.address : args.member;
  if (!isAddress(member)) throw new TaskError("--member must be a 0x address");
  const registry = await ctx.ethers.getContractAt(
    "ConsortiumRegistry",
    await contractAddress(ctx, "ConsortiumRegistry", args.address),
    ctx.signer,
  );
  await sendAndReport(ctx, "activate", () => registry.activate(member));
}
