// The operator node's follower and job lifecycle on the in-process chain: the confirmation depth, idempotent polling,
// a replaced cursor block (reorg) rescanned without duplicates, a missing blob postponed then judged, an unreachable
// aggregator never losing a signed attestation, the health endpoint, graceful stop; and the RPC retry policy.
import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { Aggregator } from "../../src/aggregator/index.js";
import { Verdict, requestSubject, setSubject } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  NodeDb,
  OperatorNode,
  isTransient,
  localBlobSource,
  silentLogger,
  withRetry,
  type OperatorNodeOptions,
} from "../../src/node/index.js";
import { E18, committedMember, fundedWallet, onboard, type Conn } from "./fixture.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;
let crypto: Crypto;
let dbCounter = 0;

/** A stand-in aggregator that records POST bodies and answers with `status`. */
function fakeAggregator(): Promise<{ server: Server; url: string; bodies: string[]; status: { code: number } }> {
  const bodies: string[] = [];
  const status = { code: 201 };
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      if (status.code < 300) bodies.push(text);
      res.writeHead(status.code, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`, bodies, status });
    }),
  );
}

function setup() {
  return committedMember(conn, crypto, "NodeTest", (dir) => new LocalBlobStore(join(dir, "blobs")));
}

describe("OperatorNode", function () {
  this.timeout(120_000);
  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
  });
  after(async function () {
    await crypto.close();
    const s = await networkHelpers.loadFixture(setup);
    await rm(s.dir, { recursive: true, force: true });
  });

  const make = (s: Awaited<ReturnType<typeof setup>>, o: Partial<OperatorNodeOptions>) =>
    new OperatorNode({
      provider: ethers.provider,
      wallet: s.operator.connect(ethers.provider),
      addresses: {
        ledger: s.d.ledger,
        registry: s.d.registry,
        reserveRegistry: s.d.reserveRegistry,
        adjudicator: s.d.adjudicator,
      },
      crypto,
      blobs: localBlobSource(s.blobs),
      dbPath: join(s.dir, `node-${++dbCounter}.sqlite`),
      aggregatorUrl: "http://127.0.0.1:9",
      confirmations: 3,
      pollMs: 60_000,
      log: silentLogger,
      ...o,
    });

  it("queues a set only below the confirmation depth, once, and rescans without duplicates after a reorg", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const node = make(s, {});
    expect(await node.pollOnce()).to.equal(0); // the commit is the head block: not confirmed yet
    await networkHelpers.mine(3);
    expect(await node.pollOnce()).to.equal(1);
    expect(await node.pollOnce()).to.equal(0);
    const job = node.db.jobs()[0];
    expect(job.subject).to.equal(setSubject(s.member.address, s.t));
    expect(job.status).to.equal("pending");
    // The cursor block was replaced (a reorg deeper than the confirmation depth): rescan, nothing added twice.
    const cursor = node.db.cursor()!;
    node.db.setCursor(cursor.block, "0x" + "00".repeat(32));
    expect(await node.pollOnce()).to.equal(0);
    expect(node.db.cursor()?.hash).to.equal((await ethers.provider.getBlock(cursor.block))?.hash);
    expect(node.db.jobs()).to.have.length(1);
    await node.stop();
  });

  it("keeps a signed attestation while the aggregator is down and delivers it once it is back", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const agg = await fakeAggregator();
    agg.status.code = 503;
    const node = make(s, { aggregatorUrl: agg.url, healthPort: 0 });
    await node.start();
    await networkHelpers.mine(3);
    await node.pollOnce();
    await node.processDue();
    let job = node.db.jobs()[0];
    expect(job.status).to.equal("signed");
    expect(job.verdict).to.equal(Verdict.Solvent);
    expect(job.attempts).to.equal(1);
    expect(agg.bodies).to.have.length(0);
    // Reopened from its database (as after a restart), it sends the same signature, without verifying again.
    await node.stop();
    agg.status.code = 201;
    const again = make(s, { aggregatorUrl: agg.url, healthPort: 0, dbPath: join(s.dir, `node-${dbCounter}.sqlite`) });
    again.db.postpone(job.subject, -10, "test: due now");
    await again.processDue();
    job = again.db.jobs()[0];
    expect(job.status).to.equal("sent");
    expect(agg.bodies).to.have.length(1);
    const body = JSON.parse(agg.bodies[0]) as Record<string, string>;
    expect(body.signature).to.equal(job.signature);
    expect(body.verdict).to.equal("solvent");
    expect(body.signer).to.equal(s.operator.address);
    await again.start();
    const h = (await (await fetch(`http://127.0.0.1:${again.healthPort}/health`)).json()) as Record<string, unknown>;
    expect(h).to.include({ status: "ok", operator: s.operator.address, frauds: 0 });
    expect(h.jobs).to.deep.equal({ sent: 1 });
    expect((await fetch(`http://127.0.0.1:${again.healthPort}/other`)).status).to.equal(404);
    await again.stop();
    expect(again.health().status).to.equal("stopping");
    await new Promise((r) => agg.server.close(r));
  });

  it("postpones a job whose blob is missing, then votes insolvent after the last attempt", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const agg = await fakeAggregator();
    const empty = localBlobSource(new LocalBlobStore(join(s.dir, "empty")));
    const node = make(s, { aggregatorUrl: agg.url, blobs: empty, blobAttempts: 2 });
    await networkHelpers.mine(3);
    await node.pollOnce();
    await node.processDue();
    let job = node.db.jobs()[0];
    expect([job.status, job.attempts]).to.deep.equal(["pending", 1]);
    expect(job.reasons[0]).to.match(/blob .* is not in the local store/);
    node.db.postpone(job.subject, -10, "test: due now"); // attempts 2
    await node.processDue();
    job = node.db.jobs()[0];
    expect(job.status).to.equal("sent");
    expect(job.verdict).to.equal(Verdict.Insolvent);
    expect(job.reasons.join(" ")).to.match(/blob-available/);
    await node.stop();
    const db = new NodeDb(join(s.dir, `node-${dbCounter}.sqlite`));
    expect(db.jobs()).to.have.length(1);
    db.close();
    await new Promise((r) => agg.server.close(r));
  });

  it("attests an answered proof request (request subject) through the aggregator", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const [, member, requester, submitter] = await ethers.getSigners();
    const op2 = await fundedWallet(conn, 5n * E18);
    await onboard(conn, s.d, op2, 2n * E18);
    const ledger = await ethers.getContractAt("CommitmentLedger", s.d.ledger);
    await ledger.connect(requester).requestProof(member.address, s.t);
    await ledger.connect(member).respondToRequest(1n, []);
    await networkHelpers.mine(3);
    const aggregator = new Aggregator({
      provider: ethers.provider,
      wallet: submitter,
      ledger: s.d.ledger,
      registry: s.d.registry,
      vault: s.d.vault,
      dbPath: join(s.dir, `agg-${++dbCounter}.sqlite`),
      log: silentLogger,
    });
    await aggregator.start(0);
    const nodes = [make(s, { aggregatorUrl: aggregator.url }), make(s, { aggregatorUrl: aggregator.url, wallet: op2 })];
    for (const n of nodes) {
      await n.pollOnce();
      await n.processDue();
    }
    const subject = requestSubject(member.address, s.t, 1n);
    for (const n of nodes) {
      const jobs = n.db.jobs();
      expect(jobs.map((j) => j.kind).sort()).to.deep.equal(["request", "set"]);
      expect(jobs.every((j) => j.status === "sent" && j.verdict === Verdict.Solvent)).to.equal(true);
      await n.stop();
    }
    await aggregator.trySubmit(subject);
    await aggregator.trySubmit(setSubject(member.address, s.t));
    expect((await ledger.requestOf(1n)).status).to.equal(3n); // Finalized
    expect((await ledger.setOf(member.address, s.t)).status).to.equal(2n);
    expect(aggregator.db.attestations(subject)).to.have.length(2);
    await aggregator.stop();
  });

  it("never queues the operator's own commitments", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const [, member] = await ethers.getSigners();
    const node = make(s, { wallet: member as never });
    await networkHelpers.mine(3);
    await (node as unknown as { start(): Promise<void> }).start().catch(() => undefined);
    expect(await node.pollOnce()).to.equal(0);
    await node.stop();
  });
});

describe("withRetry", function () {
  it("retries transient errors with backoff and gives up after the attempts", async function () {
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
        return 7;
      },
      { baseMs: 1, maxMs: 2 },
    );
    expect([value, calls]).to.deep.equal([7, 3]);
    calls = 0;
    let error: unknown;
    await withRetry(
      () => {
        calls++;
        return Promise.reject(Object.assign(new Error("timeout"), { code: "TIMEOUT" }));
      },
      { attempts: 4, baseMs: 1, maxMs: 1 },
    ).catch((e: unknown) => (error = e));
    expect([calls, (error as Error).message]).to.deep.equal([4, "timeout"]);
  });

  it("never retries a revert or a bad argument", async function () {
    for (const code of ["CALL_EXCEPTION", "INVALID_ARGUMENT"]) {
      let calls = 0;
      await withRetry(
        () => {
          calls++;
          return Promise.reject(Object.assign(new Error("execution reverted (timeout in reason)"), { code }));
        },
        { baseMs: 1 },
      ).catch(() => undefined);
      expect(calls, code).to.equal(1);
    }
    expect(isTransient({ status: 503 })).to.equal(true);
    expect(isTransient({ error: { code: -32005 } })).to.equal(true);
    expect(isTransient(new Error("nonce too low"))).to.equal(false);
  });
});
