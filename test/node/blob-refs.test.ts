// Blobs in EigenDA, found through the refs members publish on-chain (in-process chain, the fake EigenDA proxy of
// test/helpers/fake-eigenda.ts, real operator nodes and aggregator): the member stores its blob in EigenDA, commits
// and publishes the ref with the `ledger publish-blob-refs` task; nodes configured with the proxy URL fetch the blob by the
// ref and attest Solvent, and the quorum finalizes the set. Without a ref, or with refs that do not yield the
// committed blob (another blob's ref, a forged certificate, garbage), a node does not attest: it logs why, postpones
// and retries, and uses a good ref once one is published (newest first, falling back to older ones). A DA outage is
// retried without ever being judged against the member.
import { rm } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { Contract } from "ethers";
import { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { Aggregator } from "../../src/aggregator/index.js";
import { EigenDaProxyClient, type BlobRef } from "../../src/blobstore/index.js";
import { MAX_ENCODED_BLOB_REF_BYTES, encodeBlobRef } from "../../src/blobstore/ref-encoding.js";
import { Verdict, setSubject } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  OperatorNode,
  blobSourceFor,
  jsonLogger,
  publishedRefBlobSource,
  silentLogger,
  type Job,
  type OperatorNodeOptions,
} from "../../src/node/index.js";
import { blobRefsFileOf, writeBlobRefsFile } from "../../src/poa/index.js";
import publishBlobRefs from "../../tasks/publish-blob-refs.js";
import { captureTask } from "../helpers/capture.js";
import { startFakeEigenDa, type FakeEigenDa } from "../helpers/fake-eigenda.js";
import { ETH, committedMember, writeDeploymentDir, type Conn } from "./fixture.js";

const connection = await network.create();
const conn = connection as unknown as Conn;
const { ethers, networkHelpers } = connection;
let crypto: Crypto;
let proxy: FakeEigenDa;
let counter = 0;

function setup() {
  return committedMember(conn, crypto, "BlobRefs", () => new EigenDaProxyClient(proxy.url));
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** Runs `ledger publish-blob-refs` as the member (account 1) with `ref` as the refs file's asset-1 ref. */
async function publish(s: Setup, ref: BlobRef): Promise<{ code: number; out: string }> {
  const refs = join(s.dir, `refs-${++counter}.blob-refs.json`);
  await writeBlobRefsFile(refs, blobRefsFileOf(s.poa, [{ asset: ETH, ref }]));
  const deployment = await writeDeploymentDir(join(s.dir, "deployment"), s.d);
  const hre = {
    network: { getOrCreate: async () => connection },
    config: { paths: { root: s.dir, artifacts: join(process.cwd(), "artifacts") } },
  } as unknown as HardhatRuntimeEnvironment;
  return captureTask(() => publishBlobRefs({ refs, from: "1", deployment }, hre));
}

/** What a dishonest member can do that the task refuses: publish any bytes as the ref of asset 1. */
async function publishRaw(s: Setup, ref: Uint8Array | string): Promise<void> {
  const ledger = new Contract(s.d.ledger, ["function publishBlobRef(uint64 t, uint32 asset, bytes ref)"], s.member);
  await (await ledger.getFunction("publishBlobRef")(s.t, ETH, ref)).wait();
}

/**
 * An operator node that reads blobs as a node configured with the proxy's URL does (`blobSourceFor`), unless `o`
 * says otherwise; `lines` collects its JSON log lines.
 */
function makeNode(s: Setup, o: Partial<OperatorNodeOptions> & { lines?: string[] } = {}) {
  const { lines, ...options } = o;
  const log =
    lines === undefined ? silentLogger : jsonLogger("node", { level: "debug", out: { write: (l) => lines.push(l) } });
  return new OperatorNode({
    provider: ethers.provider,
    wallet: s.operator.connect(ethers.provider),
    addresses: {
      ledger: s.d.ledger,
      registry: s.d.registry,
      reserveRegistry: s.d.reserveRegistry,
      adjudicator: s.d.adjudicator,
    },
    crypto,
    blobs: blobSourceFor({ eigendaUrl: proxy.url, ledger: s.d.ledger }, ethers.provider, log),
    dbPath: join(s.dir, `node-${++counter}.sqlite`),
    aggregatorUrl: "http://127.0.0.1:9",
    confirmations: 0,
    pollMs: 60_000,
    log,
    ...options,
  });
}

/** One verification round of the node's job (made due first: the database counts that as an attempt too). */
async function round(node: OperatorNode): Promise<Job> {
  await node.pollOnce();
  const before = node.db.jobs()[0];
  if (before !== undefined && before.attempts > 0) node.db.postpone(before.subject, -10, "test: due now");
  await node.processDue();
  return node.db.jobs()[0];
}

describe("EigenDA blobs through published refs (operator node)", function () {
  this.timeout(120_000);
  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
    proxy = await startFakeEigenDa();
  });
  after(async function () {
    const s = await networkHelpers.loadFixture(setup);
    await rm(s.dir, { recursive: true, force: true });
    await proxy.close();
    await crypto.close();
  });

  it("publishes the ref, and nodes with the EigenDA URL fetch the blob by it and attest Solvent", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const ledger = await ethers.getContractAt("CommitmentLedger", s.d.ledger);
    expect(await ledger.MAX_BLOB_REF_LENGTH()).to.equal(BigInt(MAX_ENCODED_BLOB_REF_BYTES));
    expect(s.ref.store).to.equal("eigenda");

    const first = await publish(s, s.ref);
    expect(first.code, first.out).to.equal(0);
    const encoded = "0x" + Buffer.from(encodeBlobRef(s.ref)).toString("hex");
    expect(first.out).to.contain(`asset 1: eigenda blob ${s.ref.keccak256}`);
    expect(first.out).to.match(/publishBlobRef asset 1: sent 0x[0-9a-f]{64}/);
    expect(first.out).to.contain(
      `event BlobRefPublished(member=${s.member.address}, t=${s.t}, asset=1, ref=${encoded}) @ ${s.d.ledger}`,
    );
    // Again: nothing sent, the earlier transaction named.
    const again = await publish(s, s.ref);
    expect(again.code, again.out).to.equal(0);
    expect(again.out).to.match(/asset 1: already published in tx 0x[0-9a-f]{64}/);
    expect(again.out).to.not.contain("sent");

    const op2 = s.operator2;
    const [, , submitter] = await ethers.getSigners();
    const aggregator = new Aggregator({
      provider: ethers.provider,
      wallet: submitter,
      ledger: s.d.ledger,
      registry: s.d.registry,
      vault: s.d.vault,
      dbPath: join(s.dir, `agg-${++counter}.sqlite`),
      log: silentLogger,
    });
    await aggregator.start(0);
    const nodes = [
      makeNode(s, { aggregatorUrl: aggregator.url }),
      makeNode(s, { aggregatorUrl: aggregator.url, wallet: op2 }),
    ];
    try {
      for (const n of nodes) {
        const job = await round(n);
        expect([job.status, job.verdict], job.reasons.join("; ")).to.deep.equal(["sent", Verdict.Solvent]);
      }
      expect(proxy.requests).to.include(`GET /get/${s.ref.commitment}`);
      await aggregator.trySubmit(setSubject(s.member.address, s.t));
      expect((await ledger.setOf(s.member.address, s.t)).status).to.equal(2n); // Finalized
    } finally {
      for (const n of nodes) await n.stop();
      await aggregator.stop();
    }
  });

  it("refuses to publish a ref that is not of the committed blob", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const other = await new EigenDaProxyClient(proxy.url).put(new Uint8Array([1, 2, 3]));
    const r = await publish(s, other);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain(
      `asset 1: the ref is of blob ${other.keccak256}, but the committed blobDigest is ${s.commitment.blobDigest}`,
    );
    expect(r.out).to.not.contain("sent");
  });

  it("without a published ref does not attest: logs it, retries, then uses the ref published late", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const lines: string[] = [];
    const node = makeNode(s, { lines });
    try {
      for (const attempts of [1, 3]) {
        const job = await round(node);
        expect([job.status, job.attempts, job.signature]).to.deep.equal(["pending", attempts, null]);
        expect(job.reasons[0]).to.match(
          new RegExp(`no blob ref published for asset 1 of ${s.member.address} at t ${s.t}`),
        );
      }
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; error?: string; reason?: string });
      expect(logged.find((l) => l.msg === "blob not available yet")?.error).to.match(/no blob ref published/);
      expect(logged.filter((l) => l.msg === "job postponed")).to.have.length(2);

      expect((await publish(s, s.ref)).code).to.equal(0);
      const job = await round(node);
      expect([job.status, job.verdict], job.reasons.join("; ")).to.deep.equal(["signed", Verdict.Solvent]);
    } finally {
      await node.stop();
    }
  });

  it("passes over refs that do not yield the committed blob, saying why for each, and does not attest", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const client = new EigenDaProxyClient(proxy.url);
    // The committed blob with one byte changed: same size, another keccak256.
    const tampered = Buffer.from(await client.get(s.ref));
    tampered[tampered.length >> 1] ^= 0x5a;
    const otherRef = await client.put(tampered);
    await publishRaw(s, encodeBlobRef(otherRef)); // another blob's ref
    await publishRaw(s, encodeBlobRef({ ...otherRef, keccak256: s.ref.keccak256 })); // forged: its certificate
    await publishRaw(s, "0xdeadbeef"); // not a ref at all
    const lines: string[] = [];
    const node = makeNode(s, { lines });
    try {
      const job = await round(node);
      expect([job.status, job.signature]).to.deep.equal(["pending", null]);
      const why = job.reasons[0];
      expect(why).to.contain(`none of the 3 blob ref(s) published for asset 1 of ${s.member.address} at t ${s.t}`);
      expect(why).to.match(/blob ref \(4 bytes\): too short for its magic, version and store kind/);
      expect(why).to.match(
        new RegExp(
          `EigenDA blob 0x[0-9a-f]{16}\\.\\.\\.: keccak256 is ${otherRef.keccak256}, expected ${s.ref.keccak256}`,
        ),
      );
      expect(why).to.contain(`is for keccak256 ${otherRef.keccak256}, not the committed ${s.ref.keccak256}`);
      // Newest first: the garbage, then the forged certificate (fetched and refused), never the other blob's ref.
      expect(lines.some((l) => l.includes("published blob ref does not yield the committed blob"))).to.equal(true);
      expect(proxy.requests.filter((r) => r === `GET /get/${otherRef.commitment}`)).to.have.length(1);

      // The good ref published late, then another forged one: newest first, the forged one costs one fetch, then the
      // good one yields the blob (the older bad refs are never tried again).
      tampered[0] ^= 1;
      const forged = { ...(await client.put(tampered)), keccak256: s.ref.keccak256 };
      await publishRaw(s, encodeBlobRef(s.ref));
      await publishRaw(s, encodeBlobRef(forged));
      const from = proxy.requests.length;
      const done = await round(node);
      expect([done.status, done.verdict], done.reasons.join("; ")).to.deep.equal(["signed", Verdict.Solvent]);
      expect(proxy.requests.slice(from)).to.deep.equal([
        `GET /get/${forged.commitment}`,
        `GET /get/${s.ref.commitment}`,
      ]);
    } finally {
      await node.stop();
    }
  });

  it("a ref whose certificate the proxy rejects (418) is evidence: passed over, and counts toward blob-available", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const client = new EigenDaProxyClient(proxy.url);
    const copy = await client.put(Buffer.from(await client.get(s.ref)));
    proxy.rejectCertificate(copy.commitment);
    await publishRaw(s, encodeBlobRef({ ...copy, keccak256: s.ref.keccak256 })); // the only ref: rejected with 418
    const node = makeNode(s, { blobAttempts: 2 });
    try {
      const first = await round(node);
      expect([first.status, first.verdict]).to.deep.equal(["pending", null]);
      expect(first.reasons[0]).to.match(/418/);
      const judged = await round(node);
      expect([judged.status, judged.verdict], judged.reasons.join("; ")).to.deep.equal(["signed", Verdict.Insolvent]);
      expect(judged.reasons.join("; ")).to.match(/blob-available/);
    } finally {
      await node.stop();
    }
  });

  it("retries a DA outage without judging the member, even past its blob attempts", async function () {
    const s = await networkHelpers.loadFixture(setup);
    expect((await publish(s, s.ref)).code).to.equal(0);
    const blobs = publishedRefBlobSource(
      new EigenDaProxyClient(proxy.url, { retries: 1, backoff: 1 }),
      ethers.provider,
      s.d.ledger,
    );
    const node = makeNode(s, { blobs, blobAttempts: 1 });
    try {
      proxy.fail503(4);
      for (const attempts of [1, 3]) {
        const job = await round(node);
        expect([job.status, job.attempts, job.verdict]).to.deep.equal(["pending", attempts, null]);
        expect(job.reasons[0]).to.match(/stayed unavailable after 2 attempts .*the DA network is down/);
      }
      const job = await round(node);
      expect([job.status, job.verdict], job.reasons.join("; ")).to.deep.equal(["signed", Verdict.Solvent]);
    } finally {
      await node.stop();
    }
  });
});
