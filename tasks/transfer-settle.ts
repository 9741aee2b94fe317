import { Contract } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";
import { IERC20_METADATA_ABI } from "../src/generated/abi.js";
import { ASSET_KIND, openNoticeOf } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  notice?: string;
}

/** `hardhat transfer settle <notice>`: pays an on-chain notice through the contract (ETH, or an ERC-20 by allowance). */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer settle", hre, args, (ctx) => transferSettle(ctx, args));
}

export async function transferSettle(ctx: Client, args: Args): Promise<void> {
  const payer = await ctx.signer();
  const transfers = await ctx.contract("transfers", payer);
  const p = await openNoticeOf(transfers, args.notice, ctx.deployment.firstBlock);
  const id = p.noticeId;
  const n = p.record.notice;
  const kind = ASSET_KIND[Number((await transfers.assetTerms(n.asset)).kind)];
  if (kind === "OffChain") {
    throw new TaskError(`notice ${id}: asset ${n.asset} settles off-chain (pay it there, then transfer attest/submit)`);
  }
  if (kind === "Erc20") {
    const token = new Contract(await (await ctx.contract("registry")).assetToken(n.asset), IERC20_METADATA_ABI, payer);
    const allowance = (await token.getFunction("allowance")(payer.address, await transfers.getAddress())) as bigint;
    if (allowance < n.amount) {
      await sendAndDescribe(ctx, "approve", () => token.getFunction("approve")(transfers.getAddress(), n.amount));
    }
  }
  const receipt = await sendAndDescribe(ctx, "settle", () =>
    transfers.settle(p.record, { value: kind === "Native" ? n.amount : 0n }),
  );
  const held = receipt.logs.some((log) => transfers.interface.parseLog(log)?.name === "PaymentHeld");
  ctx.out.line(
    held
      ? `notice ${id} settled: ${n.amount} base units of asset ${n.asset} held for ${n.recipient} ` +
          `(${n.depositAddress} refused them; the recipient runs transfer withdraw-held)`
      : `notice ${id} settled: ${n.amount} base units of asset ${n.asset} to ${n.depositAddress}`,
  );
  ctx.out.setAll({ noticeId: id, status: "Settled", held });
}
