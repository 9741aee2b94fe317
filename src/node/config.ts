// Configuration files of the operator node (`por.node-config` v1) and the aggregator (`por.aggregator-config` v1),
// validated with zod; keys come from environment variables only (never a file or the command line).
import { mkdir, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

import { z } from "zod";

import { writeFileAtomic } from "../files/index.js";
import { address } from "../schema/index.js";

/** A configuration mistake, naming the setting (`ledger`, `blobDir`, `healthPort`, ...). */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`setting ${setting}: ${message}`);
  }
}

const url = z.string().regex(/^https?:\/\/\S+$/, "must be an http(s) URL");
const port = z.number().int().min(0).max(65_535);
const chainId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const rpcTimeout = z.number().min(0.1).max(600).default(30);

const assetId = z.string().regex(/^(0|[1-9][0-9]{0,9})$/, "must be an asset id");
const baseUnits = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "must be a decimal amount in base units");

/** The node's IA duty (docs/guides/operator.md "Interim attestations"). */
const interimsSchema = z.strictObject({
  /** The Attestations contract. */
  attestations: address,
  /**
   * Per asset id (decimal): the RPC URLs of the chain that pays it (every one must find no payment for a "missed"
   * verdict) and its token there (0x0...0: the native coin). Absent assets: the consortium chain, the registry's token.
   */
  chains: z.record(assetId, z.strictObject({ rpcUrls: z.array(url).min(1), token: address })).optional(),
  /** Confirmations a payment needs on its chain (default 1). */
  confirmations: z.number().int().min(0).max(1_000).default(1),
  /** First block to scan for InterimPosted when the database has no IA cursor (default: startBlock). */
  startBlock: z.number().int().min(0).optional(),
  /** A "missed" finding is signed only when found again this many seconds later (default 30). */
  missedRecheckSeconds: z.number().int().min(0).max(86_400).default(30),
});

/** The transfer duty of the node's own member, the recipient (docs/guides/operator.md "Transfers"). */
const transfersSchema = z.strictObject({
  /** The Transfers contract. */
  transfers: address,
  /** The Reputation contract. */
  reputation: address,
  /** The watcher's SQLite database file (created on first use). */
  db: z.string().min(1),
  /** Per asset id: the largest notice credited at once, base units (an asset absent: never credited at once). */
  maxAmount: z.record(assetId, baseUnits),
  /** The sender's `Reputation.scoreOf` below which nothing is credited at once (default 0). */
  minScore: baseUnits.default("0"),
  /** Per asset id: the most credited at once and still open from one sender (default: maxAmount's). */
  maxOpenPerSender: z.record(assetId, baseUnits).optional(),
  /** First block to scan for NoticePosted when the watcher's database has no cursor (default: startBlock). */
  startBlock: z.number().int().min(0).optional(),
});

/** Schema of an operator node's configuration. */
export const nodeConfigSchema = z
  .strictObject({
    format: z.literal("por.node-config"),
    version: z.literal(1),
    rpcUrl: url,
    ledger: address,
    registry: address,
    reserveRegistry: address,
    adjudicator: address,
    /** The node's SQLite database file. */
    db: z.string().min(1),
    /** Local blob store directory: blobs fetched by their digest (set this or eigendaUrl). */
    blobDir: z.string().min(1).optional(),
    /** EigenDA proxy URL: blobs fetched with the refs members publish on-chain (set this or blobDir). */
    eigendaUrl: url.optional(),
    /** The operator's verifier-service store (SQLite path or postgres:// URL); omit to hold no records. */
    records: z.string().min(1).optional(),
    aggregatorUrl: url,
    confirmations: z.number().int().min(0).max(1_000).default(2),
    pollMs: z.number().int().min(50).max(600_000).default(2_000),
    startBlock: z.number().int().min(0).default(0),
    depth: z.number().int().min(1).max(32).default(32),
    blobAttempts: z.number().int().min(1).max(1_000).default(10),
    sweepMs: z.number().int().min(100).max(86_400_000).default(30_000),
    healthPort: port.optional(),
    /** Port of the private-set path endpoint (POST /path: a record holder's slot path); omit to serve none. */
    pathPort: port.optional(),
    /** Address the path endpoint binds (default 127.0.0.1). */
    pathHost: z.string().min(1).optional(),
    /**
     * The path endpoint runs behind a reverse proxy that appends the client's address to X-Forwarded-For: the rate
     * limit keys on that hop (without it every client shares the proxy's budget); the proxy caps connections.
     */
    pathTrustProxy: z.boolean().optional(),
    /** The chain id the deployment lives on (checked at start; the node also waits for the RPC with health up). */
    chainId: chainId.optional(),
    /** Deadline of every JSON-RPC call, in seconds. */
    rpcTimeoutSeconds: rpcTimeout,
    /** Health turns "degraded" when the last successful poll is older than this (default: 5 poll intervals, >= 30 s). */
    staleAfterSeconds: z.number().int().min(1).max(86_400).optional(),
    /** Health turns "degraded" when the cursor trails the confirmed head by more blocks than this (default 64). */
    maxLagBlocks: z.number().int().min(1).max(1_000_000).optional(),
    /** The IA duty; absent, the node judges no IAs. */
    interims: interimsSchema.optional(),
    /** The transfer duty (the recipient's watcher); absent, the node watches no notices. */
    transfers: transfersSchema.optional(),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .superRefine((c, ctx) => {
    if (c.blobDir === undefined && c.eigendaUrl === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["blobDir"],
        message: "set blobDir (local blob store) or eigendaUrl (EigenDA proxy): where the node fetches blobs",
      });
    } else if (c.blobDir !== undefined && c.eigendaUrl !== undefined) {
      ctx.addIssue({ code: "custom", path: ["eigendaUrl"], message: "set blobDir or eigendaUrl, not both" });
    }
  });

/** An operator node's configuration (paths resolved against the file's directory). */
export type NodeConfig = z.infer<typeof nodeConfigSchema>;
/** The settings of a node configuration file as written (settings with a default may be left out). */
export type NodeConfigSettings = z.input<typeof nodeConfigSchema>;

/** Schema of the aggregator's configuration. */
export const aggregatorConfigSchema = z.strictObject({
  format: z.literal("por.aggregator-config"),
  version: z.literal(1),
  rpcUrl: url,
  ledger: address,
  registry: address,
  vault: address,
  /** The Attestations contract: with it the aggregator takes IA verdicts (`POST /interims`). */
  attestations: address.optional(),
  db: z.string().min(1),
  port: port.default(8650),
  host: z.string().min(1).default("127.0.0.1"),
  maxBodyBytes: z.number().int().min(256).max(1_048_576).default(16_384),
  /** The chain id the deployment lives on (checked at start). */
  chainId: chainId.optional(),
  /** Deadline of every JSON-RPC call, in seconds. */
  rpcTimeoutSeconds: rpcTimeout,
  /** Health turns "degraded" when the chain has not answered for this long (default 60). */
  staleAfterSeconds: z.number().int().min(1).max(86_400).default(60),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/** The aggregator's configuration. */
export type AggregatorConfig = z.infer<typeof aggregatorConfigSchema>;
/** The settings of an aggregator configuration file as written. */
export type AggregatorConfigSettings = z.input<typeof aggregatorConfigSchema>;

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, json: unknown, file: string): T {
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
  }
  return r.data;
}

/** Reads a node configuration; relative paths are taken from the file's directory. */
export async function readNodeConfig(file: string): Promise<NodeConfig> {
  const c = parseWith(nodeConfigSchema, await readJson(file), file);
  const base = dirname(resolve(file));
  const local = (p: string) => (p === ":memory:" ? p : resolve(base, p));
  return {
    ...c,
    db: local(c.db),
    blobDir: c.blobDir === undefined ? undefined : local(c.blobDir),
    records: c.records === undefined || /^postgres(ql)?:\/\//i.test(c.records) ? c.records : local(c.records),
    transfers: c.transfers === undefined ? undefined : { ...c.transfers, db: local(c.transfers.db) },
  };
}

/** Reads an aggregator configuration. */
export async function readAggregatorConfig(file: string): Promise<AggregatorConfig> {
  const c = parseWith(aggregatorConfigSchema, await readJson(file), file);
  return { ...c, db: c.db === ":memory:" ? c.db : resolve(dirname(resolve(file)), c.db) };
}

/**
 * Writes a configuration file (`operator init`, `aggregator init`): the settings are checked by the file's schema
 * first (the error names the file and the field, and nothing is written), then written atomically as they are (the
 * schema's defaults stay implicit), creating the file's directory. Without `overwrite` an existing file is left alone
 * and the error has code EEXIST. Relative paths in the settings are the reader's: taken from the file's directory.
 */
export async function writeConfigFile(
  file: string,
  settings: NodeConfigSettings | AggregatorConfigSettings,
  o: { overwrite?: boolean } = {},
): Promise<void> {
  const schema: z.ZodType = settings.format === "por.node-config" ? nodeConfigSchema : aggregatorConfigSchema;
  parseWith(schema, settings, file);
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(settings, null, 2) + "\n", { overwrite: o.overwrite === true });
}

/** How to store a service's key: in the Hardhat keystore, or in the environment variable of the same name. */
export function keyHelp(name: string): string {
  return `store it with \`npx hardhat keystore set ${name}\` or set the environment variable ${name}`;
}

/** A 32-byte hex private key (0x added when missing) from `value`, named `name` in errors that never show it. */
export function parsePrivateKey(name: string, value: string | undefined): string {
  if (value === undefined || value === "") throw new Error(`no key in ${name}: ${keyHelp(name)}`);
  const v = value.trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(v)) throw new Error(`${name} must hold a 32-byte hex private key`);
  return v.startsWith("0x") ? v : `0x${v}`;
}

/**
 * A service's private key from its Hardhat configuration variable (`hre.config.por.operatorKey` /
 * `aggregatorKey`): Hardhat reads the environment variable of that name when it is set, else asks the keystore
 * plugin (`npx hardhat keystore set <name>`; the production keystore prompts for its password). A variable found
 * nowhere, or a value that is not a 32-byte hex key, is an error naming the variable and never showing the value.
 */
export async function resolvePrivateKey(variable: { name: string; get(): Promise<string> }): Promise<string> {
  const key = await resolveOptionalPrivateKey(variable);
  if (key === undefined) throw new Error(`no key in ${variable.name}: ${keyHelp(variable.name)}`);
  return key;
}

/**
 * The operator's earlier encryption keys (`por.previousEncryptionKeys`, POR_PREVIOUS_ENCRYPTION_KEYS): a comma-separated
 * list of 32-byte hex keys, kept after a rotation until no open set or request of their time needs them. A variable
 * found nowhere, or empty, is no key; a malformed entry is an error naming the variable and the entry's position
 * (never its value).
 */
export async function resolvePreviousEncryptionKeys(variable: {
  name: string;
  get(): Promise<string>;
}): Promise<string[]> {
  const list = await resolveOptionalVariable(variable);
  if (list === undefined || list.trim() === "") return [];
  return list.split(",").map((v, i) => parsePrivateKey(`${variable.name} (entry ${i + 1})`, v.trim()));
}

/** A configuration variable's value, or undefined when it is found nowhere (neither environment nor keystore). */
async function resolveOptionalVariable(variable: { get(): Promise<string> }): Promise<string | undefined> {
  try {
    return await variable.get();
  } catch (e) {
    // Found nowhere (during tests Hardhat reads the development keystore only, and says so in its own words).
    if (
      /Configuration Variable "[^"]*" not found|Key "[^"]*" not found in the development keystore/.test(
        (e as Error).message,
      )
    ) {
      return undefined;
    }
    throw e;
  }
}

/**
 * As {@link resolvePrivateKey}, but a variable found nowhere gives undefined (the operator's encryption key
 * `por.encryptionKey`: without it the node verifies no private set and says so at start).
 */
export async function resolveOptionalPrivateKey(variable: {
  name: string;
  get(): Promise<string>;
}): Promise<string | undefined> {
  const value = await resolveOptionalVariable(variable);
  return value === undefined ? undefined : parsePrivateKey(variable.name, value);
}
