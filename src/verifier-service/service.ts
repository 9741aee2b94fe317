// Composition of the verifier service: store + validator + HTTP API + scheduler, with graceful shutdown
// (stop accepting, finish in-flight requests and the scheduler round, close the database).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Crypto } from "../crypto/index.js";
import { errorMessage, pause } from "../chain/rpc.js";
import type { ChainView } from "./chain.js";
import { createApiServer, VerifierApi, type ChainHealth, type HttpLimits, type WebAssets } from "./http.js";
import type { Logger } from "../log/index.js";
import { listen } from "../node/health.js";
import type { RequestPolicy } from "./policy.js";
import { RequestScheduler } from "./scheduler.js";
import type { RecordStore } from "./store.js";
import { RecordValidator } from "./validate.js";

/** Options of {@link startVerifierService}. */
export interface VerifierServiceOptions {
  store: RecordStore;
  chain: ChainView;
  crypto: Crypto;
  logger: Logger;
  /** Port (0: any free port) and host (default 127.0.0.1). */
  port?: number;
  host?: string;
  limits?: Partial<HttpLimits>;
  adminToken?: string;
  requireCommitted?: boolean;
  /** Rate-limit by the reverse proxy's X-Forwarded-For entry (see ApiContext.trustProxy). */
  trustProxy?: boolean;
  /** The user's page, circuit files and deployment to serve (see WebAssets). */
  web?: WebAssets;
  /** How long shutdown waits for in-flight requests, ms (default 5000). */
  shutdownGraceMs?: number;
  /** Deadline of the chain probe behind /health, ms (default 3000). */
  chainProbeTimeoutMs?: number;
  /** When set, the scheduler runs with this policy every `intervalMs`; without it, no requests are made. */
  scheduler?: {
    policy?: Partial<RequestPolicy>;
    intervalMs?: number;
    isRequestExists?: (e: unknown) => boolean;
  };
}

/** A running verifier service. */
export interface VerifierService {
  url: string;
  port: number;
  server: Server;
  api: VerifierApi;
  validator: RecordValidator;
  scheduler: RequestScheduler | undefined;
  /** Graceful shutdown; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The chain's health as /health reports it: one probe (no retries) with a deadline, shared by concurrent callers and
 * reused for a second, so health checks cannot load the RPC endpoint.
 */
export function chainHealthProbe(chain: ChainView, timeoutMs: number): () => Promise<ChainHealth> {
  let last: ChainHealth = { chain: "error: not probed yet", lastChainOkAt: null };
  let at = -Infinity;
  let running: Promise<ChainHealth> | undefined;
  const probe = async (): Promise<ChainHealth> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const head = await Promise.race([chain.probe(), deadline]);
      last = {
        chain: "ok",
        head: head.number,
        chainTime: head.timestamp,
        lastChainOkAt: Math.floor(Date.now() / 1000),
      };
    } catch (e) {
      last = { ...last, chain: `error: ${errorMessage(e)}` };
    } finally {
      clearTimeout(timer);
      at = performance.now();
    }
    return last;
  };
  return () => {
    if (performance.now() - at < 1_000) return Promise.resolve(last);
    running ??= probe().finally(() => (running = undefined));
    return running;
  };
}

/** Starts the HTTP API (and the scheduler, if configured). The caller owns `crypto` and the chain connection. */
export async function startVerifierService(o: VerifierServiceOptions): Promise<VerifierService> {
  const validator = new RecordValidator(o.crypto, o.chain, { requireCommitted: o.requireCommitted });
  const api = new VerifierApi({
    store: o.store,
    validator,
    logger: o.logger,
    limits: o.limits,
    adminToken: o.adminToken,
    trustProxy: o.trustProxy,
    web: o.web,
    chainHealth: chainHealthProbe(o.chain, o.chainProbeTimeoutMs ?? 3_000),
  });
  const server = createApiServer(api, o.logger);
  await listen(server, o.port ?? 0, o.host ?? "127.0.0.1", "port");
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  const url = `http://${host}:${port}`;
  let scheduler: RequestScheduler | undefined;
  if (o.scheduler !== undefined) {
    scheduler = new RequestScheduler({
      store: o.store,
      chain: o.chain,
      logger: o.logger.child({ component: "scheduler" }),
      policy: o.scheduler.policy,
      intervalMs: o.scheduler.intervalMs,
      isRequestExists: o.scheduler.isRequestExists,
    });
    scheduler.start();
  }
  o.logger.info("verifier service listening", { url, store: o.store.kind, scheduler: scheduler !== undefined });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      o.logger.info("shutting down: no new requests, finishing in-flight work");
      api.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A request stuck on an unreachable chain is cut after the grace period (it stored nothing: a batch is stored
      // in one transaction after every check).
      const grace = o.shutdownGraceMs ?? 5_000;
      const idle = await Promise.race([api.whenIdle().then(() => true), pause(grace).then(() => false)]);
      if (!idle) o.logger.warn("requests still running after the grace period: closing their connections", { grace });
      server.closeAllConnections();
      await scheduler?.stop();
      await closed;
      await o.store.close();
      o.logger.info("shut down cleanly");
    })();
    return closing;
  };
  return { url, port, server, api, validator, scheduler, close };
}
