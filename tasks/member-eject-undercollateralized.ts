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
  /** The Adjudicator (it ejects through its ADJUDICATOR_ROLE on the registry). */
  address: string;
}

/**
 * `hardhat member:eject-undercollateralized`: eject a slashed Probation or Active member whose stake weight is below
 * its SLA minimum (anyone may call; the Adjudicator refuses a member never slashed or not Probation/Active; a slash
 * that leaves a member short does not eject it by itself).
 */
export default async function memberEjectUndercollateralized(
  args: Args,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runTask("member:eject-undercollateralized", async () =>
    runMemberEjectUndercollateralized(await openContext(hre, args.from), args),
  );
}

/** The body of `member:eject-undercollateralized` on an open context (tests and scripts call it directly). */
export async function runMemberEjectUndercollateralized(ctx: TaskContext, args: Args): Promise<void> {
  if (!isAddress(args.member)) throw new TaskError("--member must be the member's 0x address");
  const adjudicator = await ctx.ethers.getContractAt(
    "Adjudicator",
    await contractAddress(ctx, "Adjudicator", args.address),
    ctx.signer,
  );
  await sendAndReport(ctx, "ejectUndercollateralized", () => adjudicator.ejectUndercollateralized(args.member));
}
