import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  clientTask,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { mergeTransferSettlements, noticeIdOf, settlementRecordOf } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  files: string[];
}

/** `hardhat transfer submit <files...>`: merges operators' settlement files and posts the quorum's verdict. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer submit", hre, args, (ctx) => transferSubmit(ctx, args));
}

export async function transferSubmit(ctx: Client, args: Args): Promise<void> {
  if (args.files.length === 0) throw new TaskError("<files...> (the operators' settlement files) are required");
  const { settlement, packed } = await userInput(() => mergeTransferSettlements(args.files));
  const address = ctx.deployment.address("transfers");
  if (BigInt(settlement.chainId) !== ctx.chainId || settlement.transfers.toLowerCase() !== address.toLowerCase()) {
    throw new TaskError(
      `the settlement is for ${settlement.transfers} on chain ${settlement.chainId}, not this deployment`,
    );
  }
  const transfers = await ctx.contract("transfers", await ctx.signer());
  const record = settlementRecordOf(settlement);
  const id = noticeIdOf(record.notice.sender, record.notice.nonce);
  ctx.out.line(`${settlement.signatures.length} signature(s): ${settlement.txRef} settled ${id}`);
  await sendAndDescribe(ctx, "attestSettlement", () => transfers.attestSettlement(record, settlement.txRef, packed));
  ctx.out.setAll({
    noticeId: id,
    txRef: settlement.txRef,
    signatures: settlement.signatures.length,
    status: "Settled",
  });
}
