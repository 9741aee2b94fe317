// `npx hardhat governance execute`: run a scheduled operation once its delay has passed (anyone, unless the
// timelock's executor is restricted). Refused before sending, naming the time, while it is still waiting.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { checkExecutable, describeCallAt, isBatch, isoTime, timelockAt } from "../src/governance/index.js";
import { runTask } from "../src/client/index.js";
import {
  governanceSigner,
  loadOperation,
  operationJson,
  sendExplained,
  type OperationArgs,
} from "./governance-common.js";

export type ExecuteArgs = OperationArgs;

/** The body: exported for tests. */
export async function execute(args: ExecuteArgs, hre: HardhatRuntimeEnvironment) {
  const { r, op } = await loadOperation(args, hre);
  await checkExecutable(op, r.provider);
  const signer = await governanceSigner(hre, args.from);
  const timelock = timelockAt(r.timelockAddress, signer);
  const batch = isBatch(op);
  const receipt = await sendExplained(`execute ${op.id}`, () =>
    batch
      ? timelock.executeBatch(
          op.calls.map((c) => c.target),
          op.calls.map((c) => c.value),
          op.calls.map((c) => c.data),
          op.predecessor,
          op.salt,
        )
      : // No value attached: the calls' ETH comes from the timelock's own balance (the insurance fund), never from
        // whoever executes (the timelock's execute is payable and would spend the executor's ETH instead).
        timelock.execute(op.calls[0].target, op.calls[0].value, op.calls[0].data, op.predecessor, op.salt),
  );
  const block = await r.provider.getBlock(receipt.blockNumber);
  const result = {
    ...operationJson({ ...op, state: "Done", readyAt: 0n }, (d, t) => describeCallAt(t, d, r.addresses)),
    tx: receipt.hash,
    executor: signer.address,
    executedAt: block ? isoTime(BigInt(block.timestamp)) : null,
  };
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`operation ${op.id} executed in ${receipt.hash} by ${signer.address}`);
    for (const c of result.calls) console.log(`  ${c.call}`);
  }
  return result;
}

export default async function (args: ExecuteArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("governance execute", async () => {
    await execute(args, hre);
  });
}
