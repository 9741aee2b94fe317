// Plain-Node entry of the verifier service (no Hardhat): `node --import tsx src/verifier-service/main.ts --rpc URL
// --registry 0x.. --ledger 0x.. [--db verifier.db] [--create] [--port 8787] [--web-dir build/web] ...`. Secrets come
// from the environment: POR_VERIFIER_PRIVATE_KEY (the scheduler's signer, needed with --schedule) and
// POR_VERIFIER_ADMIN_TOKEN. Waits for the RPC endpoint if it is down at start; every RPC call has a deadline
// (--rpc-timeout-seconds). `--web-dir` serves a built user page (`hardhat web build`) at `/`; `--blob-dir` or
// `--eigenda-url` serves the DA blobs fraud proofs need at `/blobs/<keccak256>`.
import { parseArgs } from "node:util";

import { Wallet, type ContractRunner } from "ethers";

import { errorMessage, rpcProvider, waitForChain } from "../chain/rpc.js";
import { jsonLogger, parseLogLevel } from "../log/index.js";
import { blobSourceOf } from "../node/blobs.js";
import { ConfigError } from "../node/config.js";
import { serveUntilSignal } from "../client/service.js";
import { runVerifier } from "./run.js";

const OPTIONS = {
  rpc: { type: "string" },
  registry: { type: "string" },
  ledger: { type: "string" },
  db: { type: "string", default: "verifier.db" },
  create: { type: "boolean", default: false },
  port: { type: "string", default: "8787" },
  host: { type: "string", default: "127.0.0.1" },
  "chain-id": { type: "string" },
  "rpc-timeout-seconds": { type: "string", default: "30" },
  "trust-proxy": { type: "boolean", default: false },
  schedule: { type: "boolean", default: false },
  "interval-seconds": { type: "string", default: "3600" },
  "min-records": { type: "string", default: "10" },
  "min-age-seconds": { type: "string", default: "86400" },
  "require-committed": { type: "boolean", default: false },
  "log-level": { type: "string", default: "info" },
  "web-dir": { type: "string" },
  "blob-dir": { type: "string" },
  "eigenda-url": { type: "string" },
} as const;

let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
try {
  values = parseArgs({ options: OPTIONS }).values;
} catch (e) {
  console.error(`verifier-service: ${errorMessage(e)}`);
  process.exit(2);
}

const need = (name: "rpc" | "registry" | "ledger"): string => {
  const v = values[name];
  if (v === undefined || v === "") throw new ConfigError(`--${name}`, "is required");
  return v;
};
const int = (name: string, v: string): number => {
  if (!/^[0-9]+$/.test(v)) throw new ConfigError(`--${name}`, `must be a non-negative integer, got "${v}"`);
  return Number(v);
};

let logLevel;
try {
  logLevel = parseLogLevel(values["log-level"]);
} catch (e) {
  console.error(`verifier-service: ${errorMessage(e)}`);
  process.exit(2);
}
const logger = jsonLogger("verifier-service", { level: logLevel, out: process.stdout });

await serveUntilSignal(
  async (signal) => {
    const url = need("rpc");
    const timeoutMs = int("rpc-timeout-seconds", values["rpc-timeout-seconds"]) * 1000;
    if (timeoutMs === 0) throw new ConfigError("--rpc-timeout-seconds", "must be at least 1");
    const chainId = await waitForChain(url, {
      timeoutMs,
      signal,
      onWait: (w) => logger.warn("waiting for the RPC endpoint", { url, ...w }),
    });
    const expected = values["chain-id"];
    if (expected !== undefined && BigInt(int("chain-id", expected)) !== chainId) {
      throw new ConfigError("--chain-id", `the RPC endpoint is on chain ${chainId}, not ${expected}`);
    }
    const provider = rpcProvider(url, { timeoutMs, chainId });
    const key = process.env.POR_VERIFIER_PRIVATE_KEY;
    if (values.schedule && (key === undefined || key === ""))
      throw new ConfigError("--schedule", "needs POR_VERIFIER_PRIVATE_KEY");
    const runner: ContractRunner = key ? new Wallet(key, provider) : provider;
    const { stop } = await runVerifier(
      {
        port: int("port", values.port),
        host: values.host,
        db: values.db,
        create: values.create,
        trustProxy: values["trust-proxy"],
        registry: need("registry"),
        ledger: need("ledger"),
        adminToken: process.env.POR_VERIFIER_ADMIN_TOKEN,
        requireCommitted: values["require-committed"],
        schedule: values.schedule,
        intervalMs: int("interval-seconds", values["interval-seconds"]) * 1000,
        policy: {
          minRecords: int("min-records", values["min-records"]),
          minAgeSeconds: int("min-age-seconds", values["min-age-seconds"]),
        },
        logLevel,
        web: {
          pageDir: values["web-dir"],
          blobs: blobSourceOf(
            { blobDir: values["blob-dir"], eigendaUrl: values["eigenda-url"] },
            provider,
            need("ledger"),
          ),
        },
      },
      runner,
      logger,
    );
    return {
      close: async () => {
        await stop();
        provider.destroy();
      },
    };
  },
  { log: logger, describe: errorMessage },
);
