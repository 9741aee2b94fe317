// Integration on a local JSON-RPC chain (`hardhat node` as a child process): three operator nodes (verifier-service
// stores on SQLite and PostgreSQL, one without), the aggregator, the local blob store and real LeafMismatch32 Groth16
// proofs. An honest member is attested solvent; a member whose reserves fall short is voted insolvent; a member that
// omits a user is caught by the watchtower and slashed with no human action; an operator killed (SIGKILL) between
// signing and sending is restarted and loses and duplicates nothing.
import { spawn } from "node:child_process";
import { mkdtemp, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import hre, { network } from "hardhat";

import { Aggregator } from "../../src/aggregator/index.js";
import { LocalBlobStore } from "../../src/blobstore/index.js";
import { circuitArtifacts, releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim, setSubject } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  NodeDb,
  OperatorNode,
  jsonLogger,
  localBlobSource,
  openHeldRecords,
  silentLogger,
  type HeldRecords,
} from "../../src/node/index.js";
import { openRecordStore } from "../../src/verifier-service/sql-drivers.js";
import { startPostgres, type TestPostgres } from "../helpers/postgres.js";
import {
  E18,
  ETH,
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
const deploymentId = `por-node-it-${process.pid}-${Date.now()}`;

async function until(what: string, cond: () => Promise<boolean>, ms = 600_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** Runs `hardhat operator run` as a child process; resolves with its exit code (or signal). */
function runNodeProcess(config: string, key: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    [
      join(process.cwd(), "node_modules/hardhat/dist/src/cli.js"),
      "operator",
      "run",
      "--config-file",
      config,
      "--create",
    ],
    { cwd: process.cwd(), env: { ...process.env, POR_OPERATOR_KEY: key, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (VERBOSE) process.stdout.write(d);
  });
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out };
}

describe("Operator node, watchtower and aggregator (integration, hardhat node)", function () {
  this.timeout(1_800_000);

  let chain: Awaited<ReturnType<typeof startHardhatNode>>;
  let conn: Conn;
  let d: Deployment;
  let crypto: Crypto;
  let pg: TestPostgres;
  let dir: string;
  let provider: JsonRpcProvider;
  let operators: Wallet[];
  let aggregator: Aggregator;
  const inProcess: Array<{ node: OperatorNode; held?: HeldRecords }> = [];
  let members: Array<{ address: string }>;
  let t: bigint;
  let snaps: MemberSnapshot[];
  let keys: Uint8Array[];
  let ledger: Contract;
  let o3Config: string;
  let crashedSubject: string;
  const stakeBefore: bigint[] = [];

  before(async function () {
    const hasVerifier = await hre.artifacts.artifactExists("LeafMismatch32Verifier");
    if (!hasVerifier) {
      throw new Error(
        "contracts/verifiers/LeafMismatch32Verifier.sol is not built: run `npx hardhat circuits` and `npx hardhat build`",
      );
    }
    await circuitArtifacts("LeafMismatch32"); // proving keys (a cold cache runs the development ceremony once)
    crypto = await loadCrypto({ threads: 0 });
    dir = await mkdtemp(join(tmpdir(), "por-node-it-"));
    pg = await startPostgres();
    chain = await startHardhatNode();
    conn = (await network.create({ network: "localhost", override: { url: chain.url } })) as unknown as Conn;
    provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, polling: true });
    provider.pollingInterval = 200;

    // Ignition journals deployments on an HTTP network: under a throwaway id, removed in `after`.
    d = await deploy(conn, "NodeIT", "LeafMismatch32Verifier", deploymentId);
    ledger = new Contract(
      d.ledger,
      ["function setOf(address,uint64) view returns (tuple(uint8,uint64,uint16,bool,bytes32))"],
      provider,
    );
    const signers = await conn.ethers.getSigners();
    const [, memberA, memberB, memberC] = signers;
    members = [memberA, memberB, memberC];
    operators = [];
    for (let i = 0; i < 3; i++) operators.push(await fundedWallet(conn, 5n * E18));
    for (const o of operators) await onboard(conn, d, o, 2n * E18);
    for (const m of members) await onboard(conn, d, m as never, 10n * E18);
    const vault = await conn.ethers.getContractAt("CollateralVault", d.vault);
    for (const m of members) stakeBefore.push((await vault.getFunction("stakeOf")(m.address)) as bigint);

    // Record keys and reserve wallets: A and C hold 10 ETH, B holds 1 ETH.
    keys = [];
    for (const m of [memberA, memberB, memberC]) keys.push(await registerRecordKey(conn, d, crypto, m));
    const reserves = [
      await fundedWallet(conn, 10n * E18),
      await fundedWallet(conn, 1n * E18),
      await fundedWallet(conn, 10n * E18),
    ];
    for (let i = 0; i < 3; i++) await registerReserve(conn, d, [memberA, memberB, memberC][i], reserves[i]);
    await conn.networkHelpers.time.increase(60);
    t = BigInt(await conn.networkHelpers.time.latest());
    await conn.networkHelpers.time.increase(30);
    await conn.networkHelpers.mine(1);

    // Snapshots: A owes 5 ETH (solvent), B owes 5 ETH but holds 1 (claims 6), C omits its third user.
    const blobs = new LocalBlobStore(join(dir, "blobs"));
    snaps = [
      await makeSnapshot(crypto, keys[0], memberA.address, t, [2n * E18, 3n * E18]),
      await makeSnapshot(crypto, keys[1], memberB.address, t, [2n * E18, 3n * E18]),
      await makeSnapshot(crypto, keys[2], memberC.address, t, [1n * E18, 2n * E18, 15n * 10n ** 17n], [2]),
    ];
    await commitSnapshot(conn, d, memberA, t, snaps[0], [reserves[0]], blobs);
    await commitSnapshot(conn, d, memberB, t, snaps[1], [reserves[1]], blobs, 6n * E18);
    await commitSnapshot(conn, d, memberC, t, snaps[2], [reserves[2]], blobs);
    await conn.networkHelpers.mine(3);

    // Users forwarded records: operator 1's service (SQLite) holds C's omitted user and A's first user; operator 2's
    // (PostgreSQL) holds C's first user. Each record commits to its user's payout (payoutHash); the opening stays
    // with the user.
    const sqlite = await openRecordStore(join(dir, "verifier-1.sqlite"));
    await sqlite.insertRecords([snaps[2].records[2], snaps[0].records[0]]);
    await sqlite.close();
    const postgres = await openRecordStore(pg.url);
    await postgres.insertRecords([snaps[2].records[0]]);
    await postgres.close();

    aggregator = new Aggregator({
      provider,
      wallet: await fundedWallet(conn, 5n * E18).then((w) => w.connect(provider)),
      ledger: d.ledger,
      registry: d.registry,
      vault: d.vault,
      dbPath: join(dir, "aggregator.sqlite"),
      log: VERBOSE ? jsonLogger("aggregator") : silentLogger,
    });
    await aggregator.start(0);

    o3Config = join(dir, "node-3.json");
    await writeFile(
      o3Config,
      JSON.stringify({
        format: "por.node-config",
        version: 1,
        rpcUrl: chain.url,
        ledger: d.ledger,
        registry: d.registry,
        reserveRegistry: d.reserveRegistry,
        adjudicator: d.adjudicator,
        db: "node-3.sqlite",
        blobDir: "blobs",
        aggregatorUrl: aggregator.url,
        confirmations: 2,
        pollMs: 300,
        healthPort: 0,
        logLevel: VERBOSE ? "debug" : "warn",
      }),
    );
  });

  after(async function () {
    for (const { node, held } of inProcess) {
      await node.stop().catch(() => undefined);
      await held?.close().catch(() => undefined);
    }
    await aggregator?.stop().catch(() => undefined);
    provider?.destroy();
    await crypto?.close();
    chain?.stop();
    pg?.stop();
    await releaseCurves();
    if (dir) await rm(dir, { recursive: true, force: true });
    await rm(join(process.cwd(), "ignition", "deployments", deploymentId), { recursive: true, force: true });
    await rmdir(join(process.cwd(), "ignition", "deployments")).catch(() => undefined); // only when left empty
  });

  it("operator 3 is killed (SIGKILL) after signing its first attestation and before sending it", async function () {
    const run = runNodeProcess(o3Config, operators[2].privateKey, { POR_NODE_CRASH_AFTER: "signed" });
    const { signal } = await run.exited;
    expect(signal, run.output()).to.equal("SIGKILL");
    const db = new NodeDb(join(dir, "node-3.sqlite"));
    const jobs = db.jobs();
    db.close();
    expect(jobs).to.have.length(3); // one per committed set, none lost at the crash
    const signed = jobs.filter((j) => j.status === "signed");
    expect(signed).to.have.length(1);
    crashedSubject = signed[0].subject;
    expect(aggregator.db.countAttestations()).to.equal(0);
  });

  it("runs operators 1 and 2 in process and restarts operator 3: every subject gets its verdict", async function () {
    const held = [await openHeldRecords(join(dir, "verifier-1.sqlite")), await openHeldRecords(pg.url)];
    for (let i = 0; i < 2; i++) {
      const node = new OperatorNode({
        provider,
        wallet: operators[i].connect(provider),
        addresses: {
          ledger: d.ledger,
          registry: d.registry,
          reserveRegistry: d.reserveRegistry,
          adjudicator: d.adjudicator,
        },
        crypto,
        blobs: localBlobSource(new LocalBlobStore(join(dir, "blobs"))),
        held: held[i],
        dbPath: join(dir, `node-${i + 1}.sqlite`),
        aggregatorUrl: aggregator.url,
        confirmations: 2,
        pollMs: 300,
        sweepMs: 500,
        healthPort: 0,
        log: VERBOSE ? jsonLogger("node", { level: "debug", fields: { operator: i + 1 } }) : silentLogger,
      });
      await node.start();
      inProcess.push({ node, held: held[i] });
    }
    const o3 = runNodeProcess(o3Config, operators[2].privateKey);
    try {
      await until("every node sent all its attestations", async () => {
        if (
          inProcess.some(({ node }) => node.db.jobs().some((j) => j.status !== "sent") || node.db.jobs().length < 3)
        ) {
          return false;
        }
        const db = new NodeDb(join(dir, "node-3.sqlite"));
        const jobs = db.jobs();
        db.close();
        return jobs.length === 3 && jobs.every((j) => j.status === "sent");
      });
      await until("the aggregator settled every subject", async () => aggregator.db.openSubjects().length === 0);
    } finally {
      o3.child.kill("SIGTERM");
    }
    // Graceful shutdown: SIGTERM finishes the current step, closes everything and the process exits on its own.
    expect(await o3.exited, o3.output()).to.deep.equal({ code: 0, signal: null });
    expect(o3.output()).to.match(/"msg":"operator node stopped"|SIGTERM, shutting down/);
    // Health endpoint of an in-process node.
    const h = (await (await fetch(`http://127.0.0.1:${inProcess[0].node.healthPort}/health`)).json()) as {
      status: string;
      jobs: Record<string, number>;
    };
    expect(h.status).to.equal("ok");
    expect(h.jobs.sent).to.equal(3);
  });

  it("attests the honest member solvent (set finalized)", async function () {
    const set = (await ledger.getFunction("setOf")(members[0].address, t)) as [bigint];
    expect(set[0]).to.equal(2n);
    const row = aggregator.db.subject(setSubject(members[0].address, t));
    expect(row?.verdict).to.equal(1);
    expect(row?.txHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("votes the member whose reserves fall short insolvent and slashes it", async function () {
    const set = (await ledger.getFunction("setOf")(members[1].address, t)) as [bigint];
    expect(set[0]).to.equal(4n);
    const vault = await conn.ethers.getContractAt("CollateralVault", d.vault);
    expect((await vault.getFunction("stakeOf")(members[1].address)) as bigint).to.be.lessThan(stakeBefore[1]);
    const votes = aggregator.db.attestations(setSubject(members[1].address, t));
    expect(votes.every((v) => v.verdict === 2)).to.equal(true);
  });

  it("catches the member that omitted a user and slashes it with a real Groth16 fraud proof", async function () {
    const omitted = snaps[2].records[2];
    const adj = new Contract(
      d.adjudicator,
      ["function isNullifierSpent(address, uint256) view returns (bool)"],
      provider,
    );
    expect(await adj.getFunction("isNullifierSpent")(omitted.member, BigInt(omitted.nullifier))).to.equal(true);
    // The claim is booked to the payout the record commits to, not paid: it waits for the claim window.
    const claim = await bookedClaim(provider, d.adjudicator, omitted.member, BigInt(omitted.nullifier));
    expect(claim?.terms.payoutHash).to.equal(BigInt(omitted.payoutHash ?? -1));
    expect(claim?.terms.claim).to.equal(BigInt(omitted.balance));
    expect(claim?.status).to.equal("open");
    const set = (await ledger.getFunction("setOf")(members[2].address, t)) as [bigint];
    expect(set[0]).to.equal(3n); // Fraudulent
    const vault = await conn.ethers.getContractAt("CollateralVault", d.vault);
    expect((await vault.getFunction("stakeOf")(members[2].address)) as bigint).to.be.lessThan(stakeBefore[2]);
    // Operator 1 proved it once; the record is marked as a mismatch in its verifier store, the others as ok.
    const fraud = inProcess[0].node.db.frauds();
    expect(fraud.map((f) => [f.nullifier, f.status])).to.deep.equal([[omitted.nullifier, "done"]]);
    const store = await openRecordStore(join(dir, "verifier-1.sqlite"));
    expect((await store.getRecord(omitted.nullifier))?.checkResult).to.equal("mismatch");
    expect((await store.getRecord(snaps[0].records[0].nullifier))?.checkResult).to.equal("ok");
    await store.close();
    const pgStore = await openRecordStore(pg.url);
    expect((await pgStore.getRecord(snaps[2].records[0].nullifier))?.checkResult).to.equal("ok");
    await pgStore.close();
    // Operator 1 never vouched for the omitting member (it voted insolvent, or the set was closed before it signed).
    const votes = aggregator.db.attestations(setSubject(members[2].address, t));
    expect(votes.find((v) => v.signer === operators[0].address)?.verdict ?? 2).to.equal(2);
    const job = inProcess[0].node.db.job(setSubject(members[2].address, t));
    expect(job?.verdict).to.equal(2);
    expect(job?.reasons.join(" ")).to.contain("held-records");
  });

  it("proves a record forwarded after its subject was verified (the watchtower's sweep)", async function () {
    // Member C signed user 1 a balance of 2 ETH; its committed tree holds 1 ETH in that slot (under-reported).
    const late = (await makeSnapshot(crypto, keys[2], members[2].address, t, [2n * E18, 2n * E18, 15n * 10n ** 17n]))
      .records[0];
    expect(late.slot).to.equal(snaps[2].records[0].slot);
    const store = await openRecordStore(pg.url);
    await store.insertRecords([late]);
    const adj = new Contract(
      d.adjudicator,
      ["function isNullifierSpent(address, uint256) view returns (bool)"],
      provider,
    );
    await until(
      "operator 2's sweep proved the late record",
      async () => (await adj.getFunction("isNullifierSpent")(late.member, BigInt(late.nullifier))) as boolean,
    );
    await until(
      "the late record is marked",
      async () => (await store.getRecord(late.nullifier))?.checkResult === "mismatch",
    );
    await store.close();
    expect(inProcess[1].node.db.fraud(late.nullifier)?.status).to.equal("done");
  });

  it("after the restart operator 3 lost nothing and duplicated nothing", async function () {
    const db = new NodeDb(join(dir, "node-3.sqlite"));
    const jobs = db.jobs();
    db.close();
    expect(jobs).to.have.length(3);
    expect(jobs.every((j) => j.status === "sent")).to.equal(true);
    // The attestation signed before the crash reached the aggregator exactly once after the restart.
    const crashed = aggregator.db.attestations(crashedSubject).filter((a) => a.signer === operators[2].address);
    expect(crashed).to.have.length(1);
    expect(crashed[0].signature).to.equal(jobs.find((j) => j.subject === crashedSubject)?.signature);
    // No operator is stored twice on any subject.
    for (const m of members) {
      const signers = aggregator.db.attestations(setSubject(m.address, t)).map((a) => a.signer);
      expect(new Set(signers).size, `signers on ${m.address}`).to.equal(signers.length);
    }
    expect(aggregator.db.countAttestations()).to.be.at.most(9);
    expect(ETH).to.equal(1);
  });
});
