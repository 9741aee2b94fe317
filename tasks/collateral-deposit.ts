import { isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  contractAddress,
  formatAmount,
  openContext,
  parseAmount,
  resolveToken,
  runTask,
  sendAndReport,
  type TaskContext,
} from "../src/members/index.js";

export interface Args {
  token: string;
  amount: string;
  member: string;
  from: string;
  address: string;
}

/** `hardhat collateral:deposit`: deposit ETH or an approved ERC-20 as a member's collateral (approves if needed). */
export default async function collateralDeposit(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("collateral:deposit", async () => runCollateralDeposit(await openContext(hre, args.from), args));
}

/** The body of `collateral:deposit` on an open context (tests and scripts call it directly). */
export async function runCollateralDeposit(ctx: TaskContext, args: Args): Promise<void> {
  const member = args.member === "" ? ctx.signer.address : args.member;
  if (!isAddress(member)) throw new TaskError("--member must be a 0x address");
  const vaultAddress = await contractAddress(ctx, "CollateralVault", args.address);
  const vault = await ctx.ethers.getContractAt("CollateralVault", vaultAddress, ctx.signer);
  const token = await resolveToken(args.token, ctx.signer).catch((e: Error) => {
    throw new TaskError(e.message);
  });
  const amount = parseAmount(args.amount, token.decimals);
  ctx.print(`deposit ${formatAmount(amount, token.decimals, token.symbol)} for ${member}`);
  if (token.erc20) {
    const erc20 = token.erc20;
    const allowance = (await erc20.allowance(ctx.signer.address, vaultAddress)) as bigint;
    if (allowance < amount) {
      await sendAndReport(ctx, "approve", () => erc20.approve(vaultAddress, amount));
    }
    await sendAndReport(ctx, "deposit", () => vault.deposit(member, token.address, amount));
  } else {
    await sendAndReport(ctx, "deposit", () => vault.deposit(member, token.address, amount, { value: amount }));
  }
}
