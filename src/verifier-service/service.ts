// Composition of the verifier service: store + validator + HTTP API + scheduler, with graceful shutdown
// (stop accepting, finish in-flight requests and the scheduler round, close the database).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Crypto } from "../crypto/index.js";
import type { ChainView } from "./chain.js";
import { createApiServer, VerifierApi, type HttpLimits } from "./http.js";
import type { Logger } from "../log/index.js";
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
  scheduler: RequestScheduler | undefined;
  /** Graceful shutdown; safe to call twice. */
  close(): Promise<void>;
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
    healthExtra: async () => ({ chainTime: await o.chain.now() }),
  });
  const server = createApiServer(api);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
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
      await api.whenIdle();
      server.closeIdleConnections();
      await scheduler?.stop();
      await closed;
      await o.store.close();
      o.logger.info("shut down cleanly");
    })();
    return closing;
  };
  return { url, port, server, api, scheduler, close };
}
