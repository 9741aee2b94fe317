// The verifier service as a child process (src/verifier-service/main.ts) on a JSON-RPC bridge to the in-process
// chain: kill -9 in the middle of a batch, restart on the same database, and check that every acknowledged record
// survived, that a batch is stored entirely or not at all, and that resending everything duplicates nothing.
// Then SIGTERM during a batch: the batch completes, the process exits 0.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { network } from "hardhat";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { openRecordStore, type ForwardedRecord } from "../../src/verifier-service/index.js";
import { deployVerifierFixture, get, post, postgresFactory, signedRecord, sqliteFactory } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOKEN = "crash-test-token";

/** A JSON-RPC HTTP endpoint in front of the in-process Hardhat network (so a child process can reach it). */
async function startRpcBridge(): Promise<{ url: string; server: Server }> {
  const one = async (req: { id?: unknown; method: string; params?: unknown[] }) => {
    try {
      const result = await connection.provider.request({ method: req.method, params: req.params ?? [] });
      return { jsonrpc: "2.0", id: req.id, result };
    } catch (e) {
      const err = e as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id: req.id, error: { code: err.code ?? -32000, message: err.message, data: err.data } };
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as
        Parameters<typeof one>[0] | Parameters<typeof one>[0][];
      const answer = Array.isArray(body) ? Promise.all(body.map(one)) : one(body);
      answer
        .then((a) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
        })
        .catch((e: Error) => {
          res.writeHead(500);
          res.end(e.message);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface Child {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startChild(args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/verifier-service/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, POR_VERIFIER_ADMIN_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${out}`)), 60_000);
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"verifier service listening","url":"([^"]+)"/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => reject(new Error(`the service exited with ${code}:\n${out}`)));
  });
  return { proc, url, output: () => out, exited };
}

async function totalRecords(url: string): Promise<number> {
  const snaps = (await get(`${url}/snapshots`)).json.snapshots as { records: number }[];
  return snaps.reduce((a, s) => a + s.records, 0);
}

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`verifier service process on ${backend}: crash and restart`, function () {
    this.timeout(300_000);
    let crypto: Crypto;
    let bridge: { url: string; server: Server };
    let fx: Awaited<ReturnType<typeof deployVerifierFixture>>;
    const children: Child[] = [];

    before(async () => {
      crypto = await loadCrypto({ threads: 0 });
      fx = await deployVerifierFixture(ethers, networkHelpers, crypto);
      bridge = await startRpcBridge();
    });
    after(async () => {
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
      bridge?.server.closeAllConnections();
      bridge?.server.close();
      await crypto?.close();
    });

    it("loses no acknowledged record and duplicates nothing across kill -9 and restart", async () => {
      const factory = backend === "sqlite" ? sqliteFactory() : await postgresFactory();
      try {
        const { store, location } = await factory.fresh();
        await store.close();
        const args = [
          "--rpc",
          bridge.url,
          "--registry",
          await fx.registry.getAddress(),
          "--ledger",
          await fx.ledger.getAddress(),
          "--db",
          location,
          "--port",
          "0",
        ];
        const BATCH = 12;
        // Batch 2 is large, so that the kill lands while the service still verifies its signatures.
        const sizes = [BATCH, BATCH, 8 * BATCH, BATCH, BATCH];
        let slot = 0;
        const batches: ForwardedRecord[][] = sizes.map((size) =>
          Array.from({ length: size }, () =>
            signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: slot++ }),
          ),
        );
        const total = slot;

        const a = await startChild(args);
        children.push(a);
        const acked: string[] = [];
        for (const b of batches.slice(0, 2)) {
          const r = await post(`${a.url}/records`, { records: b });
          expect(r.status).to.equal(200);
          acked.push(...(r.json.nullifiers as string[]));
        }
        // Batch 2 in flight: kill -9 while the service validates it.
        const inflight = post(`${a.url}/records`, { records: batches[2] }).catch((e: Error) => e);
        await new Promise((r) => setTimeout(r, 60));
        a.proc.kill("SIGKILL");
        await a.exited;
        const lost = await inflight;
        expect(lost).to.be.instanceOf(Error); // the client saw no answer

        const b = await startChild(args);
        children.push(b);
        const afterCrash = await totalRecords(b.url);
        expect([2 * BATCH, 10 * BATCH]).to.include(afterCrash); // batch 2 entirely or not at all
        for (const n of acked) expect((await get(`${b.url}/records/${n}`, TOKEN)).status).to.equal(200);

        for (const batch of batches) expect((await post(`${b.url}/records`, { records: batch })).status).to.equal(200);
        expect(await totalRecords(b.url)).to.equal(total);

        // SIGTERM with a batch in flight: it completes, the process exits 0.
        const last = Array.from({ length: BATCH }, (_, i) =>
          signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: total + i }),
        );
        const pending = post(`${b.url}/records`, { records: last });
        await new Promise((r) => setTimeout(r, 30));
        b.proc.kill("SIGTERM");
        const answer = await pending;
        expect(answer.status).to.equal(200);
        expect(await b.exited).to.equal(0);
        expect(b.output()).to.contain('"msg":"shut down cleanly"');
        const reopened = await openRecordStore(location);
        try {
          expect(await reopened.countRecords()).to.equal(total + BATCH);
        } finally {
          await reopened.close();
        }
      } finally {
        await factory.dispose();
      }
    });
  });
}
