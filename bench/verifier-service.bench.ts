// Records ingested per second by the verifier service over HTTP (signature and chain checks on), on SQLite and on
// PostgreSQL when its server binaries are installed. Baseline measured in the same run: the same rows inserted
// straight into the store (no HTTP, no verification); the ratio shows what validation costs.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { network } from "hardhat";

import { loadCrypto } from "../src/crypto/index.js";
import { EthersChainView } from "../src/verifier-service/chain.js";
import { RecordValidator, silentLogger, startVerifierService } from "../src/verifier-service/index.js";
import {
  deployVerifierFixture,
  postgresFactory,
  signedRecord,
  sqliteFactory,
  type StoreFactory,
} from "../test/verifier-service/fixture.js";

const here = dirname(fileURLToPath(import.meta.url));

/** What the clients' process (bench/drivers/ingest-clients.ts) reports. */
interface ClientsRun {
  wallS: number;
  cpuS: number;
  latencies: number[];
}

/**
 * Starts `clients` concurrent HTTP clients in their own process, loaded with `bodiesFile`; resolves with `start`, which
 * runs them against `url` and resolves with their report.
 */
function clientsProcess(bodiesFile: string, url: string, clients: number): Promise<() => Promise<ClientsRun>> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(here, "drivers", "ingest-clients.ts"), bodiesFile, url, String(clients)],
    { cwd: dirname(here), stdio: ["pipe", "pipe", "inherit"] },
  );
  let text = "";
  const exited = new Promise<ClientsRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the clients' process exited ${code}`));
      resolve(JSON.parse(text.trim().split("\n").pop()!) as ClientsRun);
    });
  });
  return new Promise((resolve, reject) => {
    exited.catch(reject);
    child.stdout.on("data", (b: Buffer) => {
      const first = text.length === 0;
      text += b.toString();
      if (first && text.startsWith("ready\n")) {
        text = text.slice("ready\n".length);
        resolve(async () => {
          child.stdin.end("go\n");
          return exited;
        });
      }
    });
  });
}

/** The q-quantile (0..1) of sorted values. */
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Runs the benchmark; returns a markdown section. */
export default async function run(opts: { quick: boolean }): Promise<string> {
  const n = opts.quick ? 1000 : 20_000;
  const batch = 100;
  const levels = [1, 8, 64];
  const connection = await network.create();
  const crypto = await loadCrypto({ threads: 0 });
  const lines: string[] = [];
  const load = loadavg();
  let dir: string | undefined;
  try {
    const fx = await deployVerifierFixture(connection, crypto);
    // The chain view as `verifier serve` builds it (its default caches: a status for 30 s, a key at a past t for
    // good); the fixture's own view re-reads every status, for tests.
    const chain = new EthersChainView(await fx.registry.getAddress(), await fx.ledger.getAddress(), fx.user);
    const records = Array.from({ length: n }, (_, i) =>
      signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: i }),
    );
    const { rows } = await new RecordValidator(crypto, chain).validate(records, "records", 0);
    const bodies: string[] = [];
    for (let i = 0; i < n; i += batch) bodies.push(JSON.stringify({ records: records.slice(i, i + batch) }));
    dir = await mkdtemp(join(tmpdir(), "por-bench-ingest-"));
    const bodiesFile = join(dir, "bodies.jsonl");
    await writeFile(bodiesFile, bodies.join("\n") + "\n");
    const factories: [string, () => Promise<StoreFactory>][] = [["SQLite", async () => sqliteFactory()]];
    factories.push(["PostgreSQL", () => postgresFactory()]);
    for (const [name, make] of factories) {
      let factory: StoreFactory;
      try {
        factory = await make();
      } catch (e) {
        lines.push(`| ${name} | skipped: ${(e as Error).message.split(":")[0]} | | | | | | | | |`);
        continue;
      }
      try {
        const raw = (await factory.fresh()).store;
        const t0 = performance.now();
        for (let i = 0; i < n; i += batch) await raw.insertRecords(rows.slice(i, i + batch));
        const rawRate = n / ((performance.now() - t0) / 1000);
        await raw.close();
        for (const c of levels) {
          const { store } = await factory.fresh();
          const service = await startVerifierService({
            store,
            chain,
            crypto,
            logger: silentLogger,
            limits: { rate: { perSecond: 1e9, burst: 1e9 } }, // one client posts everything here
          });
          try {
            const start = await clientsProcess(bodiesFile, `${service.url}/records`, c);
            const cpu0 = process.cpuUsage();
            const run = await start();
            const rate = n / run.wallS;
            const used = process.cpuUsage(cpu0);
            const cpu = (used.user + used.system) / 1e6;
            const latencies = [...run.latencies];
            if ((await store.countRecords()) !== n) throw new Error("not every record was stored");
            latencies.sort((a, b) => a - b);
            const goal = name === "SQLite" ? 20_000 : 10_000;
            lines.push(
              `| ${name} | ${c} | ${rate.toFixed(0)} | ${quantile(latencies, 0.5).toFixed(1)} | ` +
                `${quantile(latencies, 0.99).toFixed(1)} | ${cpu.toFixed(2)} | ${(n / cpu).toFixed(0)} | ` +
                `${run.cpuS.toFixed(2)} | ${rawRate.toFixed(0)} | ${(rate / rawRate).toFixed(3)} | ` +
                `${rate >= goal ? "met" : "missed"} (>= ${goal.toLocaleString("en-US")}/s) |`,
            );
          } finally {
            await service.close();
          }
        }
      } finally {
        await factory.dispose();
      }
    }
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await crypto.close();
  }
  return [
    "## verifier-service",
    "",
    `- Date: ${new Date().toISOString()}; machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} cores; ` +
      `load average at start ${load.map((l) => l.toFixed(2)).join(", ")}; crypto backend: ${crypto.backend}`,
    "",
    `Records ingested per second: ${n} forwarded records POSTed in batches of ${batch} to the service on the ` +
      "in-process chain by 1, 8 or 64 concurrent clients, each record checked (schema, t in the past, key in the " +
      "prime-order subgroup, EdDSA-Poseidon signature, member, key at t) and stored in one transaction per batch. " +
      "Latency: per request (one batch of 100), from send to the whole answer. Baseline: the same rows inserted " +
      "into the store directly (no HTTP, no checks), same run. CPU: user + system time of the service's process (all " +
      "threads; the in-process chain runs in it too) during the run, and of the clients' process. With the " +
      "native backend a batch's record messages and signatures are checked on Node's thread pool (poseidonManyAsync, " +
      "verifyManyAsync: the event loop stays free for other requests) and SQLite commits the batches that are ready " +
      "together (a savepoint each) and syncs the WAL on the thread pool before answering (src/sqlite/wal-sync.ts); " +
      "before issue 18 one at a time on one thread (282/s).",
    "",
    "| store | clients | ingested records/s (HTTP, verified) | p50 (ms) | p99 (ms) | service CPU (s) | records per service CPU-s | clients' CPU (s) | baseline raw inserts/s | ratio | goal |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...lines,
  ].join("\n");
}
