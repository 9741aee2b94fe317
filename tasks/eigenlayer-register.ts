import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  clientTask,
  required,
  sendAndDescribe,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { allocationManagerOf, eigenLayerOf, registrationData } from "../src/eigenlayer/index.js";

export interface Args extends ClientArgs {
  /** The member the signing operator stakes for (required). */
  member?: string;
}

/**
 * `hardhat eigenlayer register --member <member>`: the signing EigenLayer operator registers for the consortium's
 * operator set (AllocationManager.registerForOperatorSets), for the member that approved it.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("eigenlayer register", hre, args, (ctx) => registerOperator(ctx, args));
}

/** The body of `eigenlayer register` on a client. */
export async function registerOperator(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("--member", required(args.member, "--member", "member address"));
  const signer = await ctx.signer();
  const adapter = await eigenLayerOf(ctx, signer);
  const [approved] = await adapter.operatorOf(member);
  if (approved.toLowerCase() !== signer.address.toLowerCase()) {
    throw new TaskError(
      `member ${member} has not approved ${signer.address} as its operator (it approved ${approved}): ` +
        "the member runs `eigenlayer approve-operator <operator>` first",
    );
  }
  const allocationManager = await allocationManagerOf(adapter, signer);
  const params = {
    avs: await adapter.getAddress(),
    operatorSetIds: [await adapter.operatorSetId()],
    data: registrationData(member),
  };
  ctx.out.setAll({ member, operator: signer.address, avs: params.avs, operatorSetId: params.operatorSetIds[0] });
  await sendAndDescribe(ctx, "registerForOperatorSets", () =>
    allocationManager.getFunction("registerForOperatorSets")(signer.address, params),
  );
  ctx.out.line(
    "next: allocate stake to the set on EigenLayer (modifyAllocations), wait its allocation delay, then " +
      `\`eigenlayer refresh ${member}\``,
  );
}
