// The verifier service under faults (issue 20): the test chain behind a JSON-RPC bridge and a fault-injecting proxy
// (test/helpers/rpc-proxy.ts). A chain that cannot answer is 503, never a refusal; health tells the truth about the
// chain and the database; work per request is bounded (copies checked once, signatures off the event loop, a per-client
// budget, a connection cap, a deadline for slow bodies); configuration mistakes fail at start naming the setting; the
// process waits for an endpoint that is down and stops promptly on SIGTERM even while a chain call hangs.
import { readFileSync, writeFileSync, rmSync, statSync } from "node:fs";
import { connect, createServer as createTcpServer, type Socket } from "node:net";

import { expect } from "chai";
import { Interface, Wallet } from "ethers";
import { network } from "hardhat";

import { rpcProvider } from "../../src/chain/rpc.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { jsonLogger } from "../../src/log/index.js";
import { DatabaseDamagedError, isDamage, storageFault } from "../../src/sqlite/index.js";
import { SqliteDriver } from "../../src/verifier-service/sql-drivers.js";
import {
  EthersChainView,
  openRecordStore,
  startVerifierService,
  type ForwardedRecord,
  type SqlRecordStore,
  type VerifierService,
  type VerifierServiceOptions,
} from "../../src/verifier-service/index.js";
import { callTo, startRpcProxy, type RpcProxy } from "../helpers/rpc-proxy.js";
import {
  deployVerifierFixture,
  faultyEndpoint,
  get,
  post,
  serviceArgs,
  signedRecord,
  spawnServiceProcess,
  sqliteFactory,
  startServiceProcess,
  type StoreFactory,
} from "./fixture.js";

const connection = await network.create();
const { ethers } = connection;
const KEY_HASH_AT = new Interface(["function keyHashAt(address,uint64) view returns (uint256)"]).getFunction(
  "keyHashAt",
)!.selector;

/** Resolves with `p`'s value, or rejects after `ms` (a liveness bound, not a speed target). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens a raw TCP connection to the service. */
function rawConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), hostname, () => resolve(s));
    s.once("error", reject);
  });
}

/** What the socket receives until the server closes it. */
function untilClosed(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    s.on("data", (d: Buffer) => (data += d.toString()));
    s.on("error", () => undefined);
    s.on("close", () => resolve(data));
  });
}

describe("verifier service under faults (issue 20)", function () {
  this.timeout(180_000);
  let crypto: Crypto;
  let fx: Awaited<ReturnType<typeof deployVerifierFixture>>;
  let endpoint: Awaited<ReturnType<typeof faultyEndpoint>>;
  let proxy: RpcProxy;
  let provider: ReturnType<typeof rpcProvider>;
  let chain: EthersChainView;
  let factory: StoreFactory;
  let store: SqlRecordStore;
  let location: string;
  let service: VerifierService | undefined;
  let logs: string[];
  let slot = 10_000;
  const rec = () => signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: slot++ });
  const logged = (level: string) =>
    logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === level);

  const start = async (o: Partial<VerifierServiceOptions> = {}) => {
    ({ store, location } = await factory.fresh());
    logs = [];
    service = await startVerifierService({
      store,
      chain,
      crypto,
      logger: jsonLogger("verifier-service", { level: "debug", out: { write: (s: string) => logs.push(s) } }),
      ...o,
    });
    return service;
  };

  before(async function () {
    crypto = await loadCrypto({ threads: 1 });
    fx = await deployVerifierFixture(connection, crypto);
    endpoint = await faultyEndpoint(connection.provider, (await ethers.provider.getNetwork()).chainId, 500);
    ({ proxy, provider } = endpoint);
    chain = new EthersChainView(await fx.registry.getAddress(), await fx.ledger.getAddress(), provider, {
      attempts: 2,
      nowCacheMs: 0,
      statusCacheMs: 0,
    });
    factory = sqliteFactory();
  });

  afterEach(async function () {
    proxy.clear();
    await service?.close();
    service = undefined;
  });

  after(async function () {
    await endpoint?.close();
    await factory?.dispose();
    await crypto?.close();
  });

  describe("a chain that cannot answer is the service's fault (503), never the record's", function () {
    it("a -32603 answer to keyHashAt is 503 chain_unavailable; the record is stored once the RPC answers", async function () {
      const s = await start();
      const r = rec();
      proxy.inject({ match: callTo(KEY_HASH_AT), fault: { kind: "error", code: -32603, message: "internal error" } });
      const refused = await post(`${s.url}/records`, r);
      expect(refused.status).to.equal(503);
      expect((refused.json.error as { code: string }).code).to.equal("chain_unavailable");
      expect(await store.countRecords()).to.equal(0);
      proxy.clear();
      expect((await post(`${s.url}/records`, r)).status).to.equal(200);
      expect(await store.countRecords()).to.equal(1);
    });

    it("a null answer for the latest block is 503, not 422", async function () {
      const s = await start();
      proxy.inject({ method: "eth_getBlockByNumber", fault: { kind: "null" } });
      const refused = await post(`${s.url}/records`, rec());
      expect(refused.status).to.equal(503);
      expect(await store.countRecords()).to.equal(0);
    });

    it("health goes degraded within the probe deadline while the endpoint hangs, and ok once it answers", async function () {
      const s = await start({ chainProbeTimeoutMs: 300 });
      const ok = await get(`${s.url}/health`);
      expect(ok.status).to.equal(200);
      expect(ok.json).to.include({ status: "ok", chain: "ok", db: "ok" });
      expect(ok.json.head).to.be.a("number");
      const lastOk = ok.json.lastChainOkAt;
      expect(lastOk).to.be.a("number");
      proxy.inject({ method: "eth_getBlockByNumber", fault: { kind: "hang" } });
      await sleep(1_100); // the probe's answer is reused for a second
      const down = await within(get(`${s.url}/health`), 3_000, "health while the chain hangs");
      expect(down.status).to.equal(503);
      expect(down.json.status).to.equal("degraded");
      expect(down.json.chain).to.match(/^error: /);
      expect(down.json.lastChainOkAt).to.equal(lastOk);
      proxy.clear();
      await sleep(1_100);
      expect((await get(`${s.url}/health`)).json).to.include({ status: "ok", chain: "ok" });
    });
  });

  describe("bounded work per request", function () {
    it("copies in a batch are checked once: 499 copies and one bad signature cost two signature checks", async function () {
      const s = await start();
      const r = rec();
      const bad: ForwardedRecord = { ...r, signature: { ...r.signature, S: (BigInt(r.signature.S) + 1n).toString() } };
      const before = s.validator.signaturesChecked;
      const res = await post(`${s.url}/records`, { records: [...Array<ForwardedRecord>(499).fill(r), bad] });
      expect(res.status).to.equal(422);
      expect(res.json.error).to.include({ code: "bad_signature", where: "records[499].signature" });
      expect(s.validator.signaturesChecked - before).to.equal(2);
      expect(await store.countRecords()).to.equal(0);
      // The same copies without the bad one: one record stored, every item answered with its nullifier.
      const good = await post(`${s.url}/records`, { records: Array<ForwardedRecord>(50).fill(r) });
      expect(good.json.accepted).to.equal(50);
      expect(new Set(good.json.nullifiers as string[]).size).to.equal(1);
      expect(await store.countRecords()).to.equal(1);
    });

    it("signature checks leave the event loop free: /health answers while a 500-record batch is verified", async function () {
      // The chain answers are cached here (as in production), so only the signature checks could hold the loop.
      const cached = new EthersChainView(await fx.registry.getAddress(), await fx.ledger.getAddress(), provider);
      const s = await start({ chain: cached, limits: { rate: { perSecond: 1e9, burst: 1e9 } } });
      // Four 500-record batches at once (issue 18: one batch's checks, on the native addon, now take well under the
      // 50 ms below); /health must answer while they are still being checked.
      const records = Array.from({ length: 2000 }, rec);
      await post(`${s.url}/records`, records[0]); // warm the caches
      const order: string[] = [];
      const batches = [0, 1, 2, 3].map((k) =>
        post(`${s.url}/records`, { records: records.slice(k * 500, (k + 1) * 500) }).then((r) => {
          order.push("batch");
          return r;
        }),
      );
      await sleep(50);
      const health = await get(`${s.url}/health`);
      order.push("health");
      // What this test is about is that /health answered before the batches were done (the order below). Its chain
      // probe (3 s deadline) shares the loop with the batches' checks and may time out on a loaded machine: then the
      // answer is 503 "degraded" for the chain, never for the database.
      expect(health.json.db, JSON.stringify(health.json)).to.equal("ok");
      if (health.status !== 200)
        expect(String(health.json.chain), "only the chain may be degraded").to.match(/^error: /);
      for (const b of await Promise.all(batches)) expect(b.status).to.equal(200);
      expect(order.indexOf("health")).to.be.lessThan(order.length - 1);
      expect(await store.countRecords()).to.equal(2000);
    });

    it("a client over its budget gets 429 with Retry-After; another client is still served", async function () {
      const s = await start({ limits: { rate: { perSecond: 1, burst: 5 } }, trustProxy: true });
      const from = (ip: string, body: unknown) =>
        fetch(`${s.url}/records`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.9, ${ip}` },
          body: JSON.stringify(body),
        });
      expect((await from("198.51.100.1", { records: [rec(), rec(), rec(), rec(), rec()] })).status).to.equal(200);
      const over = await from("198.51.100.1", rec());
      expect(over.status).to.equal(429);
      expect(Number(over.headers.get("retry-after"))).to.be.greaterThan(0);
      expect(((await over.json()) as { error: { code: string } }).error.code).to.equal("rate_limited");
      expect((await from("198.51.100.2", rec())).status).to.equal(200);
      // /health is never rate-limited.
      expect((await fetch(`${s.url}/health`, { headers: { "x-forwarded-for": "198.51.100.1" } })).status).to.equal(200);
    });

    it("without trustProxy, X-Forwarded-For is ignored (a client cannot pick its own bucket)", async function () {
      const s = await start({ limits: { rate: { perSecond: 1, burst: 2 } } });
      const spoof = (ip: string) =>
        fetch(`${s.url}/records`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": ip },
          body: JSON.stringify(rec()),
        });
      expect((await spoof("10.0.0.1")).status).to.equal(200);
      expect((await spoof("10.0.0.2")).status).to.equal(200);
      expect((await spoof("10.0.0.3")).status).to.equal(429);
    });

    it("a slow body is cut off after the request deadline with 408, logged at debug only; others are served", async function () {
      const s = await start({ limits: { requestTimeoutMs: 300 } });
      const sock = await rawConnection(s.url);
      const answer = untilClosed(sock);
      sock.write("POST /records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{");
      const got = await within(answer, 5_000, "the slow client's connection closing");
      expect(got).to.match(/^HTTP\/1\.1 408/);
      expect((await post(`${s.url}/records`, rec())).status).to.equal(200);
      expect(logged("error")).to.deep.equal([]);
      expect(logged("warn")).to.deep.equal([]);
    });

    it("connections beyond the cap are closed at once; the service serves again when they go", async function () {
      const s = await start({ limits: { maxConnections: 2 } });
      const held = [await rawConnection(s.url), await rawConnection(s.url)];
      const third = await rawConnection(s.url);
      const got = await within(untilClosed(third), 3_000, "the connection over the cap closing");
      expect(got).to.equal("");
      expect(logged("warn").map((l) => l.msg)).to.include("connection refused: too many open connections");
      for (const h of held) h.destroy();
      await sleep(100);
      expect((await get(`${s.url}/health`)).status).to.equal(200);
    });

    it("a client that disconnects mid-request is logged at debug level, never as an error", async function () {
      const s = await start();
      const sock = await rawConnection(s.url);
      sock.write("POST /records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{");
      await sleep(100);
      sock.destroy();
      await sleep(200);
      expect(logged("error")).to.deep.equal([]);
      expect(logs.every((l) => typeof JSON.parse(l) === "object")).to.equal(true);
    });
  });

  describe("the database: checked at start, watched while running", function () {
    it("health goes degraded when the WAL is deleted under the open database", async function () {
      const s = await start();
      expect((await post(`${s.url}/records`, rec())).status).to.equal(200);
      expect((await get(`${s.url}/health`)).status).to.equal(200);
      rmSync(`${location}-wal`);
      const h = await get(`${s.url}/health`);
      expect(h.status).to.equal(503);
      expect(h.json.db).to.match(/-wal was deleted while the database is open/);
    });

    it("a damaged database or a file that is not one refuses to open, naming the file", async function () {
      const fresh = await factory.fresh();
      await fresh.store.close();
      const bytes = readFileSync(fresh.location);
      const pageSize = bytes.readUInt16BE(16);
      expect(statSync(fresh.location).size).to.be.greaterThan(2 * pageSize);
      bytes.fill(0x55, pageSize, pageSize + 200); // page 2: a table's b-tree page
      writeFileSync(fresh.location, bytes);
      let err: unknown;
      await openRecordStore(fresh.location).catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(DatabaseDamagedError);
      expect((err as Error).message)
        .to.include(fresh.location)
        .and.match(/is damaged/);

      const other = await factory.fresh();
      await other.store.close();
      writeFileSync(other.location, Buffer.alloc(8192, 0x78));
      err = undefined;
      await openRecordStore(other.location).catch((e: unknown) => (err = e));
      expect((err as Error).message).to.match(/is damaged \(not a database/);
    });

    it("a storage fault that passes (a read-only file made writable again) clears at the next write; damage stays", async function () {
      const fresh = await factory.fresh();
      await fresh.store.close();
      const driver = new SqliteDriver(fresh.location);
      try {
        await driver.query("CREATE TABLE t (x INTEGER)");
        await driver.query("PRAGMA query_only = ON");
        const e = await driver.query("INSERT INTO t VALUES (1)").catch((x: unknown) => x);
        expect(storageFault(e)).to.match(/^read-only/);
        expect(driver.problem()).to.match(/^read-only/);
        await driver.query("PRAGMA query_only = OFF");
        await driver.query("INSERT INTO t VALUES (2)");
        expect(driver.problem()).to.equal(undefined);
      } finally {
        await driver.close();
      }
      expect(isDamage({ code: "ERR_SQLITE_ERROR", errcode: 11 })).to.equal(true);
      expect(isDamage({ code: "ERR_SQLITE_ERROR", errcode: 13 })).to.equal(false);
    });

    it("classifies SQLite's storage faults, and nothing else, as storage faults", function () {
      expect(
        storageFault({ code: "ERR_SQLITE_ERROR", errcode: 11, message: "database disk image is malformed" }),
      ).to.match(/^corrupt: /);
      expect(storageFault({ code: "ERR_SQLITE_ERROR", errcode: 266, message: "disk I/O error" })).to.match(
        /^I\/O error/,
      );
      expect(storageFault({ code: "ERR_SQLITE_ERROR", errcode: 19, message: "UNIQUE constraint failed" })).to.equal(
        undefined,
      );
      expect(storageFault(new Error("other"))).to.equal(undefined);
    });
  });

  describe("the process (src/verifier-service/main.ts)", function () {
    const base = (db: string) => serviceArgs(fx, endpoint.bridge.url, db);
    const replace = (args: string[], name: string, value: string) => {
      const out = [...args];
      out[out.indexOf(name) + 1] = value;
      return out;
    };

    it("each configuration mistake fails at start naming the setting, in JSON lines and without a stack", async function () {
      const fresh = await factory.fresh();
      await fresh.store.close();
      const args = await base(fresh.location);
      const blocker = createTcpServer();
      await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
      const busy = String((blocker.address() as { port: number }).port);
      const cases: Array<{ args: string[]; expect: RegExp }> = [
        {
          args: replace(args, "--db", `${fresh.location}.typo`),
          expect: /setting --db: .*does not exist \(pass --create/,
        },
        {
          args: replace(args, "--registry", Wallet.createRandom().address),
          expect: /setting --registry: no contract at/,
        },
        {
          args: replace(args, "--ledger", await fx.registry.getAddress()),
          expect: /setting --ledger: the contract at 0x[0-9a-fA-F]{40} does not answer as a CommitmentLedger/,
        },
        { args: replace(args, "--port", busy), expect: /setting port: 127\.0\.0\.1:\d+ is already in use/ },
        { args: [...args, "--chain-id", "1"], expect: /setting --chain-id: the RPC endpoint is on chain 31337, not 1/ },
        { args: [...args, "--log-level", "loud"], expect: /--log-level must be one of debug, info, warn, error/ },
      ];
      try {
        for (const c of cases) {
          const p = spawnServiceProcess(c.args);
          const code = await within(p.exited, 60_000, `the service to exit (${c.expect})`);
          expect(code, p.output()).to.not.equal(0);
          expect(p.output()).to.match(c.expect);
          expect(p.output()).to.not.match(/\n\s+at /); // no stack trace
          for (const line of p
            .stdout()
            .split("\n")
            .filter((l) => l !== ""))
            expect(() => JSON.parse(line)).to.not.throw();
        }
      } finally {
        blocker.close();
      }
    });

    it("waits for an RPC endpoint that is down at start, then serves; SIGTERM stops it while a chain call hangs", async function () {
      const fresh = await factory.fresh();
      await fresh.store.close();
      const p2 = await startRpcProxy(endpoint.bridge.url);
      try {
        await p2.down();
        const args = [...replace(await base(fresh.location), "--rpc", p2.url), "--rpc-timeout-seconds", "1"];
        const waiting = spawnServiceProcess(args);
        await within(
          (async () => {
            while (!waiting.output().includes("waiting for the RPC endpoint")) await sleep(100);
          })(),
          60_000,
          "the service to report that it waits",
        );
        waiting.proc.kill("SIGTERM");
        expect(
          await within(
            waiting.exited.then(() => "exited"),
            5_000,
            "SIGTERM while waiting",
          ),
        ).to.equal("exited");

        const later = startServiceProcess(args);
        await sleep(1_500);
        await p2.up();
        const svc = await later;
        try {
          expect((await get(`${svc.url}/health`)).json).to.include({ status: "ok" });
          p2.inject({ match: callTo(KEY_HASH_AT), fault: { kind: "hang" } });
          const inflight = post(`${svc.url}/records`, rec()).catch(() => "cut");
          await sleep(300);
          svc.proc.kill("SIGTERM");
          const code = await within(svc.exited, 15_000, "SIGTERM during a hanging chain call");
          expect(code).to.equal(0);
          await inflight;
        } finally {
          if (svc.proc.exitCode === null) svc.proc.kill("SIGKILL");
        }
      } finally {
        await p2.close();
      }
    });
  });
});
