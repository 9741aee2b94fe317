// Runs the verifier service as a process: used by the Hardhat task `verifier:serve` and by the plain entry
// src/verifier-service/main.ts. Installs SIGTERM/SIGINT handlers for a graceful shutdown.
import type { ContractRunner } from "ethers";

import { loadCrypto } from "../crypto/index.js";
import { EthersChainView } from "./chain.js";
import { jsonLogger, type LogLevel, type Logger } from "../log/index.js";
import type { RequestPolicy } from "./policy.js";
import { startVerifierService, type VerifierService } from "./service.js";
import { openRecordStore, redactLocation } from "./sql-drivers.js";

/** Configuration of a verifier process. */
export interface RunConfig {
  port: number;
  host: string;
  /** SQLite path or postgres:// URL. */
  db: string;
  registry: string;
  ledger: string;
  adminToken?: string;
  requireCommitted: boolean;
  /** Scheduler on/off and its policy. */
  schedule: boolean;
  intervalMs: number;
  policy: Partial<RequestPolicy>;
  logLevel: LogLevel;
}

/** Starts store, chain view, crypto and the service; returns a stop function that also releases crypto. */
export async function runVerifier(
  config: RunConfig,
  runner: ContractRunner,
  logger: Logger = jsonLogger("verifier-service", { level: config.logLevel, out: process.stdout }),
): Promise<{ service: VerifierService; stop: () => Promise<void> }> {
  const chain = new EthersChainView(config.registry, config.ledger, runner, {
    onRetry: (i) => logger.warn("RPC call failed; retrying", i),
  });
  logger.info("opening store", { db: redactLocation(config.db) });
  const store = await openRecordStore(config.db);
  const crypto = await loadCrypto({ threads: 0 });
  let service: VerifierService;
  try {
    service = await startVerifierService({
      store,
      chain,
      crypto,
      logger,
      port: config.port,
      host: config.host,
      adminToken: config.adminToken,
      requireCommitted: config.requireCommitted,
      scheduler: config.schedule
        ? {
            policy: config.policy,
            intervalMs: config.intervalMs,
            isRequestExists: (e) => chain.ledgerRevertName(e) === "CommitmentLedgerRequestExists",
          }
        : undefined,
    });
  } catch (e) {
    await store.close();
    await crypto.close();
    throw e;
  }
  const stop = async () => {
    await service.close();
    await crypto.close();
  };
  return { service, stop };
}

/** Stops on SIGTERM/SIGINT (once), then exits 0; a failing shutdown exits 1. Resolves when stopped. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info("signal received", { signal });
      stop()
        .then(() => resolve())
        .catch((e: Error) => {
          logger.error("shutdown failed", { error: e.message });
          process.exitCode = 1;
          resolve();
        });
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
}
