import { isHexString, keccak256, toUtf8Bytes } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { contractAddress, openContext, runTask, sendAndReport, type TaskContext } from "../src/members/index.js";

export interface Args {
  profile: string;
  from: string;
  address: string;
}

/** `hardhat member:apply`: the signer applies for membership with a profile digest. */
export default async function memberApply(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("member:apply", async () => runMemberApply(await openContext(hre, args.from), args));
}

/** The body of `member:apply` on an open context (tests and scripts call it directly). */
export async function runMemberApply(ctx: TaskContext, args: Args): Promise<void> {
  const registry = await ctx.ethers.getContractAt(
    "ConsortiumRegistry",
    await contractAddress(ctx, "ConsortiumRegistry", args.address),
    ctx.signer,
  );
  // A 32-byte hex profile is used as the digest; any other text is hashed (keccak256 of its UTF-8).
  const digest = isHexString(args.profile, 32) ? args.profile : keccak256(toUtf8Bytes(args.profile));
  ctx.print(`applicant ${ctx.signer.address}, profile digest ${digest}`);
  await sendAndReport(ctx, "applyForMembership", () => registry.applyForMembership(digest));
}
