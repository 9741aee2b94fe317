// `operator init` and `aggregator init`: write a service's configuration file from the Ignition deployment (the
// contract addresses, checked to hold code), the network's URL and chain id, and the settings given, checked by the
// file's schema before anything is written.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  asTaskError,
  clientTask,
  given,
  networkUrl,
  required,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { isFileExists } from "../src/files/index.js";
import { writeConfigFile, type AggregatorConfigSettings, type NodeConfigSettings } from "../src/node/config.js";

/** The options of both tasks. */
export interface InitArgs extends Pick<ClientArgs, "deployment" | "json"> {
  /** The configuration file to write. */
  out?: string;
  /** The service's SQLite database (relative: to the file's directory). */
  db?: string;
  /** The JSON-RPC URL the service uses (absent: the --network's; the actions fill it in before the bodies run). */
  rpcUrl?: string;
  /** Replace an existing file. */
  force: boolean;
}

export interface OperatorArgs extends InitArgs {
  blobDir?: string;
  eigendaUrl?: string;
  aggregatorUrl?: string;
  records?: string;
  /** 0: no health endpoint. */
  healthPort: number;
  confirmations: number;
  pollMs: number;
  /** 0: from the first block. */
  startBlock: number;
}

export interface AggregatorArgs extends InitArgs {
  port: number;
  host: string;
}

/** `hardhat operator init --out node.json --db node.sqlite --blob-dir <dir> --aggregator-url <url> ...`. */
export async function operatorInitAction(args: OperatorArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("operator init", hre, args, async (ctx) =>
    operatorInit(ctx, { ...args, rpcUrl: await rpcUrlOf(args, hre) }),
  );
}

/** `hardhat aggregator init --out aggregator.json --db aggregator.sqlite [--port n]`. */
export async function aggregatorInitAction(args: AggregatorArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("aggregator init", hre, args, async (ctx) =>
    aggregatorInit(ctx, { ...args, rpcUrl: await rpcUrlOf(args, hre) }),
  );
}

/** The body of `operator init`: reads the deployment and the chain (no signer), writes the file. */
export async function operatorInit(ctx: Client, args: OperatorArgs): Promise<void> {
  const file = required(args.out, "--out", "node.json");
  const aggregatorUrl = required(args.aggregatorUrl, "--aggregator-url", "url");
  if (given(args.blobDir) === given(args.eigendaUrl)) {
    throw new TaskError("give --blob-dir <dir> or --eigenda-url <url> (where the node fetches blobs), not both");
  }
  const settings: NodeConfigSettings = {
    format: "por.node-config",
    version: 1,
    rpcUrl: required(args.rpcUrl, "--rpc-url", "url"),
    chainId: Number(ctx.chainId),
    ...(await deployed(ctx, ["ledger", "registry", "reserveRegistry", "adjudicator"])),
    db: required(args.db, "--db", "node.sqlite"),
    ...(given(args.blobDir)
      ? { blobDir: args.blobDir }
      : { eigendaUrl: required(args.eigendaUrl, "--eigenda-url", "url") }),
    ...(given(args.records) ? { records: args.records } : {}),
    aggregatorUrl,
    confirmations: args.confirmations,
    pollMs: args.pollMs,
    ...(args.startBlock !== 0 ? { startBlock: args.startBlock } : {}),
    ...(args.healthPort !== 0 ? { healthPort: args.healthPort } : {}),
    // The IA duty on the consortium chain (assets paid on other chains: add their RPCs under interims.chains).
    ...(await attestationsOf(ctx).then((a) => (a === undefined ? {} : { interims: { attestations: a } }))),
  };
  await write(ctx, file, settings, args.force);
}

/** The body of `aggregator init`: reads the deployment and the chain (no signer), writes the file. */
export async function aggregatorInit(ctx: Client, args: AggregatorArgs): Promise<void> {
  const file = required(args.out, "--out", "aggregator.json");
  const settings: AggregatorConfigSettings = {
    format: "por.aggregator-config",
    version: 1,
    rpcUrl: required(args.rpcUrl, "--rpc-url", "url"),
    chainId: Number(ctx.chainId),
    ...(await deployed(ctx, ["ledger", "registry", "vault"])),
    db: required(args.db, "--db", "aggregator.sqlite"),
    port: args.port,
    host: args.host,
    ...(await attestationsOf(ctx).then((a) => (a === undefined ? {} : { attestations: a }))),
  };
  await write(ctx, file, settings, args.force);
}

/** The deployment's Attestations contract (checked to hold code), or undefined for a deployment without one. */
async function attestationsOf(ctx: Client): Promise<string | undefined> {
  if (!ctx.deployment.has("attestations")) return undefined;
  await ctx.contract("attestations");
  return ctx.deployment.address("attestations");
}

/** `--rpc-url`, else the URL of the task's network. */
async function rpcUrlOf(args: InitArgs, hre: HardhatRuntimeEnvironment): Promise<string> {
  if (given(args.rpcUrl)) return args.rpcUrl;
  const url = await networkUrl(hre);
  if (url === undefined) throw new TaskError("--rpc-url <url> is required: this network runs in-process (no URL)");
  return url;
}

/** The deployment's addresses of these contracts, each checked to hold code on this chain. */
async function deployed<R extends "ledger" | "registry" | "reserveRegistry" | "adjudicator" | "vault">(
  ctx: Client,
  roles: R[],
): Promise<Record<R, string>> {
  const out = {} as Record<R, string>;
  for (const role of roles) {
    await ctx.contract(role);
    out[role] = ctx.deployment.address(role);
  }
  return out;
}

async function write(
  ctx: Client,
  file: string,
  settings: NodeConfigSettings | AggregatorConfigSettings,
  force: boolean,
): Promise<void> {
  try {
    await writeConfigFile(file, settings, { overwrite: force });
  } catch (e) {
    if (isFileExists(e)) throw new TaskError(`${file} already exists: pass --force to replace it`);
    throw asTaskError(e);
  }
  ctx.out.line(`wrote ${file} (${settings.format}, chain ${ctx.chainId}, contracts of ${ctx.deployment.file})`);
  ctx.out.setAll({ file, config: settings });
}
