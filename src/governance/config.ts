// The consortium's post-deploy configuration, as the "ConsortiumConfig" section of an Ignition parameters file:
// assets (with their collateral weights), the auditor set, quorum and default SLA parameters and the other
// governance settings. deploy/ConsortiumConfig.ts turns it into an Ignition module (one future per setting), so a
// consortium's configuration is a file under version control and re-running it deploys only what is new.
import { readFile } from "node:fs/promises";

import { getAddress, isAddress } from "ethers";
import { z } from "zod";

/** The section of the parameters file that holds the configuration. */
export const CONFIG_SECTION = "ConsortiumConfig";

const uint = z
  .union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/, "must be a decimal integer")])
  .transform((v) => BigInt(v));
const address = z
  .string()
  .refine((v) => isAddress(v), "must be a 0x address")
  .transform((v) => getAddress(v));

const assetSchema = z.strictObject({
  id: z.number().int().positive().max(0xffffffff),
  token: address,
  symbol: z.string().min(1),
  decimals: z.number().int().min(0).max(255),
  /** Stake weight per base unit of the token as collateral (CollateralVault.setTokenWeight); absent: not collateral. */
  collateralWeight: uint.optional(),
});

export const consortiumConfigSchema = z.strictObject({
  assets: z.array(assetSchema).default([]),
  auditors: z.array(address).default([]),
  quorum: z.strictObject({ quorumWeight: uint, minSigners: uint, requestFee: uint, maxOpenRequests: uint }).optional(),
  defaultSla: z.strictObject({ snapshotInterval: uint, responseWindow: uint, minCollateral: uint }).optional(),
  slashParams: z.strictObject({ fraudBps: uint, missedDeadlineBps: uint, insolvencyBps: uint }).optional(),
  unbondingDelay: uint.optional(),
  probationPeriod: uint.optional(),
  bountyShareBps: uint.optional(),
  slashPenaltyBps: uint.optional(),
});

/** A validated configuration (integers as bigint, addresses checksummed). */
export type ConsortiumConfig = z.output<typeof consortiumConfigSchema>;

/** Validate a configuration; errors name the field. */
export function parseConsortiumConfig(json: unknown, where = CONFIG_SECTION): ConsortiumConfig {
  const parsed = consortiumConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${where}.${issue.path.map(String).join(".")}: ${issue.message}`);
  }
  const ids = new Set<number>();
  for (const a of parsed.data.assets) {
    if (ids.has(a.id)) throw new Error(`${where}.assets: asset id ${a.id} appears twice`);
    ids.add(a.id);
  }
  if (new Set(parsed.data.auditors).size !== parsed.data.auditors.length) {
    throw new Error(`${where}.auditors: an auditor appears twice`);
  }
  return parsed.data;
}

/** An Ignition parameters file: its parameters (for every module) and the configuration section. */
export interface ParametersFile {
  parameters: Record<string, Record<string, unknown>>;
  config: ConsortiumConfig;
}

/** Read an Ignition parameters file and validate its "ConsortiumConfig" section (an empty one if absent). */
export async function readParametersFile(file: string): Promise<ParametersFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${file}: an Ignition parameters file is a JSON object of modules`);
  }
  const parameters = json as Record<string, Record<string, unknown>>;
  return { parameters, config: parseConsortiumConfig(parameters[CONFIG_SECTION] ?? {}, `${file}: ${CONFIG_SECTION}`) };
}
