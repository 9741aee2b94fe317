// Process entry points shared by the Hardhat tasks: build a node or an aggregator from a configuration file (checked
// first: paths, then at start the chain id and the contracts), run it until SIGINT/SIGTERM, then shut down within a
// few seconds in every state (abort waits, close servers and databases, release snarkjs's worker threads).
import { Wallet, getBytes, type JsonRpcProvider, type Provider } from "ethers";

import { Aggregator } from "../aggregator/server.js";
import { EigenDaProxyClient, LocalBlobStore } from "../blobstore/index.js";
import { rpcProvider, waitForChain } from "../chain/rpc.js";
import { releaseCurves } from "../circuits/index.js";
import { loadCrypto } from "../crypto/index.js";
import { localBlobSource, publishedRefBlobSource, type BlobSource } from "./blobs.js";
import { ConfigError, type AggregatorConfig, type NodeConfig } from "./config.js";
import { jsonLogger, type Logger } from "../log/index.js";
import { OperatorNode, type OperatorNodeOptions } from "./node.js";
import type { InterimChain, InterimOptions } from "./interims.js";
import { localPayloads, type NodeTransfersOptions } from "./transfers.js";
import { checkDatabasePath, checkDirectory } from "./preflight.js";
import { openHeldRecords } from "./records.js";
import { encryptionKeyFromPrivate } from "../private/blob.js";

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

/** How a service is started. */
export interface StartOptions {
  /** Create the service's database when it does not exist (the first run); otherwise a missing one is an error. */
  create?: boolean;
  /** Aborts the start (SIGTERM while waiting for the RPC endpoint): everything opened is closed again. */
  signal?: AbortSignal;
  /** The operator node's X25519 private key, 32 bytes of hex (POR_ENCRYPTION_KEY): it opens private blobs. */
  encryptionKey?: string;
  /** The operator's earlier X25519 private keys (POR_PREVIOUS_ENCRYPTION_KEYS), kept after a key rotation. */
  previousEncryptionKeys?: readonly string[];
}

/** Raised when a start is aborted (`StartOptions.signal`) before the service ran. */
export class StartAborted extends Error {
  override name = "StartAborted";
}

/**
 * A provider on `rpcUrl` with the configured deadline. Without a configured chain id, the chain is asked first,
 * waiting while it is down (logged): ethers then never runs its own network detection (which prints to stdout).
 */
async function providerFor(
  c: { rpcUrl: string; rpcTimeoutSeconds: number; chainId?: number },
  log: Logger,
  signal?: AbortSignal,
): Promise<JsonRpcProvider> {
  const timeoutMs = Math.round(c.rpcTimeoutSeconds * 1000);
  const chainId =
    c.chainId !== undefined
      ? BigInt(c.chainId)
      : await waitForChain(c.rpcUrl, {
          timeoutMs,
          signal,
          onWait: (w) => log.warn("waiting for the RPC endpoint", { url: c.rpcUrl, ...w }),
        }).catch((e: unknown) => {
          throw signal?.aborted === true ? new StartAborted("stopped while waiting for the RPC endpoint") : e;
        });
  return rpcProvider(c.rpcUrl, { timeoutMs, chainId });
}

/** Runs `start`; when `signal` aborts meanwhile, calls `stop` (which must make `start` settle). */
async function abortable(start: () => Promise<void>, stop: () => Promise<void>, signal?: AbortSignal) {
  const onAbort = () => void stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await start();
  } catch (e) {
    if (signal?.aborted === true) throw new StartAborted("stopped before the start completed");
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (signal?.aborted === true) throw new StartAborted("stopped before the start completed");
}

/**
 * Starts an operator node from its configuration; returns it and a `close` that stops everything. Checks first that
 * `db` exists (unless `create`), `blobDir` is a directory and a SQLite `records` store exists (the node never creates
 * the verifier service's store); then the node waits for its RPC endpoint, checks the chain id and the contracts
 * (health up meanwhile). Every mistake is a ConfigError naming the setting.
 */
export async function startOperatorNode(
  c: NodeConfig,
  privateKey: string,
  hooks: Pick<OperatorNodeOptions, "onStep"> = {},
  options: StartOptions = {},
): Promise<{ node: OperatorNode; close: () => Promise<void> }> {
  await checkDatabasePath("db", c.db, options.create === true);
  if (c.blobDir !== undefined) await checkDirectory("blobDir", c.blobDir);
  if (c.records !== undefined) await checkDatabasePath("records", c.records, false);
  const log = jsonLogger("node", { level: c.logLevel });
  const provider = await providerFor(c, log, options.signal);
  const wallet = new Wallet(privateKey, provider);
  const crypto = await loadCrypto({ threads: 0 });
  const held = c.records === undefined ? undefined : await openHeldRecords(c.records);
  const interims = interimsOf(c);
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
    pathPort: c.pathPort,
    pathHost: c.pathHost,
    pathTrustProxy: c.pathTrustProxy,
    chainId: c.chainId === undefined ? undefined : BigInt(c.chainId),
    staleAfterMs: c.staleAfterSeconds === undefined ? undefined : c.staleAfterSeconds * 1000,
    maxLagBlocks: c.maxLagBlocks,
    interims,
    transfers: transfersOf(c),
    encryptionKey:
      options.encryptionKey === undefined ? undefined : encryptionKeyFromPrivate(getBytes(options.encryptionKey)),
    previousEncryptionKeys: (options.previousEncryptionKeys ?? []).map((k) => encryptionKeyFromPrivate(getBytes(k))),
    log,
    ...hooks,
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await node.stop();
      await held?.close();
      await crypto.close();
      await releaseCurves();
      for (const chain of Object.values(interims?.chains ?? {})) for (const p of chain.providers) p.destroy();
      provider.destroy();
    })());
  try {
    await abortable(() => node.start(), close, options.signal);
  } catch (e) {
    await close();
    throw e;
  }
  return { node, close };
}

/** The node's transfer settings from its configuration (payloads checked in the node's local blob store). */
function transfersOf(c: NodeConfig): NodeTransfersOptions | undefined {
  const t = c.transfers;
  if (t === undefined) return undefined;
  const amounts = (m: Record<string, string>) =>
    Object.fromEntries(Object.entries(m).map(([asset, v]) => [Number(asset), BigInt(v)]));
  return {
    transfers: t.transfers,
    reputation: t.reputation,
    dbPath: t.db,
    policy: {
      maxAmount: amounts(t.maxAmount),
      minScore: BigInt(t.minScore),
      maxOpenPerSender: t.maxOpenPerSender === undefined ? undefined : amounts(t.maxOpenPerSender),
    },
    payloads: c.blobDir === undefined ? undefined : localPayloads(new LocalBlobStore(c.blobDir)),
    startBlock: t.startBlock,
  };
}

/** The node's IA settings from its configuration: one provider per configured RPC URL of an asset's chain. */
function interimsOf(c: NodeConfig): InterimOptions | undefined {
  const i = c.interims;
  if (i === undefined) return undefined;
  const chains: Record<number, InterimChain> = {};
  for (const [asset, chain] of Object.entries(i.chains ?? {})) {
    chains[Number(asset)] = {
      providers: chain.rpcUrls.map((u) => rpcProvider(u, { timeoutMs: Math.round(c.rpcTimeoutSeconds * 1000) })),
      token: chain.token,
    };
  }
  return {
    attestations: i.attestations,
    chains,
    confirmations: i.confirmations,
    startBlock: i.startBlock,
    missedRecheckSeconds: i.missedRecheckSeconds,
  };
}

/**
 * Starts the aggregator from its configuration: `db` must exist unless `create`; then it waits for the RPC endpoint,
 * checks the chain id and the contracts, and listens (a port in use names `port`).
 */
export async function startAggregator(
  c: AggregatorConfig,
  privateKey: string,
  options: StartOptions = {},
): Promise<{ aggregator: Aggregator; close: () => Promise<void> }> {
  await checkDatabasePath("db", c.db, options.create === true);
  const log = jsonLogger("aggregator", { level: c.logLevel });
  const provider = await providerFor(c, log, options.signal);
  const aggregator = new Aggregator({
    provider,
    wallet: new Wallet(privateKey, provider),
    ledger: c.ledger,
    registry: c.registry,
    vault: c.vault,
    attestations: c.attestations,
    dbPath: c.db,
    log,
    maxBodyBytes: c.maxBodyBytes,
    chainId: c.chainId === undefined ? undefined : BigInt(c.chainId),
    staleAfterMs: c.staleAfterSeconds * 1000,
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await aggregator.stop();
      provider.destroy();
    })());
  try {
    await abortable(() => aggregator.start(c.port, c.host), close, options.signal);
  } catch (e) {
    await close();
    throw e;
  }
  return { aggregator, close };
}

/** How a service's failed start reads: the message only (never a stack), after the configuration file if it is at fault. */
export function startErrorText(file: string, e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return e instanceof ConfigError ? `${file}: ${m}` : m;
}
