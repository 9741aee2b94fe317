import { readFile } from "node:fs/promises";

import { isAddress, isHexString, keccak256 } from "ethers";
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
  digest: string;
  report: string;
  from: string;
  address: string;
}

/** `hardhat member:approve-genesis`: an auditor approves a member's genesis (Applied -> Probation). */
export default async function memberApproveGenesis(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("member:approve-genesis", async () => runMemberApproveGenesis(await openContext(hre, args.from), args));
}

/** The body of `member:approve-genesis` on an open context (tests and scripts call it directly). */
export async function runMemberApproveGenesis(ctx: TaskContext, args: Args): Promise<void> {
  if (!isAddress(args.member)) throw new TaskError("--member must be the member's 0x address");
  let digest: string;
  if (args.report !== "") {
    if (args.digest !== "") throw new TaskError("give either --digest or --report, not both");
    let bytes: Buffer;
    try {
      bytes = await readFile(args.report);
    } catch (e) {
      throw new TaskError(`--report ${args.report}: cannot read (${(e as Error).message})`);
    }
    digest = keccak256(bytes);
  } else {
    if (!isHexString(args.digest, 32)) {
      throw new TaskError("--digest must be a 0x-prefixed 32-byte hex digest (or pass --report <file>)");
    }
    digest = args.digest;
  }
  const registry = await ctx.ethers.getContractAt(
    "ConsortiumRegistry",
    await contractAddress(ctx, "ConsortiumRegistry", args.address),
    ctx.signer,
  );
  ctx.print(`auditor ${ctx.signer.address} approves ${args.member}, genesis digest ${digest}`);
  await sendAndReport(ctx, "approveGenesis", () => registry.approveGenesis(args.member, digest));
}
