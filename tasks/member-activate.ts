import { isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, contractAddress, openContext, runTask, sendAndReport } from "../src/members/index.js";

interface Args {
  member: string;
  from: string;
  address: string;
}

/**
 * `hardhat member:activate`: Probation -> Active. Governance may activate at once; anyone (the member itself) once
 * the probation period has elapsed. Either way the member's collateral weight must meet its SLA minimum.
 */
export default async function memberActivate(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("member:activate", async () => {
    const ctx = await openContext(hre, args.from);
    const member = args.member === "" ? ctx.signer.address : args.member;
    if (!isAddress(member)) throw new TaskError("--member must be a 0x address");
    const registry = await ctx.ethers.getContractAt(
      "ConsortiumRegistry",
      await contractAddress(ctx, "ConsortiumRegistry", args.address),
      ctx.signer,
    );
    await sendAndReport(ctx, "activate", () => registry.activate(member));
  });
}
