import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, addressInput, clientTask, given, type Client, type ClientArgs } from "../src/client/index.js";
import { creditView } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  sender?: string;
  recipient?: string;
  asset: number;
}

/** `hardhat transfer credit --sender <a> --recipient <b> --asset <id>`: the sender's credit limits (read-only). */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer credit", hre, args, (ctx) => transferCredit(ctx, args));
}

export async function transferCredit(ctx: Client, args: Args): Promise<void> {
  if (!given(args.sender)) throw new TaskError("--sender <member> is required");
  if (!given(args.recipient)) throw new TaskError("--recipient <member> is required");
  if (!Number.isInteger(args.asset) || args.asset <= 0) throw new TaskError("--asset <id> is required");
  const transfers = await ctx.contract("transfers");
  const v = await creditView(
    transfers,
    addressInput("--sender", args.sender),
    addressInput("--recipient", args.recipient),
    args.asset,
  );
  ctx.out.line(
    `${v.sender} -> ${v.recipient} asset ${v.asset}: may post ${v.available} more base units, ${v.outstanding} open`,
  );
  ctx.out.line(
    `sender's limit ${v.limitWeight} weight, owed by open notices ${v.owedWeight}` +
      (v.ownLimit === undefined ? "" : `; the recipient's own limit ${v.ownLimit}`),
  );
  ctx.out.setAll({ ...v });
}
