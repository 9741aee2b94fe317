// Fault injection (issue 20): a `hardhat node` child process behind a fault-injecting JSON-RPC proxy on loopback
// (test/helpers/rpc-proxy.ts). The operator node and the aggregator are run through each infrastructure fault (a
// `null` for a known block, -32603 answers, dropped connections, a hanging endpoint, an endpoint down at start, a
// corrupt blob, a failing records store) and show: no wrong verdict, progress once the fault clears, health saying
// so. `operator run` and `aggregator serve` stop within seconds of SIGTERM in every state; each configuration mistake
// fails at start naming the setting, in one line without a stack.
import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm, rmdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Interface, Wallet, type JsonRpcProvider } from "ethers";
import { network } from "hardhat";

import { Aggregator } from "../../src/aggregator/index.js";
import { LocalBlobStore } from "../../src/blobstore/index.js";
import { classifyError, rpcProvider } from "../../src/chain/rpc.js";
import { Verdict, setSubject } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  ConfigError,
  OperatorNode,
  jsonLogger,
  localBlobSource,
  memoryHeldRecords,
  silentLogger,
  startAggregator,
  startOperatorNode,
  verifySubject,
  type AggregatorConfig,
  type HeldRecords,
  type NodeConfig,
  type OperatorNodeOptions,
} from "../../src/node/index.js";
import { openRecordStore } from "../../src/verifier-service/sql-drivers.js";
import { blockNumbered, callTo, startRpcProxy, type RpcProxy } from "../helpers/rpc-proxy.js";
import {
  E18,
  commitSnapshot,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  registerRecordKey,
  registerReserve,
  startHardhatNode,
  type Conn,
  type Deployment,
  type MemberSnapshot,
} from "./fixture.js";

const VERBOSE = process.env.POR_TEST_LOGS === "1";
/** POR_TEST_TIMINGS=1 prints the measured retry, stop and SIGTERM times. */
const TIMINGS = VERBOSE || process.env.POR_TEST_TIMINGS === "1";
const log = VERBOSE ? jsonLogger("node", { level: "debug" }) : silentLogger;
const deploymentId = `por-node-faults-${process.pid}-${Date.now()}`;
const KEY_HASH_AT = new Interface(["function keyHashAt(address,uint64)"]).getFunction("keyHashAt")!.selector;
const CAN_CO_SIGN = new Interface(["function canCoSign(address)"]).getFunction("canCoSign")!.selector;

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in aggregator that accepts every attestation. */
async function acceptingAggregator(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      bodies.push(text);
      res.writeHead(201, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  return { server, url: `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`, bodies };
}

async function getJson(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url);
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** Runs a Hardhat task as a child process. */
function runTask(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [join(process.cwd(), "node_modules/hardhat/dist/src/cli.js"), ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe("Fault injection: operator node and aggregator behind a faulty JSON-RPC endpoint", function () {
  this.timeout(600_000);

  let chain: Awaited<ReturnType<typeof startHardhatNode>>;
  let conn: Conn;
  let d: Deployment;
  let crypto: Crypto;
  let dir: string;
  let proxy: RpcProxy;
  let provider: JsonRpcProvider;
  let chainId: bigint;
  let operator: Wallet;
  let honest: { address: string };
  let cheat: { address: string };
  let t: bigint;
  let snaps: MemberSnapshot[];
  let blobDir: string;
  let poaBlock: number;
  let honestBlob: string;
  let agg: Awaited<ReturnType<typeof acceptingAggregator>>;
  let dbCounter = 0;
  const nodes: OperatorNode[] = [];

  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
    dir = await mkdtemp(join(tmpdir(), "por-faults-"));
    chain = await startHardhatNode();
    conn = (await network.create({ network: "localhost", override: { url: chain.url } })) as unknown as Conn;
    d = await deploy(conn, "NodeFaults", "MockLeafMismatchVerifier", deploymentId);
    const [, a, b] = await conn.ethers.getSigners();
    honest = a;
    cheat = b;
    operator = await fundedWallet(conn, 5n * E18);
    await onboard(conn, d, operator, 2n * E18);
    for (const m of [a, b]) await onboard(conn, d, m, 2n * E18);
    const keys = [await registerRecordKey(conn, d, crypto, a), await registerRecordKey(conn, d, crypto, b)];
    const reserves = [await fundedWallet(conn, 10n * E18), await fundedWallet(conn, 10n * E18)];
    await registerReserve(conn, d, a, reserves[0]);
    await registerReserve(conn, d, b, reserves[1]);
    await conn.networkHelpers.time.increase(60);
    t = BigInt(await conn.networkHelpers.time.latest());
    await conn.networkHelpers.time.increase(10);
    await conn.networkHelpers.mine(1);
    // The honest member holds 10 and owes 5; the cheat leaves its second user out of the tree.
    snaps = [
      await makeSnapshot(crypto, keys[0], a.address, t, [2n * E18, 3n * E18]),
      await makeSnapshot(crypto, keys[1], b.address, t, [1n * E18, 2n * E18], [1]),
    ];
    blobDir = join(dir, "blobs");
    const blobs = new LocalBlobStore(blobDir);
    const c = await commitSnapshot(conn, d, a, t, snaps[0], [reserves[0]], blobs);
    await commitSnapshot(conn, d, b, t, snaps[1], [reserves[1]], blobs);
    poaBlock = c.poa.block.number;
    honestBlob = c.ref.keccak256;
    await conn.networkHelpers.mine(3);
    proxy = await startRpcProxy(chain.url);
    chainId = (await conn.ethers.provider.getNetwork()).chainId;
    provider = rpcProvider(proxy.url, { timeoutMs: 1_000, chainId });
    agg = await acceptingAggregator();
  });

  afterEach(async function () {
    proxy.clear();
    for (const n of nodes.splice(0)) await n.stop().catch(() => undefined);
  });

  after(async function () {
    provider?.destroy();
    await proxy?.close();
    agg?.server.close();
    await crypto?.close();
    chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await rm(join(process.cwd(), "ignition", "deployments", deploymentId), { recursive: true, force: true });
    await rmdir(join(process.cwd(), "ignition", "deployments")).catch(() => undefined);
  });

  const addresses = () => ({
    ledger: d.ledger,
    registry: d.registry,
    reserveRegistry: d.reserveRegistry,
    adjudicator: d.adjudicator,
  });

  const makeNode = (o: Partial<OperatorNodeOptions> = {}) => {
    const node = new OperatorNode({
      provider,
      wallet: operator.connect(provider),
      addresses: addresses(),
      crypto,
      blobs: localBlobSource(new LocalBlobStore(blobDir)),
      dbPath: join(dir, `node-${++dbCounter}.sqlite`),
      aggregatorUrl: agg.url,
      confirmations: 2,
      pollMs: 200,
      healthPort: 0,
      log,
      ...o,
    });
    nodes.push(node);
    return node;
  };

  const honestJob = (node: OperatorNode) => node.db.job(setSubject(honest.address, t));

  describe("verdicts are judgements of the member, never of the infrastructure", function () {
    it("a null answer for the PoA's block (below the head) postpones the job; it is signed Solvent once the RPC answers", async function () {
      const fault = proxy.inject({ match: blockNumbered(poaBlock), fault: { kind: "null" } });
      const node = makeNode({ pollMs: 60_000 });
      await node.pollOnce();
      const t0 = Date.now();
      await node.processDue();
      const job = honestJob(node)!;
      expect(fault.hits).to.be.greaterThan(1);
      expect(job.status, "no verdict from a null block").to.equal("pending");
      expect(job.reasons[0]).to.match(/answered null for block \d+, at or below head/);
      expect(node.health().postponed).to.be.greaterThan(0);
      if (TIMINGS) console.log(`null-block retries took ${Date.now() - t0} ms`);
      fault.remove();
      await sleep(1_100); // the first postponement is one second
      await node.processDue();
      const after = honestJob(node)!;
      expect(after.status).to.equal("sent");
      expect(after.verdict).to.equal(Verdict.Solvent);
      expect(after.reasons).to.deep.equal([]);
    });

    it("a -32603 answer to keyHashAt is retried: the omitted held record still convicts the cheating tree", async function () {
      const held = memoryHeldRecords([snaps[1].records[1]]);
      const deps = {
        provider,
        chainId,
        addresses: addresses(),
        crypto,
        blobs: localBlobSource(new LocalBlobStore(blobDir)),
        held,
        depth: 32,
        log,
      };
      const subject = { kind: "set" as const, member: cheat.address, t, requestId: 0n };
      const once = proxy.inject({ match: callTo(KEY_HASH_AT), fault: { kind: "error", code: -32603 }, times: 1 });
      const v = await verifySubject(deps, subject);
      expect(once.hits).to.equal(1);
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.contradictions).to.have.length(1);
      expect(v.reasons.join("; ")).to.match(/held-records: 1 held record\(s\) contradicted/);
      // While the endpoint keeps failing, there is no verdict at all (the job is postponed), never "Solvent".
      const always = proxy.inject({ match: callTo(KEY_HASH_AT), fault: { kind: "error", code: -32603 } });
      let error: unknown;
      await verifySubject(deps, subject).catch((e: unknown) => (error = e));
      expect(always.hits).to.be.greaterThan(1);
      expect(classifyError(error)).to.equal("unavailable");
    });

    it("dropped connections and -32603 answers on every method are retried: the verdict is the right one", async function () {
      const drops = proxy.inject({ fault: { kind: "drop" }, times: 3 });
      const errors = proxy.inject({ fault: { kind: "error", code: -32603 }, times: 3 });
      const node = makeNode();
      await node.start();
      await until("the honest member's set is attested", () => honestJob(node)?.status === "sent");
      expect(drops.hits + errors.hits).to.equal(6);
      expect(honestJob(node)?.verdict).to.equal(Verdict.Solvent);
    });

    it("a corrupt blob counts toward blobAttempts and is visible in health", async function () {
      const copy = join(dir, `blobs-corrupt-${++dbCounter}`);
      await copyTree(blobDir, copy);
      await writeFile(new LocalBlobStore(copy).pathOf(honestBlob), "corrupt");
      const node = makeNode({ blobs: localBlobSource(new LocalBlobStore(copy)), blobAttempts: 2, pollMs: 60_000 });
      await node.pollOnce();
      await node.processDue();
      expect(honestJob(node)?.status).to.equal("pending");
      expect(node.health().blobFailures).to.be.greaterThan(0);
      expect(node.health().lastBlobError).to.match(/no intact copy of blob .*corrupt/);
      await sleep(1_100);
      await node.processDue();
      const job = honestJob(node)!;
      expect(job.attempts).to.equal(1);
      expect(job.status).to.equal("sent");
      expect(job.reasons.join("; ")).to.match(/blob-available: no intact copy/);
    });
  });

  describe("the watchtower sweep is per tree", function () {
    it("skips an uncommitted snapshot, logs a failing tree, and checks the others", async function () {
      const uncommitted = { ...snaps[0].records[0], t: Number(t) + 1_000, nullifier: "1" };
      const failing = { ...snaps[1].records[0], nullifier: "2" };
      const good = snaps[0].records[1];
      const base = memoryHeldRecords([uncommitted, failing, good]);
      const held: HeldRecords = {
        ...base,
        recordsFor: (member, asset, tt) =>
          member.toLowerCase() === cheat.address.toLowerCase()
            ? Promise.reject(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))
            : base.recordsFor(member, asset, tt),
      };
      const lines: string[] = [];
      const node = makeNode({ held, log: jsonLogger("node", { out: { write: (s) => lines.push(s) } }) });
      expect(await node.sweepHeldRecords()).to.equal(1);
      expect(base.marks.get(good.nullifier)).to.equal("ok");
      expect(base.marks.has("1")).to.equal(false);
      expect(base.marks.has("2")).to.equal(false);
      const warned = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === "warn");
      expect(warned.map((l) => l.error)).to.include("database is locked");
    });
  });

  describe("liveness: deadlines, health, waiting for the endpoint, prompt stop", function () {
    it("a hanging endpoint times out, health goes degraded and stale, and recovers when it answers", async function () {
      const node = makeNode({ staleAfterMs: 1_500 });
      await node.start();
      await until("a first poll", () => node.health().lastPollAt !== null);
      const hang = proxy.inject({ fault: { kind: "hang" } });
      await until("health degraded", () => node.health().status === "degraded", 20_000);
      const h = node.health();
      expect(h.problems.join("; ")).to.match(/timeout|last successful poll/);
      const res = await getJson(`http://127.0.0.1:${node.healthPort}/health`);
      expect(res.status).to.equal(503);
      expect(hang.hits).to.be.greaterThan(0);
      proxy.clear();
      await until("health ok again", () => node.health().status === "ok", 30_000);
      await until("the job is done", () => honestJob(node)?.status === "sent", 30_000);
      expect(honestJob(node)?.verdict).to.equal(Verdict.Solvent);
      const t0 = Date.now();
      proxy.inject({ fault: { kind: "hang" } });
      await sleep(500);
      await node.stop();
      const stopMs = Date.now() - t0 - 500;
      if (TIMINGS) console.log(`stop while the endpoint hangs: ${stopMs} ms`);
      expect(stopMs).to.be.below(4_000);
    });

    it("a cursor that falls behind the head turns health degraded; it recovers when the logs come again", async function () {
      const node = makeNode({ maxLagBlocks: 2 });
      await node.start();
      await until("a first poll", () => node.health().lastPollAt !== null);
      expect(node.health().status).to.equal("ok");
      const logs = proxy.inject({ method: "eth_getLogs", fault: { kind: "error", code: -32603 } });
      await conn.networkHelpers.mine(6);
      await until(
        "health degraded by the lag",
        () => /blocks behind the confirmed head/.test(node.health().problems.join(";")),
        20_000,
      );
      expect(node.health().status).to.equal("degraded");
      expect(logs.hits).to.be.greaterThan(0);
      proxy.clear();
      await until("health ok again", () => node.health().status === "ok", 30_000);
      expect(node.health().lag).to.be.at.most(2);
    });

    it("waits for an endpoint that is down at start (health says so), then runs", async function () {
      await proxy.down();
      const node = makeNode();
      const started = node.start();
      await until("health endpoint up", () => node.healthPort !== undefined, 10_000);
      await sleep(1_500);
      const h = await getJson(`http://127.0.0.1:${node.healthPort}/health`);
      expect(h.status).to.equal(503);
      expect((h.json.problems as string[]).join("; ")).to.match(/waiting for the RPC endpoint/);
      await proxy.up();
      await started;
      await until("the job is done", () => honestJob(node)?.status === "sent", 30_000);
      expect(node.health().status).to.equal("ok");
    });

    it("the aggregator waits for an endpoint down at start, then serves; a -32603 on canCoSign answers 503, not 403", async function () {
      await proxy.down();
      const a = new Aggregator({
        provider,
        wallet: (await fundedWallet(conn, E18)).connect(provider),
        ledger: d.ledger,
        registry: d.registry,
        vault: d.vault,
        dbPath: join(dir, `agg-${++dbCounter}.sqlite`),
        log,
        staleAfterMs: 2_000,
        retryIntervalMs: 300,
      });
      const started = a.start(0);
      await sleep(1_500);
      expect(a.health().status).to.equal("starting");
      expect(a.health().problems.join("; ")).to.match(/waiting for the RPC endpoint/);
      await proxy.up();
      await started;
      expect(a.health().status).to.equal("ok");
      // An operator's real attestation, while canCoSign fails: 503 (retry later), never a refusal.
      const node = makeNode({ aggregatorUrl: a.url, pollMs: 60_000 });
      // One aggregator retry budget of -32603s (6 calls): the first POST gets 503, the node posts again, it is stored.
      const fault = proxy.inject({ match: callTo(CAN_CO_SIGN), fault: { kind: "error", code: -32603 }, times: 6 });
      await node.pollOnce();
      await node.processDue();
      expect(fault.hits).to.equal(6);
      expect(a.health().lastError ?? "").to.not.match(/may not co-sign/);
      expect(honestJob(node)?.status).to.equal("sent");
      expect(a.db.countAttestations()).to.equal(2); // the honest member's set and the cheat's
      // A hanging endpoint turns its health degraded; it stops promptly anyway.
      proxy.inject({ fault: { kind: "hang" } });
      await until("aggregator degraded", () => a.health().status === "degraded", 20_000);
      const t0 = Date.now();
      await a.stop();
      if (TIMINGS) console.log(`aggregator stop while the endpoint hangs: ${Date.now() - t0} ms`);
      expect(Date.now() - t0).to.be.below(4_000);
    });
  });

  describe("configuration is checked at start and errors name the setting", function () {
    const nodeConfig = (o: Partial<NodeConfig> = {}): NodeConfig => ({
      format: "por.node-config",
      version: 1,
      rpcUrl: chain.url,
      ...addresses(),
      db: join(dir, `cfg-node-${++dbCounter}.sqlite`),
      blobDir,
      aggregatorUrl: agg.url,
      confirmations: 2,
      pollMs: 200,
      startBlock: 0,
      depth: 32,
      blobAttempts: 10,
      sweepMs: 30_000,
      rpcTimeoutSeconds: 2,
      logLevel: "error",
      ...o,
    });
    const aggConfig = (o: Partial<AggregatorConfig> = {}): AggregatorConfig => ({
      format: "por.aggregator-config",
      version: 1,
      rpcUrl: chain.url,
      ledger: d.ledger,
      registry: d.registry,
      vault: d.vault,
      db: join(dir, `cfg-agg-${++dbCounter}.sqlite`),
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 16_384,
      rpcTimeoutSeconds: 2,
      staleAfterSeconds: 60,
      logLevel: "error",
      ...o,
    });
    const key = () => operator.privateKey;
    const noCode = Wallet.createRandom().address;

    const mistake = async (p: Promise<{ close: () => Promise<void> }>, setting: string, re: RegExp) => {
      let error: unknown;
      try {
        const r = await p;
        await r.close();
      } catch (e) {
        error = e;
      }
      expect(error, `expected a ConfigError for ${setting}`).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).setting).to.equal(setting);
      expect((error as Error).message).to.match(re);
    };

    it("operator node: each mistake fails at start naming the setting", async function () {
      await mistake(startOperatorNode(nodeConfig(), key()), "db", /does not exist \(pass --create/);
      await mistake(
        startOperatorNode(nodeConfig({ blobDir: join(dir, "blbos") }), key(), {}, { create: true }),
        "blobDir",
        /directory .*blbos does not exist/,
      );
      await mistake(
        startOperatorNode(nodeConfig({ records: join(dir, "verifer.sqlite") }), key(), {}, { create: true }),
        "records",
        /does not exist/,
      );
      await mistake(
        startOperatorNode(nodeConfig({ ledger: noCode }), key(), {}, { create: true }),
        "ledger",
        /no contract at/,
      );
      await mistake(
        startOperatorNode(nodeConfig({ registry: d.ledger }), key(), {}, { create: true }),
        "registry",
        /does not answer as a ConsortiumRegistry/,
      );
      await mistake(
        startOperatorNode(nodeConfig({ adjudicator: d.vault }), key(), {}, { create: true }),
        "adjudicator",
        /is not the ledger's adjudicator/,
      );
      await mistake(
        startOperatorNode(nodeConfig({ chainId: 1 }), key(), {}, { create: true }),
        "chainId",
        /the RPC endpoint is on chain 31337, the configuration says 1/,
      );
      const busy = createServer();
      await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
      const port = (busy.address() as { port: number }).port;
      await mistake(
        startOperatorNode(nodeConfig({ healthPort: port }), key(), {}, { create: true }),
        "healthPort",
        /already in use/,
      );
      // The aggregator too.
      await mistake(startAggregator(aggConfig(), key()), "db", /does not exist/);
      await mistake(startAggregator(aggConfig({ vault: d.ledger }), key(), { create: true }), "vault", /vault/);
      await mistake(startAggregator(aggConfig({ port }), key(), { create: true }), "port", /already in use/);
      busy.close();
      // And the right configuration starts.
      const ok = await startOperatorNode(nodeConfig(), key(), {}, { create: true });
      await ok.close();
    });

    it("operator run prints one line naming the setting (no stack), exits 1; SIGTERM stops operator run and aggregator serve promptly in every state", async function () {
      const nodeFile = join(dir, "node.json");
      const aggFile = join(dir, "aggregator.json");
      const { format, version, ...rest } = nodeConfig({ rpcUrl: proxy.url, healthPort: 0, logLevel: "info" });
      const write = (file: string, c: unknown) => writeFile(file, JSON.stringify(c));
      await write(nodeFile, { format, version, ...rest, ledger: noCode });
      const env = { POR_OPERATOR_KEY: operator.privateKey, POR_AGGREGATOR_KEY: operator.privateKey };
      const bad = runTask(["operator", "run", "--config-file", nodeFile, "--create"], env);
      const r = await bad.exited;
      expect(r.code, bad.stderr()).to.equal(1);
      expect(bad.stderr()).to.match(/operator run: .*node\.json: setting ledger: no contract at/);
      expect(bad.stderr()).to.not.match(/^\s+at /m);
      await write(nodeFile, { format, version, ...rest });
      const aggC = aggConfig({ rpcUrl: proxy.url, logLevel: "info" });
      await write(aggFile, aggC);

      const cycle = async (args: string[], state: string, before: () => Promise<void>, ready: RegExp, extraMs = 0) => {
        await before();
        const run = runTask([...args, "--create"], env);
        await until(`${state}: ready`, () => ready.test(run.stdout() + run.stderr()), 60_000);
        await sleep(extraMs);
        const t0 = Date.now();
        run.child.kill("SIGTERM");
        const { code } = await run.exited;
        const ms = Date.now() - t0;
        proxy.clear();
        await proxy.up();
        const nonJson = run
          .stdout()
          .split("\n")
          .filter((l) => l.trim() !== "")
          .filter((l) => {
            try {
              JSON.parse(l);
              return false;
            } catch {
              return true;
            }
          });
        return { state, ms, code, nonJson, out: run.stderr() };
      };
      const results = [];
      const nodeArgs = ["operator", "run", "--config-file", nodeFile];
      results.push(await cycle(nodeArgs, "node, RPC down at start", () => proxy.down(), /waiting for the RPC/));
      results.push(await cycle(nodeArgs, "node, running", async () => undefined, /operator node starting/));
      results.push(
        await cycle(
          nodeArgs,
          "node, RPC hanging",
          async () => void proxy.inject({ method: "eth_blockNumber", fault: { kind: "hang" } }),
          /operator node starting/,
          1_500,
        ),
      );
      // A node holding the cheat's omitted record builds a LeafMismatch proof with snarkjs (worker threads) at its
      // first sweep; SIGTERM once the proof is built must still stop it.
      const records = await openRecordStore(join(dir, "held-for-proof.sqlite"));
      await records.insertRecords([snaps[1].records[1]]);
      await records.close();
      const proofFile = join(dir, "node-proof.json");
      const proving = nodeConfig({
        rpcUrl: proxy.url,
        healthPort: 0,
        logLevel: "info",
        records: join(dir, "held-for-proof.sqlite"),
      });
      await write(proofFile, proving);
      results.push(
        await cycle(
          ["operator", "run", "--config-file", proofFile],
          "node, after building a proof",
          async () => undefined,
          /fraud proof built/,
          300,
        ),
      );
      const aggArgs = ["aggregator", "serve", "--config-file", aggFile];
      results.push(await cycle(aggArgs, "aggregator, RPC down at start", () => proxy.down(), /waiting for the RPC/));
      results.push(await cycle(aggArgs, "aggregator, running", async () => undefined, /aggregator listening/));
      if (TIMINGS) console.log(results.map((x) => `${x.state}: exit ${x.code} after ${x.ms} ms`).join("\n"));
      for (const x of results) {
        expect(x.code, `${x.state}: ${x.out}`).to.equal(0);
        expect(x.ms, x.state).to.be.below(6_000);
        expect(x.nonJson, `${x.state}: non-JSON lines on stdout`).to.deep.equal([]);
      }
    });
  });
});

/** Copies a directory tree (the blob store). */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    if (e.isDirectory()) await copyTree(join(from, e.name), join(to, e.name));
    else await copyFile(join(from, e.name), join(to, e.name));
  }
}
