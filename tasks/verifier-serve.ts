import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { errorMessage } from "../src/chain/rpc.js";
import { jsonLogger, parseLogLevel } from "../src/log/index.js";
import { runVerifier, stopOnSignals } from "../src/verifier-service/run.js";

interface VerifierServeArgs {
  port: number;
  host: string;
  db: string;
  create: boolean;
  trustProxy: boolean;
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

/**
 * `hardhat verifier:serve`: runs the verifier service until SIGTERM/SIGINT. The scheduler (--schedule) signs
 * requestProof with the network's first account. The operator token comes from POR_VERIFIER_ADMIN_TOKEN.
 */
export default async function verifierServe(args: VerifierServeArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  let logLevel;
  try {
    logLevel = parseLogLevel(args.logLevel);
  } catch (e) {
    console.error(`verifier:serve: ${errorMessage(e)}`);
    process.exitCode = 1;
    return;
  }
  const logger = jsonLogger("verifier-service", { level: logLevel, out: process.stdout });
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
        create: args.create,
        trustProxy: args.trustProxy,
        registry: args.registry,
        ledger: args.ledger,
        adminToken: process.env.POR_VERIFIER_ADMIN_TOKEN,
        requireCommitted: args.requireCommitted,
        schedule: args.schedule,
        intervalMs: args.intervalSeconds * 1000,
        policy: { minRecords: args.minRecords, minAgeSeconds: args.minAgeSeconds },
        logLevel,
      },
      runner,
      logger,
    );
    await stopOnSignals(stop, logger);
  } catch (e) {
    logger.error("verifier:serve failed", { error: errorMessage(e) });
    process.exitCode = 1;
  }
}
