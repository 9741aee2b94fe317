import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  clientTask,
  given,
  selectSigner,
  sendAndDescribe,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { signDepositAddress, transfersDomain } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  /** "register" or "list". */
  action: string;
  asset: number;
  /** register: the deposit address's account (index or configured address), which signs its ownership. */
  address?: string;
  /** list: only this member's. */
  member?: string;
  /** register: seconds the ownership signature stays valid. */
  validFor: bigint;
}

/** What the subtasks leave out. */
export const DEFAULTS = { action: "", asset: 0, validFor: 3_600n };

/** `hardhat transfer deposit-address register|list`. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask(`transfer deposit-address ${args.action}`, hre, args, (ctx) => depositAddress(ctx, args));
}

export async function depositAddress(ctx: Client, args: Args): Promise<void> {
  if (args.action === "register") return register(ctx, args);
  if (args.action === "list") return list(ctx, args);
  throw new TaskError(`transfer deposit-address ${args.action}: the action is register or list`);
}

async function register(ctx: Client, args: Args): Promise<void> {
  if (!Number.isInteger(args.asset) || args.asset <= 0) throw new TaskError("--asset <id> is required");
  if (!given(args.address)) throw new TaskError("--address <the deposit address's account> is required");
  const wallet = await selectSigner(ctx.ethers, args.address);
  const member = await ctx.signer();
  const transfers = await ctx.contract("transfers", member);
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  const deadline = now + args.validFor;
  const domain = transfersDomain(ctx.chainId, await transfers.getAddress());
  const signature = await signDepositAddress(wallet, domain, member.address, args.asset, deadline);
  await sendAndDescribe(ctx, "registerDepositAddress", () =>
    transfers.registerDepositAddress(args.asset, wallet.address, deadline, signature),
  );
  ctx.out.line(`deposit address ${wallet.address} of ${member.address} for asset ${args.asset}`);
  ctx.out.setAll({ member: member.address, asset: args.asset, depositAddress: wallet.address });
}

async function list(ctx: Client, args: Args): Promise<void> {
  const member = given(args.member) ? addressInput("--member", args.member) : undefined;
  const transfers = await ctx.contract("transfers");
  const logs = await transfers.queryFilter(
    transfers.filters.DepositAddressRegistered(member),
    ctx.deployment.firstBlock,
  );
  const seen = new Set<string>();
  let shown = 0;
  for (const log of logs) {
    const [owner, asset, address] = [log.args.member, Number(log.args.asset), log.args.depositAddress];
    if (args.asset > 0 && asset !== args.asset) continue;
    const key = `${asset}:${address}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Still registered to the same member (not removed).
    if ((await transfers.depositAddressOwner(asset, address)) !== owner) continue;
    ctx.out.line(`${owner} asset ${asset}: ${address}`);
    ctx.out.push("depositAddresses", { member: owner, asset, depositAddress: address });
    shown++;
  }
  if (shown === 0) ctx.out.line("no deposit address registered");
}
