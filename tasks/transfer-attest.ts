import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  bytes32Input,
  clientTask,
  given,
  toJson,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { writeFileAtomic } from "../src/files/index.js";
import { openNoticeOf, signSettlement, transferSettlementFile, transfersDomain } from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  notice?: string;
  /** The transaction on the asset's chain that paid the notice. */
  tx?: string;
  out?: string;
}

/**
 * `hardhat transfer attest <notice> --tx <hash>`: an operator signs that `tx` settled the off-chain notice. The
 * operator checks the transaction on the asset's chain itself first (amount, deposit address): this task does not.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("transfer attest", hre, args, (ctx) => transferAttest(ctx, args));
}

export async function transferAttest(ctx: Client, args: Args): Promise<void> {
  if (!given(args.tx)) throw new TaskError("--tx <the paying transaction's hash> is required");
  const txRef = bytes32Input("--tx", args.tx);
  const transfers = await ctx.contract("transfers");
  const p = await openNoticeOf(transfers, args.notice, ctx.deployment.firstBlock);
  const id = p.noticeId;
  const signer = await ctx.signer();
  const address = await transfers.getAddress();
  const signed = await signSettlement(signer, transfersDomain(ctx.chainId, address), p.record, txRef);
  const file = transferSettlementFile(ctx.chainId, address, p.record, txRef, signed);
  const out = given(args.out) ? args.out : `settlement-${id.slice(2, 10)}-${signer.address.slice(2, 10)}.json`;
  await writeFileAtomic(out, toJson(file) + "\n", { overwrite: true });
  ctx.out.line(`wrote ${out}: ${signer.address} signs that ${txRef} settled ${id}`);
  ctx.out.setAll({ file: out, noticeId: id, txRef, signer: signer.address });
}
