// `npx hardhat governance read`: call a view function of a consortium contract (by name, checked against the
// generated ABI) and print the result, e.g. to see a parameter before and after a change. Read-only.
import { Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { deploymentDirOf } from "../src/client/index.js";
import {
  GOVERNED_CONTRACTS,
  encodeGovernanceCall,
  parseArgsJson,
  plain,
  readDeployedAddresses,
  targetAddress,
} from "../src/governance/index.js";
import { TaskError, runTask } from "../src/client/index.js";
import { governanceErrors, type GovernanceArgs } from "./governance-common.js";
import { explainError } from "../src/chain/index.js";

export interface ReadArgs extends GovernanceArgs {
  contract?: string;
  function?: string;
  args: string;
  address?: string;
}

/** The body: exported for tests. */
export async function read(args: ReadArgs, hre: HardhatRuntimeEnvironment) {
  if (args.contract === undefined) throw new TaskError("--contract is required (e.g. CommitmentLedger)");
  if (args.function === undefined) throw new TaskError("--function is required (e.g. quorumParams)");
  const call = encodeGovernanceCall(args.contract, args.function, parseArgsJson(args.args), "read");
  const { ethers } = await hre.network.getOrCreate();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const dir = deploymentDirOf(args.deployment, hre.config.paths.root, chainId);
  const to = targetAddress(call.contract, await readDeployedAddresses(dir), dir, args.address ?? "");
  let raw: string;
  try {
    raw = await ethers.provider.call({ to, data: call.data });
  } catch (e) {
    throw new TaskError(`${call.contract}.${call.signature} failed: ${explainError(e, governanceErrors)}`);
  }
  const iface = new Interface(GOVERNED_CONTRACTS[call.contract].abi);
  const fragment = iface.getFunction(call.signature)!;
  const decoded = iface.decodeFunctionResult(fragment, raw);
  const named = (r: typeof decoded): unknown => {
    const obj = r.toObject(true);
    return Object.keys(obj).length === r.length && !Object.keys(obj).some((k) => /^_?\d+$/.test(k))
      ? plain(JSON.parse(JSON.stringify(obj, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))))
      : plain(r.toArray(true));
  };
  const value =
    fragment.outputs.length === 1 && fragment.outputs[0].type === "tuple" ? named(decoded[0]) : named(decoded);
  const result = { contract: call.contract, address: to, function: call.signature, value };
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else console.log(`${call.contract}.${call.signature} = ${JSON.stringify(value)}`);
  return result;
}

export default async function (args: ReadArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("governance read", async () => {
    await read(args, hre);
  });
}
