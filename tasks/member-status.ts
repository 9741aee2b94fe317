import { isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  contractAddress,
  formatMemberStatus,
  openContext,
  readMemberStatus,
  runTask,
  type TaskContext,
} from "../src/members/index.js";

export interface Args {
  member: string;
  json: boolean;
  from: string;
  address: string;
}

/** `hardhat member:status`: lifecycle, SLA, keys, collateral and reserves of a member. */
export default async function memberStatus(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("member:status", async () => runMemberStatus(await openContext(hre, args.from), args));
}

/** The body of `member:status` on an open context (tests and scripts call it directly). */
export async function runMemberStatus(ctx: TaskContext, args: Args): Promise<void> {
  const member = args.member === "" ? ctx.signer.address : args.member;
  if (!isAddress(member)) throw new TaskError("--member must be a 0x address");
  const registryAddress = await contractAddress(ctx, "ConsortiumRegistry", args.address);
  const registry = await ctx.ethers.getContractAt("ConsortiumRegistry", registryAddress);
  const vaultAddress = await registry.collateralVault();
  const vault =
    vaultAddress === ctx.ethers.ZeroAddress
      ? undefined
      : await ctx.ethers.getContractAt("CollateralVault", vaultAddress);
  // The reserve registry has no back-pointer from the registry: take it from the deployment when there is one.
  let reserves;
  try {
    reserves = await ctx.ethers.getContractAt("ReserveRegistry", await contractAddress(ctx, "ReserveRegistry", ""));
  } catch {
    reserves = undefined;
  }
  const report = await readMemberStatus(registry, vault, reserves, member);
  if (args.json) {
    ctx.print(JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
  } else {
    for (const line of formatMemberStatus(report)) ctx.print(line);
  }
}
