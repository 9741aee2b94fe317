// `npx hardhat governance propose`: schedule a call to a consortium contract through the timelock (the multisig, as
// proposer, sends it), or a plain ETH transfer from the timelock's balance (the insurance fund: `--to <address>
// --value <wei>`), or with --unsigned print the schedule transaction for the multisig to sign.
import { writeFile } from "node:fs/promises";

import { ZeroAddress, getAddress, isAddress, isHexString } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  ZERO_HASH,
  encodeGovernanceCall,
  governedInterface,
  hashOperation,
  isoTime,
  parseArgsJson,
  targetAddress,
  timelockAt,
  timelockInterface,
  type GovernedContract,
} from "../src/governance/index.js";
import { chainTime } from "../src/chain/index.js";
import { TaskError, given, runTask } from "../src/client/index.js";
import { governanceReader, governanceSigner, sendExplained, type GovernanceArgs } from "./governance-common.js";

export interface ProposeArgs extends GovernanceArgs {
  contract?: string;
  function?: string;
  args: string;
  address?: string;
  /** Or: a plain ETH transfer of `value` from the timelock to this address (no contract call). */
  to?: string;
  value: bigint;
  salt?: string;
  predecessor?: string;
  delay: bigint;
  unsigned: boolean;
  out?: string;
  from?: string;
}

/** What the operation calls: a governed contract's function, or (`--to`) nothing: a plain ETH transfer. */
interface ProposedCall {
  contract: string;
  signature: string;
  args: unknown[];
  data: string;
  target: string;
}

function bytes32(name: string, value: string | undefined): string {
  if (!given(value)) return ZERO_HASH;
  if (!isHexString(value, 32)) throw new TaskError(`--${name} ${value}: must be 0x and 32 bytes`);
  return value.toLowerCase();
}

/** The body: exported for tests. Returns the printed JSON object. */
export async function propose(args: ProposeArgs, hre: HardhatRuntimeEnvironment) {
  const salt = bytes32("salt", args.salt);
  const predecessor = bytes32("predecessor", args.predecessor);
  const r = await governanceReader(args, hre);
  const call = proposedCall(args, r.addresses, r.dir);
  const target = call.target;
  const reader = timelockAt(r.timelockAddress, r.provider);
  const minDelay: bigint = await reader.getMinDelay();
  const delay = args.delay === -1n ? minDelay : args.delay;
  if (delay < minDelay) throw new TaskError(`--delay ${delay}: below the timelock's minimum delay of ${minDelay} s`);
  const op = { target, value: args.value, data: call.data };
  const id = hashOperation(op, predecessor, salt);
  const state = Number(await reader.getOperationState(id));
  if (state !== 0) {
    throw new TaskError(`operation ${id} is already scheduled or done: pass another --salt to schedule it again`);
  }
  const scheduleData = timelockInterface.encodeFunctionData("schedule", [
    target,
    args.value,
    call.data,
    predecessor,
    salt,
    delay,
  ]);
  const result: Record<string, unknown> = {
    id,
    timelock: r.timelockAddress,
    contract: call.contract,
    function: call.signature,
    args: call.args,
    target,
    value: args.value.toString(),
    data: call.data,
    predecessor,
    salt,
    delay: delay.toString(),
  };
  if (args.unsigned) {
    const now = await chainTime(r.provider);
    Object.assign(result, {
      schedule: { to: r.timelockAddress, value: "0", data: scheduleData },
      readyAtIfSentNow: (now + delay).toString(),
    });
  } else {
    const signer = await governanceSigner(hre, args.from);
    const timelock = timelockAt(r.timelockAddress, signer);
    if (!(await reader.hasRole(await reader.PROPOSER_ROLE(), signer.address))) {
      throw new TaskError(
        `${signer.address} is not a proposer of the timelock ${r.timelockAddress} (PROPOSER_ROLE): ` +
          "propose from the multisig, or print the transaction for it with --unsigned",
      );
    }
    const receipt = await sendExplained(`schedule ${callText(call)}`, () =>
      timelock.schedule(target, args.value, call.data, predecessor, salt, delay),
    );
    const readyAt: bigint = await reader.getTimestamp(id);
    Object.assign(result, {
      tx: receipt.hash,
      proposer: signer.address,
      readyAt: readyAt.toString(),
      readyAtIso: isoTime(readyAt),
    });
  }
  if (given(args.out)) await writeFile(args.out, `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else if (args.unsigned) {
    console.log(`operation ${id}: ${callText(call)}`);
    console.log(`target ${target}, value ${args.value} wei`);
    console.log(`unsigned: send to the timelock ${r.timelockAddress} from a proposer, data ${scheduleData}`);
    console.log(
      `earliest execution if sent now: ${isoTime(BigInt(String(result.readyAtIfSentNow)))} (delay ${delay} s)`,
    );
  } else {
    console.log(`operation ${id}: ${callText(call)}`);
    console.log(`target ${target}, value ${args.value} wei`);
    console.log(`scheduled in ${String(result.tx)} by ${String(result.proposer)}`);
    console.log(`earliest execution: ${String(result.readyAtIso)} (unix ${String(result.readyAt)}, delay ${delay} s)`);
  }
  if (given(args.out)) console.error(`operation written to ${args.out}`);
  return result;
}

/** The call `--contract/--function/--args [--address]` names, or the plain transfer `--to` names. */
function proposedCall(args: ProposeArgs, addresses: Record<string, string>, dir: string): ProposedCall {
  if (given(args.to)) {
    if (args.contract !== undefined || args.function !== undefined || given(args.address) || args.args !== "[]") {
      throw new TaskError("--to proposes a plain ETH transfer: drop --contract, --function, --args and --address");
    }
    if (!isAddress(args.to)) throw new TaskError(`--to ${args.to}: not a 0x address`);
    if (getAddress(args.to) === ZeroAddress)
      throw new TaskError("--to is the zero address: the transfer would burn the ETH");
    if (args.value <= 0n) throw new TaskError("--to needs --value <wei> above 0: a plain transfer moves ETH");
    return { contract: "(transfer)", signature: "", args: [], data: "0x", target: getAddress(args.to) };
  }
  if (args.contract === undefined) {
    throw new TaskError("--contract is required (e.g. CommitmentLedger), or --to for a plain ETH transfer");
  }
  if (args.function === undefined) throw new TaskError("--function is required (e.g. setQuorumParams)");
  governedInterface(args.contract); // an unknown contract fails first, naming the known ones
  const call = encodeGovernanceCall(args.contract, args.function, parseArgsJson(args.args));
  const target = targetAddress(call.contract as GovernedContract, addresses, dir, args.address ?? "");
  return { ...call, target };
}

/** The call in words: `Contract.fn(sig) [args]`, or `plain transfer`. */
function callText(call: ProposedCall): string {
  return call.data === "0x"
    ? "plain ETH transfer (no call data)"
    : `${call.contract}.${call.signature} ${JSON.stringify(call.args)}`;
}

export default async function (args: ProposeArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("governance propose", async () => {
    await propose(args, hre);
  });
}
