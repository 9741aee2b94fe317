import { existsSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { errorMessage } from "../src/chain/rpc.js";
import { deploymentDirOf, given, readDeployment, selectSigner, serveUntilSignal } from "../src/client/index.js";
import { jsonLogger, parseLogLevel } from "../src/log/index.js";
import { circuitArtifacts } from "../src/circuits/index.js";
import { FRAUD_CIRCUIT } from "../src/prover/index.js";
import { blobSourceOf } from "../src/node/blobs.js";
import { runVerifier } from "../src/verifier-service/run.js";
import { WEB_BUILD_DIR } from "../src/web/build.js";

interface VerifierServeArgs {
  port: number;
  host: string;
  db: string;
  create: boolean;
  trustProxy: boolean;
  rpcNetwork?: string;
  deployment?: string;
  from?: string;
  schedule: boolean;
  intervalSeconds: number;
  minRecords: number;
  minAgeSeconds: number;
  requireCommitted: boolean;
  logLevel: string;
  webDir?: string;
  circuits: boolean;
  blobDir?: string;
  eigendaUrl?: string;
}

/**
 * `hardhat verifier serve`: runs the verifier service until SIGTERM/SIGINT, on the registry and ledger of the Ignition
 * deployment. Only the scheduler (--schedule) signs: requestProof with the --from account; without it no key is read. The operator token comes from POR_VERIFIER_ADMIN_TOKEN.
 */
export default async function verifierServe(args: VerifierServeArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  let logLevel;
  try {
    logLevel = parseLogLevel(args.logLevel);
  } catch (e) {
    console.error(`verifier serve: ${errorMessage(e)}`);
    process.exitCode = 1;
    return;
  }
  const logger = jsonLogger("verifier-service", { level: logLevel, out: process.stdout });
  await serveUntilSignal(
    async () => {
      const { ethers } = await hre.network.connect(given(args.rpcNetwork) ? { network: args.rpcNetwork } : undefined);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const deployment = await readDeployment(deploymentDirOf(args.deployment, hre.config.paths.root, chainId));
      const runner = args.schedule ? await selectSigner(ethers, args.from) : ethers.provider;
      // The user's page (`hardhat web build`) and the fraud circuit's files (the cached development ceremony's, or
      // the production ones the pipeline holds) for proving in the browser.
      const pageDir = given(args.webDir) ? args.webDir : existsSync(WEB_BUILD_DIR) ? WEB_BUILD_DIR : undefined;
      if (pageDir === undefined) logger.info("no built web page to serve at / (run `hardhat web build`)");
      const circuits = !args.circuits
        ? undefined
        : await circuitArtifacts(FRAUD_CIRCUIT).then((a) => ({
            [FRAUD_CIRCUIT]: { wasm: a.wasm, zkey: a.zkey, vkey: a.vkey },
          }));
      const { stop } = await runVerifier(
        {
          port: args.port,
          host: args.host,
          db: args.db,
          create: args.create,
          trustProxy: args.trustProxy,
          registry: deployment.address("registry"),
          ledger: deployment.address("ledger"),
          adminToken: process.env.POR_VERIFIER_ADMIN_TOKEN,
          requireCommitted: args.requireCommitted,
          schedule: args.schedule,
          intervalMs: args.intervalSeconds * 1000,
          policy: { minRecords: args.minRecords, minAgeSeconds: args.minAgeSeconds },
          logLevel,
          web: { pageDir, circuits, blobs: blobSourceOf(args, ethers.provider, deployment.address("ledger")) },
        },
        runner,
        logger,
      );
      return { close: stop };
    },
    { log: logger, describe: errorMessage },
  );
}
