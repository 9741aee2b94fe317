// Plain-Node entry of the verifier service (no Hardhat): `node --import tsx src/verifier-service/main.ts --rpc URL
// --registry 0x.. --ledger 0x.. [--db verifier.db] [--port 8787] ...`. Secrets come from the environment:
// POR_VERIFIER_PRIVATE_KEY (the scheduler's signer, needed with --schedule) and POR_VERIFIER_ADMIN_TOKEN.
import { parseArgs } from "node:util";

import { JsonRpcProvider, Wallet, type ContractRunner } from "ethers";

import { jsonLogger, type LogLevel } from "../log/index.js";
import { runVerifier, stopOnSignals } from "./run.js";

const { values } = parseArgs({
  options: {
    rpc: { type: "string" },
    registry: { type: "string" },
    ledger: { type: "string" },
    db: { type: "string", default: "verifier.db" },
    port: { type: "string", default: "8787" },
    host: { type: "string", default: "127.0.0.1" },
    schedule: { type: "boolean", default: false },
    "interval-seconds": { type: "string", default: "3600" },
    "min-records": { type: "string", default: "10" },
    "min-age-seconds": { type: "string", default: "86400" },
    "require-committed": { type: "boolean", default: false },
    "log-level": { type: "string", default: "info" },
  },
});

const logger = jsonLogger("verifier-service", { level: values["log-level"] as LogLevel, out: process.stdout });
const need = (name: "rpc" | "registry" | "ledger"): string => {
  const v = values[name];
  if (v === undefined || v === "") throw new Error(`--${name} is required`);
  return v;
};
const int = (name: string, v: string): number => {
  if (!/^[0-9]+$/.test(v)) throw new Error(`--${name} must be a non-negative integer`);
  return Number(v);
};

try {
  const provider = new JsonRpcProvider(need("rpc"), undefined, { staticNetwork: true, cacheTimeout: -1 });
  const key = process.env.POR_VERIFIER_PRIVATE_KEY;
  if (values.schedule && (key === undefined || key === ""))
    throw new Error("--schedule needs POR_VERIFIER_PRIVATE_KEY");
  const runner: ContractRunner = key ? new Wallet(key, provider) : provider;
  const { stop } = await runVerifier(
    {
      port: int("port", values.port),
      host: values.host,
      db: values.db,
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
      logLevel: values["log-level"] as LogLevel,
    },
    runner,
    logger,
  );
  await stopOnSignals(async () => {
    await stop();
    provider.destroy();
  }, logger);
} catch (e) {
  logger.error("verifier service failed", { error: (e as Error).message });
  process.exitCode = 1;
}
