// Runs the verifier service as a process: used by the Hardhat task `verifier serve` and by the plain entry
// src/verifier-service/main.ts. Checks the configuration first (the database exists unless --create, both contract
// addresses hold the expected contracts), then starts; installs SIGTERM/SIGINT handlers for a graceful shutdown.
import { availableParallelism } from "node:os";

import { ZeroAddress, type ContractRunner } from "ethers";

import { loadCrypto } from "../crypto/index.js";
import { EthersChainView } from "./chain.js";
import type { HttpLimits, WebAssets } from "./http.js";
import { jsonLogger, type LogLevel, type Logger } from "../log/index.js";
import { checkContracts, checkDatabasePath } from "../node/preflight.js";
import { COMMITMENT_LEDGER_ABI, CONSORTIUM_REGISTRY_ABI } from "../generated/abi.js";
import type { RequestPolicy } from "./policy.js";
import { startVerifierService, type VerifierService } from "./service.js";
import { openRecordStore, redactLocation } from "./sql-drivers.js";

/** Configuration of a verifier process. */
export interface RunConfig {
  port: number;
  host: string;
  /** SQLite path or postgres:// URL. */
  db: string;
  /** Create the SQLite database if it does not exist (first run); otherwise it must exist. */
  create?: boolean;
  /** Rate-limit by the reverse proxy's X-Forwarded-For entry. */
  trustProxy?: boolean;
  /** Worker threads verifying signatures (default: the cores, at most 4; 0 verifies on the main thread). */
  verifyThreads?: number;
  limits?: Partial<HttpLimits>;
  registry: string;
  ledger: string;
  adminToken?: string;
  requireCommitted: boolean;
  /** Scheduler on/off and its policy. */
  schedule: boolean;
  intervalMs: number;
  policy: Partial<RequestPolicy>;
  logLevel: LogLevel;
  /** The user's page and circuit files to serve; GET /deployment always names --registry and --ledger. */
  web?: Omit<WebAssets, "deployment">;
}

/** Starts store, chain view, crypto and the service; returns a stop function that also releases crypto. */
export async function runVerifier(
  config: RunConfig,
  runner: ContractRunner,
  logger: Logger = jsonLogger("verifier-service", { level: config.logLevel, out: process.stdout }),
): Promise<{ service: VerifierService; stop: () => Promise<void> }> {
  const provider = runner.provider;
  if (provider === null || provider === undefined) throw new Error("the chain runner has no provider");
  await checkDatabasePath("--db", config.db.replace(/^sqlite:/i, ""), config.create === true);
  await checkContracts(provider, [
    {
      setting: "--registry",
      address: config.registry,
      what: "a ConsortiumRegistry",
      abi: CONSORTIUM_REGISTRY_ABI,
      probe: (c) => c.getFunction("keyCount")(ZeroAddress),
    },
    {
      setting: "--ledger",
      address: config.ledger,
      what: "a CommitmentLedger",
      abi: COMMITMENT_LEDGER_ABI,
      probe: (c) => c.getFunction("quorumParams")(),
    },
  ]);
  const chain = new EthersChainView(config.registry, config.ledger, runner, { log: logger });
  logger.info("opening store", { db: redactLocation(config.db) });
  const store = await openRecordStore(config.db);
  const crypto = await loadCrypto({ threads: config.verifyThreads ?? Math.min(4, availableParallelism()) });
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
      trustProxy: config.trustProxy,
      limits: config.limits,
      web: { ...config.web, deployment: { ledger: config.ledger, registry: config.registry } },
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
