// Where the governed contracts and the timelock live: the deployment's deployed_addresses.json
// (`Consortium#<Contract>`, `Governance#TimelockController`).
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { getAddress, isAddress } from "ethers";

import { GOVERNED_CONTRACTS, GovernanceCallError, type GovernedContract } from "./calls.js";

/** The future id of the timelock in deployed_addresses.json. */
export const TIMELOCK_KEY = "Governance#TimelockController";

/** The deployment's addresses by future id. */
export async function readDeployedAddresses(dir: string): Promise<Record<string, string>> {
  const file = join(dir, "deployed_addresses.json");
  try {
    return JSON.parse(await readFile(file, "utf8")) as Record<string, string>;
  } catch (e) {
    throw new GovernanceCallError(
      `${file}: not readable (${e instanceof Error ? e.message : String(e)}); deploy first or pass --deployment <dir>`,
    );
  }
}

/** The timelock's address; an error says to run the hand-over when it is missing. */
export function timelockAddress(addresses: Record<string, string>, dir: string): string {
  const a = addresses[TIMELOCK_KEY];
  if (a === undefined) {
    throw new GovernanceCallError(
      `${dir}: no ${TIMELOCK_KEY}: hand governance over first ` +
        "(npx hardhat ignition deploy ignition/modules/Governance.ts --parameters <file>)",
    );
  }
  return getAddress(a);
}

/**
 * The address a call to `contract` goes to: the deployment's for a deployed contract (an `override` must equal it),
 * `override` for a token (required).
 */
export function targetAddress(
  contract: GovernedContract,
  addresses: Record<string, string>,
  dir: string,
  override: string,
): string {
  if (override !== "" && !isAddress(override)) throw new GovernanceCallError(`--address ${override}: not a 0x address`);
  const future = GOVERNED_CONTRACTS[contract].future;
  if (future === undefined) {
    if (override === "") throw new GovernanceCallError(`${contract}: pass the contract's --address`);
    return getAddress(override);
  }
  const a = addresses[future];
  if (a === undefined) throw new GovernanceCallError(`${dir}: no ${future} in this deployment`);
  // A deployed contract's call goes to the deployment's address: an --address elsewhere would schedule a call the
  // description names as this contract's.
  if (override !== "" && getAddress(override) !== getAddress(a)) {
    throw new GovernanceCallError(`--address ${override}: ${contract} of this deployment is at ${getAddress(a)}`);
  }
  return getAddress(a);
}
