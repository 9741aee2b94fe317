// `npx hardhat governance cancel`: the multisig (canceller) withdraws an operation that has not executed yet.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { describeCallAt, timelockAt } from "../src/governance/index.js";
import { TaskError, runTask } from "../src/client/index.js";
import {
  governanceSigner,
  loadOperation,
  operationJson,
  sendExplained,
  type OperationArgs,
} from "./governance-common.js";

export type CancelArgs = OperationArgs;

/** The body: exported for tests. */
export async function cancel(args: CancelArgs, hre: HardhatRuntimeEnvironment) {
  const { r, op } = await loadOperation(args, hre);
  if (op.state === "Done") throw new TaskError(`operation ${op.id} has already been executed: too late to cancel`);
  if (op.state === "Cancelled") throw new TaskError(`operation ${op.id} is already cancelled`);
  const signer = await governanceSigner(hre, args.from);
  const reader = timelockAt(r.timelockAddress, r.provider);
  if (!(await reader.hasRole(await reader.CANCELLER_ROLE(), signer.address))) {
    throw new TaskError(`${signer.address} is not a canceller of the timelock ${r.timelockAddress} (CANCELLER_ROLE)`);
  }
  const receipt = await sendExplained(`cancel ${op.id}`, () => timelockAt(r.timelockAddress, signer).cancel(op.id));
  const result = {
    ...operationJson({ ...op, state: "Cancelled", readyAt: 0n }, (d, t) => describeCallAt(t, d, r.addresses)),
    tx: receipt.hash,
  };
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else console.log(`operation ${op.id} cancelled in ${receipt.hash} by ${signer.address}`);
  return result;
}

export default async function (args: CancelArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("governance cancel", async () => {
    await cancel(args, hre);
  });
}
