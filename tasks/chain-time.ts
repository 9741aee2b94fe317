import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { latestBlock } from "../src/chain/index.js";
import { openConnection, runTask, type Connection } from "../src/client/index.js";

export interface Args {
  json: boolean;
}

/** `hardhat chain time`: the latest block's timestamp (Unix seconds), bare, for `T=$(npx hardhat chain time ...)`. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("chain time", async (out) => chainTime(await openConnection(hre, out), args), { json: args.json });
}

/** The body of `chain time`: reads the latest block (no deployment, no signer). */
export async function chainTime(ctx: Pick<Connection, "provider" | "chainId" | "out">, _args: Args): Promise<void> {
  const { block, timestamp } = await latestBlock(ctx.provider);
  ctx.out.line(timestamp.toString());
  ctx.out.setAll({ chainId: ctx.chainId, block, timestamp });
}
