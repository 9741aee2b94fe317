// What the node tests start: an operator node's configuration file as `operator init` writes one (the deployment's
// addresses, a fast poll, no confirmations, an ephemeral health port), and the aggregator on the in-process chain.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Provider } from "ethers";

import { Aggregator } from "../../src/aggregator/index.js";
import { silentLogger, type NodeConfigSettings } from "../../src/node/index.js";
import type { fixtureAddresses } from "../contracts/ledger-fixture.js";

type Addresses = Awaited<ReturnType<typeof fixtureAddresses>>;

/** Writes `dir/<name>.json`, a node configuration for the fixture's deployment on `rpcUrl`; returns its path. */
export async function writeNodeConfig(
  dir: string,
  name: string,
  addrs: Addresses,
  settings: Pick<NodeConfigSettings, "rpcUrl" | "aggregatorUrl" | "startBlock"> & Partial<NodeConfigSettings>,
): Promise<string> {
  const file = join(dir, `${name}.json`);
  const config: NodeConfigSettings = {
    format: "por.node-config",
    version: 1,
    ledger: addrs.ledger,
    registry: addrs.registry,
    reserveRegistry: addrs.reserveRegistry,
    adjudicator: addrs.adjudicator,
    db: `${name}.sqlite`,
    blobDir: ".",
    confirmations: 0,
    pollMs: 100,
    healthPort: 0,
    logLevel: "error",
    ...settings,
  };
  await writeFile(file, JSON.stringify(config));
  return file;
}

/** The aggregator for the fixture's deployment, submitting as `wallet`, its database in `dir`; started. */
export async function startTestAggregator(
  provider: Provider,
  wallet: HardhatEthersSigner,
  addrs: Addresses,
  dir: string,
): Promise<Aggregator> {
  const aggregator = new Aggregator({
    provider,
    wallet,
    ledger: addrs.ledger,
    registry: addrs.registry,
    vault: addrs.vault,
    attestations: addrs.attestations,
    dbPath: join(dir, "agg.sqlite"),
    retryIntervalMs: 0,
    checkContracts: false,
    log: silentLogger,
  });
  await aggregator.start(0);
  return aggregator;
}
