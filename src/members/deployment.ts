// Where the consortium's contracts live: the Ignition deployment of deploy/Consortium.ts, or an explicit address.
import { readFile } from "node:fs/promises";
import path from "node:path";

import { getAddress, isAddress } from "ethers";
import { z } from "zod";

/** The Ignition module id of deploy/Consortium.ts. */
export const CONSORTIUM_MODULE = "Consortium";

/** Contracts the member tasks talk to (the Adjudicator for its restitution claims and ejections). */
export type C1ContractName = "ConsortiumRegistry" | "ReserveRegistry" | "CollateralVault" | "Adjudicator";

const deployedAddressesSchema = z.record(
  z.string(),
  z.string().refine((v) => isAddress(v), "must be a 0x-prefixed 20-byte address"),
);

/** Path of Ignition's deployed_addresses.json for a chain. */
export function deployedAddressesPath(root: string, chainId: bigint): string {
  return path.join(root, "ignition", "deployments", `chain-${chainId}`, "deployed_addresses.json");
}

/**
 * The address of `contract`: `override` when given (validated), else the key `Consortium#<contract>` of Ignition's
 * deployed_addresses.json for `chainId` under `root`. Errors name the file and the missing key.
 */
export async function resolveContractAddress(
  root: string,
  chainId: bigint,
  contract: C1ContractName,
  override = "",
): Promise<string> {
  if (override !== "") {
    if (!isAddress(override)) throw new Error(`--address: "${override}" is not a 0x-prefixed 20-byte address`);
    return getAddress(override);
  }
  const file = deployedAddressesPath(root, chainId);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new Error(
      `${file}: not found; deploy with \`npx hardhat ignition deploy ignition/modules/Consortium.ts\` or pass --address`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = deployedAddressesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const key = `${CONSORTIUM_MODULE}#${contract}`;
  const address = parsed.data[key];
  if (address === undefined) throw new Error(`${file}: no key "${key}"; pass --address`);
  return getAddress(address);
}
