// `npx hardhat governance pending`: the timelock's operations that have not executed (with --all: every one),
// each with its decoded call and earliest execution time. Read-only: needs no signer.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { chainTime } from "../src/chain/index.js";
import { describeCallAt, isoTime, listOperations, timelockAt } from "../src/governance/index.js";
import { runTask } from "../src/client/index.js";
import { governanceReader, operationJson, type GovernanceArgs } from "./governance-common.js";

export interface PendingArgs extends GovernanceArgs {
  all: boolean;
  fromBlock: bigint;
}

/** The body: exported for tests. */
export async function pending(args: PendingArgs, hre: HardhatRuntimeEnvironment) {
  const r = await governanceReader(args, hre);
  const timelock = timelockAt(r.timelockAddress, r.provider);
  const ops = (await listOperations(timelock, Number(args.fromBlock))).filter(
    (o) => args.all || o.state === "Waiting" || o.state === "Ready",
  );
  const now = await chainTime(r.provider);
  const minDelay: bigint = await timelock.getMinDelay();
  const result = {
    timelock: r.timelockAddress,
    minDelay: minDelay.toString(),
    chainTime: now.toString(),
    operations: ops.map((o) => operationJson(o, (d, t) => describeCallAt(t, d, r.addresses))),
  };
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`timelock ${r.timelockAddress}: minimum delay ${minDelay} s, chain time ${isoTime(now)}`);
    if (ops.length === 0) console.log(args.all ? "no operations" : "no pending operations");
    for (const o of ops) {
      const when =
        o.state === "Waiting"
          ? `executable from ${isoTime(o.readyAt)} (in ${o.readyAt - now} s)`
          : o.state === "Ready"
            ? `ready since ${isoTime(o.readyAt)}`
            : o.state.toLowerCase();
      console.log(`${o.id}  ${o.state}  ${when}`);
      for (const c of o.calls)
        console.log(`  ${describeCallAt(c.target, c.data, r.addresses)}${c.value ? ` (${c.value} wei)` : ""}`);
    }
  }
  return result;
}

export default async function (args: PendingArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("governance pending", async () => {
    await pending(args, hre);
  });
}
