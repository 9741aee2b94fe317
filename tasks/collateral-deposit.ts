import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  addressInput,
  clientTask,
  given,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { formatAmount, parseAmount, resolveToken } from "../src/members/index.js";

export interface Args extends ClientArgs {
  /** Whole units (1.5) or base units (1500units). */
  amount: string;
  /** ETH or the token address. */
  token: string;
  /** Member credited (absent: the signer). */
  member?: string;
}

/** `hardhat collateral deposit <amount>`: deposit ETH or an approved ERC-20 as a member's collateral. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("collateral deposit", hre, args, (ctx) => collateralDeposit(ctx, args));
}

/** The body of `collateral deposit` on a client (approves the vault first if an ERC-20 allowance is short). */
export async function collateralDeposit(ctx: Client, args: Args): Promise<void> {
  const signer = await ctx.signer();
  const member = given(args.member) ? addressInput("--member", args.member) : signer.address;
  const vault = await ctx.contract("vault", signer);
  const vaultAddress = await vault.getAddress();
  const token = await userInput(() => resolveToken(args.token, signer));
  const amount = await userInput(() => parseAmount(args.amount, token.decimals, "<amount>"));
  ctx.out.line(`deposit ${formatAmount(amount, token.decimals, token.symbol)} for ${member}`);
  ctx.out.setAll({ member, token: token.address, symbol: token.symbol, amount });
  if (token.erc20) {
    const erc20 = token.erc20;
    const allowance = (await erc20.allowance(signer.address, vaultAddress)) as bigint;
    if (allowance < amount) {
      await sendAndDescribe(ctx, "approve", () => erc20.approve(vaultAddress, amount));
    }
    await sendAndDescribe(ctx, "deposit", () => vault.deposit(member, token.address, amount));
  } else {
    await sendAndDescribe(ctx, "deposit", () => vault.deposit(member, token.address, amount, { value: amount }));
  }
}
