// Process entry points shared by the Hardhat tasks: build a node or an aggregator from a configuration file, run it
// until SIGINT/SIGTERM, then shut down gracefully (finish the current step, close servers and databases).
import { JsonRpcProvider, Wallet } from "ethers";

import { Aggregator } from "../aggregator/server.js";
import { LocalBlobStore } from "../blobstore/index.js";
import { loadCrypto } from "../crypto/index.js";
import { localBlobSource } from "./blobs.js";
import type { AggregatorConfig, NodeConfig } from "./config.js";
import { jsonLogger } from "../log/index.js";
import { OperatorNode, type OperatorNodeOptions } from "./node.js";
import { openHeldRecords } from "./records.js";

/** Starts an operator node from its configuration; returns it and a `close` that stops everything. */
export async function startOperatorNode(
  c: NodeConfig,
  privateKey: string,
  hooks: Pick<OperatorNodeOptions, "onStep"> = {},
): Promise<{ node: OperatorNode; close: () => Promise<void> }> {
  const log = jsonLogger("node", { level: c.logLevel });
  const provider = new JsonRpcProvider(c.rpcUrl, undefined, { staticNetwork: true, polling: true, cacheTimeout: -1 });
  const wallet = new Wallet(privateKey, provider);
  const crypto = await loadCrypto({ threads: 0 });
  const held = c.records === undefined ? undefined : await openHeldRecords(c.records);
  const node = new OperatorNode({
    provider,
    wallet,
    addresses: {
      ledger: c.ledger,
      registry: c.registry,
      reserveRegistry: c.reserveRegistry,
      adjudicator: c.adjudicator,
    },
    crypto,
    blobs: localBlobSource(new LocalBlobStore(c.blobDir)),
    held,
    dbPath: c.db,
    aggregatorUrl: c.aggregatorUrl,
    confirmations: c.confirmations,
    pollMs: c.pollMs,
    startBlock: c.startBlock,
    depth: c.depth,
    blobAttempts: c.blobAttempts,
    sweepMs: c.sweepMs,
    healthPort: c.healthPort,
    log,
    ...hooks,
  });
  await node.start();
  return {
    node,
    close: async () => {
      await node.stop();
      await held?.close();
      await crypto.close();
      provider.destroy();
    },
  };
}

/** Starts the aggregator from its configuration. */
export async function startAggregator(
  c: AggregatorConfig,
  privateKey: string,
): Promise<{ aggregator: Aggregator; close: () => Promise<void> }> {
  const log = jsonLogger("aggregator", { level: c.logLevel });
  const provider = new JsonRpcProvider(c.rpcUrl, undefined, { staticNetwork: true, polling: true, cacheTimeout: -1 });
  const aggregator = new Aggregator({
    provider,
    wallet: new Wallet(privateKey, provider),
    ledger: c.ledger,
    registry: c.registry,
    vault: c.vault,
    dbPath: c.db,
    log,
    maxBodyBytes: c.maxBodyBytes,
  });
  await aggregator.start(c.port, c.host);
  return {
    aggregator,
    close: async () => {
      await aggregator.stop();
      provider.destroy();
    },
  };
}

/** Resolves when the process gets SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once("SIGINT", on("SIGINT"));
    process.once("SIGTERM", on("SIGTERM"));
  });
}
