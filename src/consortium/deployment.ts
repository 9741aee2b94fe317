// Where the deployed consortium lives: Hardhat Ignition's deployed_addresses.json of the Consortium module.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { getAddress } from "ethers";
import { z } from "zod";

/** Ignition future ids of the Consortium module (deploy/Consortium.ts), by role. */
export const CONSORTIUM_FUTURES = {
  registry: "ConsortiumRegistry",
  vault: "CollateralVault",
  reserveRegistry: "ReserveRegistry",
  reputation: "Reputation",
  ledger: "CommitmentLedger",
  verifier: "FraudVerifier",
  adjudicator: "Adjudicator",
} as const;

/** Addresses of the deployed contracts. */
export type ConsortiumAddresses = Record<keyof typeof CONSORTIUM_FUTURES, string>;

const addressesSchema = z.record(z.string(), z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address"));

/** The default deployment directory of a chain: `ignition/deployments/chain-<chainId>`. */
export function defaultDeploymentDir(root: string, chainId: bigint): string {
  return join(root, "ignition", "deployments", `chain-${chainId}`);
}

/**
 * Read a deployment's addresses from `<dir>/deployed_addresses.json` (module id `moduleId`, default "Consortium").
 * Errors say which file and which contract is missing.
 */
export async function readConsortiumAddresses(dir: string, moduleId = "Consortium"): Promise<ConsortiumAddresses> {
  const file = join(dir, "deployed_addresses.json");
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(
      `${file}: not readable (${e instanceof Error ? e.message : String(e)}); deploy first with ` +
        "`npx hardhat ignition deploy ignition/modules/Consortium.ts --network <name>` or pass --deployment <dir>",
    );
  }
  const parsed = addressesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".")}: ${issue.message}`);
  }
  const out = {} as ConsortiumAddresses;
  for (const [key, future] of Object.entries(CONSORTIUM_FUTURES) as Array<[keyof ConsortiumAddresses, string]>) {
    const address = parsed.data[`${moduleId}#${future}`];
    if (address === undefined) throw new Error(`${file}: no ${moduleId}#${future} in this deployment`);
    out[key] = getAddress(address);
  }
  return out;
}
