import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";
import { allocationManagerOf, eigenLayerOf } from "../src/eigenlayer/index.js";

/** `hardhat eigenlayer deregister`: the signing operator leaves the consortium's operator set. */
export default async function action(args: ClientArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("eigenlayer deregister", hre, args, (ctx) => deregisterOperator(ctx));
}

/** The body of `eigenlayer deregister` on a client. */
export async function deregisterOperator(ctx: Client): Promise<void> {
  const signer = await ctx.signer();
  const adapter = await eigenLayerOf(ctx, signer);
  const allocationManager = await allocationManagerOf(adapter, signer);
  const params = {
    operator: signer.address,
    avs: await adapter.getAddress(),
    operatorSetIds: [await adapter.operatorSetId()],
  };
  ctx.out.setAll({ operator: signer.address, avs: params.avs });
  await sendAndDescribe(ctx, "deregisterFromOperatorSets", () =>
    allocationManager.getFunction("deregisterFromOperatorSets")(params),
  );
  ctx.out.line("the operator stays slashable for EigenLayer's deallocation delay");
}
