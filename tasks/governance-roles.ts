// `npx hardhat governance roles`: every role of every AccessControl contract of the deployment (and the timelock's
// own), with its holders; --check fails if any admin role is held by anything but the timelock, ADJUDICATOR_ROLE by
// anything but the Adjudicator, the delay is under an hour or not below the claim window, or the insurance fund is
// not the timelock. Read-only.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { ADMINISTERED_CONTRACTS } from "../deploy/Governance.js";
import { Contract } from "ethers";

import {
  adminOffences,
  delayOffences,
  GOVERNED_CONTRACTS,
  privilegeOffences,
  rolesOf,
  TIMELOCK_KEY,
  type RoleHolders,
} from "../src/governance/index.js";
import { TaskError, runTask } from "../src/client/index.js";
import { type GovernanceArgs } from "./governance-common.js";
import { deploymentDirOf } from "../src/client/index.js";
import { readDeployedAddresses } from "../src/governance/index.js";

export interface RolesArgs extends GovernanceArgs {
  check: boolean;
  fromBlock: bigint;
}

/** Every role of the deployment's AccessControl contracts and the timelock. Exported for tests. */
export async function deploymentRoles(
  addresses: Record<string, string>,
  provider: Parameters<typeof rolesOf>[3],
  fromBlock = 0,
): Promise<RoleHolders[]> {
  const out: RoleHolders[] = [];
  for (const name of [...ADMINISTERED_CONTRACTS, "TimelockController"] as const) {
    const future = GOVERNED_CONTRACTS[name].future;
    const address = addresses[future];
    if (address === undefined) continue;
    out.push(...(await rolesOf(name, address, GOVERNED_CONTRACTS[name].abi, provider, fromBlock)));
  }
  return out;
}

/** The body: exported for tests. */
export async function roles(args: RolesArgs, hre: HardhatRuntimeEnvironment) {
  const { ethers } = await hre.network.getOrCreate();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const dir = deploymentDirOf(args.deployment, hre.config.paths.root, chainId);
  const addresses = await readDeployedAddresses(dir);
  const all = await deploymentRoles(addresses, ethers.provider, Number(args.fromBlock));
  const timelock = addresses[TIMELOCK_KEY];
  const offences: string[] = [];
  if (timelock === undefined) offences.push("no timelock in this deployment: governance not handed over");
  else {
    offences.push(...adminOffences(all, [timelock]));
    // Roles that act without the delay: only the Adjudicator may eject (ADJUDICATOR_ROLE).
    const adjudicator = addresses[GOVERNED_CONTRACTS.Adjudicator.future];
    offences.push(...privilegeOffences(all, { ADJUDICATOR_ROLE: adjudicator === undefined ? [] : [adjudicator] }));
    const delay = (await new Contract(timelock, GOVERNED_CONTRACTS.TimelockController.abi, ethers.provider).getFunction(
      "getMinDelay",
    )()) as bigint;
    const claim = (await new Contract(adjudicator, GOVERNED_CONTRACTS.Adjudicator.abi, ethers.provider).getFunction(
      "claimParams",
    )()) as { claimWindow: bigint; insuranceFund: string };
    offences.push(...delayOffences(delay, claim, timelock));
  }
  if (args.json) {
    console.log(JSON.stringify({ timelock: timelock ?? null, roles: all, offences }, null, 2));
  } else {
    for (const r of all) {
      const who =
        r.holders
          .map((h) =>
            /^0x0{40}$/.test(h.account) ? "anyone (address 0)" : `${h.account}${h.isContract ? "" : " (EOA)"}`,
          )
          .join(", ") || "nobody";
      console.log(`${r.contract} ${r.name}${r.isAdmin ? " [admin]" : ""}: ${who}`);
    }
    console.log(
      offences.length === 0
        ? "every admin role is held by the timelock only; the delay and the insurance fund are as they must be"
        : offences.join("\n"),
    );
  }
  if (args.check && offences.length > 0)
    throw new TaskError(`--check: ${offences.length} problem(s): ${offences.join("; ")}`);
  return { roles: all, offences };
}

export default async function (args: RolesArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("governance roles", async () => {
    await roles(args, hre);
  });
}
