import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { jsonLogger, type LogLevel } from "../src/log/index.js";
import { runVerifier, stopOnSignals } from "../src/verifier-service/run.js";

interface VerifierServeArgs {
  port: number;
  host: string;
  db: string;
  rpcNetwork: string;
  registry: string;
  ledger: string;
  schedule: boolean;
  intervalSeconds: number;
  minRecords: number;
  minAgeSeconds: number;
  requireCommitted: boolean;
  logLevel: string;
}

const LEVELS = ["debug", "info", "warn", "error"];

/**
 * `hardhat verifier:serve`: runs the verifier service until SIGTERM/SIGINT. The scheduler (--schedule) signs
 * requestProof with the network's first account. The operator token comes from POR_VERIFIER_ADMIN_TOKEN.
 */
export default async function verifierServe(args: VerifierServeArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  if (!LEVELS.includes(args.logLevel)) throw new Error(`--log-level must be one of ${LEVELS.join(", ")}`);
  const logger = jsonLogger("verifier-service", { level: args.logLevel as LogLevel, out: process.stdout });
  try {
    if (!/^0x[0-9a-fA-F]{40}$/.test(args.registry))
      throw new Error("--registry <ConsortiumRegistry address> is required");
    if (!/^0x[0-9a-fA-F]{40}$/.test(args.ledger)) throw new Error("--ledger <CommitmentLedger address> is required");
    const { ethers } = await hre.network.connect(args.rpcNetwork === "" ? undefined : { network: args.rpcNetwork });
    const signers = await ethers.getSigners();
    if (args.schedule && signers.length === 0) throw new Error("--schedule needs an account on the network");
    const runner = signers[0] ?? ethers.provider;
    const { stop } = await runVerifier(
      {
        port: args.port,
        host: args.host,
        db: args.db,
        registry: args.registry,
        ledger: args.ledger,
        adminToken: process.env.POR_VERIFIER_ADMIN_TOKEN,
        requireCommitted: args.requireCommitted,
        schedule: args.schedule,
        intervalMs: args.intervalSeconds * 1000,
        policy: { minRecords: args.minRecords, minAgeSeconds: args.minAgeSeconds },
        logLevel: args.logLevel as LogLevel,
      },
      runner,
      logger,
    );
    await stopOnSignals(stop, logger);
  } catch (e) {
    logger.error("verifier:serve failed", { error: (e as Error).message });
    process.exitCode = 1;
  }
}
