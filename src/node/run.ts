// Process entry points shared by the Hardhat tasks: build a node or an aggregator from a configuration file, run it
// until SIGINT/SIGTERM, then shut down gracefully (finish the current step, close servers and databases).
import { JsonRpcProvider, Wallet, type Provider } from "ethers";

import { Aggregator } from "../aggregator/server.js";
import { EigenDaProxyClient, LocalBlobStore } from "../blobstore/index.js";
import { loadCrypto } from "../crypto/index.js";
import { localBlobSource, publishedRefBlobSource, type BlobSource } from "./blobs.js";
import type { AggregatorConfig, NodeConfig } from "./config.js";
import { jsonLogger, type Logger } from "../log/index.js";
import { OperatorNode, type OperatorNodeOptions } from "./node.js";
import { openHeldRecords } from "./records.js";

/**
 * Where a node configured with `c` fetches blobs: with `eigendaUrl`, the EigenDA proxy through the refs members
 * publish on the ledger (`BlobRefPublished`); otherwise the local store `blobDir`, by digest.
 */
export function blobSourceFor(
  c: Pick<NodeConfig, "blobDir" | "eigendaUrl" | "ledger">,
  provider: Provider,
  log: Logger,
): BlobSource {
  if (c.eigendaUrl !== undefined) {
    const client = new EigenDaProxyClient(c.eigendaUrl, {
      onRetry: (r) => log.warn("EigenDA proxy unavailable: retrying", { ...r }),
    });
    return publishedRefBlobSource(client, provider, c.ledger, { log });
  }
  if (c.blobDir === undefined) throw new Error("the node configuration sets neither blobDir nor eigendaUrl");
  return localBlobSource(new LocalBlobStore(c.blobDir));
}

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
    blobs: blobSourceFor(c, provider, log),
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
