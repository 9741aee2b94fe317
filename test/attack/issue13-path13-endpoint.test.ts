// Attack review of branch path13 (issue 13): the operator node's private-set path endpoint (POST /path,
// src/node/path-server.ts) and `fraud prove --path-url` (src/prover/path-client.ts), on the Ignition deployment with
// the REAL LeafMismatch32 verifier, real Groth16 proofs (the private set's PrivateAsset proof, the LeafMismatch
// proofs) and real X25519 / Baby Jubjub keys, as in test/node/private-path.test.ts.
//
// Every EXPLOIT below is fixed (the tests are defences now, each titled "was EXPLOIT"): pathTrustProxy, a per-client
// connection cap of 4 and a 2 s header deadline, the blob read once per committed digest, a 1 MiB answer limit and
// a 32-level path check in the client.
//
// EXPLOIT (medium): behind a reverse proxy (what docs/guides/operator.md tells operators
// to put in front) every client shares the proxy's socket address, and the path endpoint has no trustProxy option
// (the verifier service has one): a client with no record at all (20 junk `{}` bodies, charged before any check)
// empties the one bucket (2/s, burst 20) and every user gets 429 for as long as it keeps sending 2 requests/s.
// Fix: `trustProxy` in PathServerOptions / node config (pathTrustProxy), keying the limiter by the last
// X-Forwarded-For hop as VerifierApi.clientOf does.
//
// EXPLOIT (medium): the connection cap (maxConnections 64) is global and taken before any rate limit: one
// client (one address, no record) opens 64 connections that send a request line and stop; every other user's
// connection is reset until the 10 s request timeout, and the attacker simply reconnects. Checked: with 63 held
// the user gets 200, with 64 ECONNRESET. Fix: a per-client connection cap (e.g. 4 per address / IPv6 /64) and a short
// headersTimeout (2 s); count the cap against the rate-limit key.
//
// EXPLOIT (medium): the tree cache does not bound the per-request work. Every request fetches the whole
// blob again (a DA fetch, with EigenDA also an eth_getLogs from block 0), keccak-hashes it, does the X25519 unwrap and
// decrypts it and decodes the leaves: O(blob) synchronous work on the node's event loop, only the rebuild is cached.
// Measured on this shared 2-core machine, two runs (a private set of 65,536 leaves, a 4.2 MB blob): cold request
// 1,106-1,286 ms, then 155-313 ms of work per request with the tree cached, 20 fetches+decryptions for 20
// requests, and a 19-request burst (one client's budget) stalled the node's event loop 559-2,005 ms: one record
// holder (any user of the exchange, or the member) at 2 requests/s keeps 30-60% of the node's main thread busy,
// and the cost grows linearly with the blob (the member picks its size). Fix: look the cache up
// by the committed blob digest (ctx.blobDigest, known from the chain) before fetching, and move fetch, digest check,
// open and decode into the cached build.
//
// EXPLOIT (low): the client reads a path answer of any size (`res.text()` with no limit): a malicious
// operator streams tens of MB (or GBs within the 30 s deadline) into the user's process. Fix: refuse an answer whose
// Content-Length or streamed size exceeds what a por.private-slot-path can be (64 siblings: under 16 KiB; say 1 MiB).
//
// EXPLOIT (low): checkPrivateSlotPath does not check the number of siblings. A malicious operator answers a
// truncated path (the level-1 node above the record's slot index as "leaf", 31 siblings) that hashes up to the
// committed root: it is accepted as genuine, and `fraud prove` then refuses with "refused (wrong-depth)" instead of
// naming the operator (ForgedPathError): a user with a valid claim is told its proof cannot be built and is not told
// to ask another operator. Fix: require siblings.length === the fraud circuit's depth (32) in checkPrivateSlotPath,
// as a ForgedPathError naming the operator.
//
// Defences checked: restitution goes to the record's payout when a third party holding only the forwarded record (the
// serving operator itself) proves and submits first (it takes only the bounty, the user's later submit reverts); a
// record of another t, asset, slot or member is refused, a signed record of an uncommitted asset learns nothing; the
// served path is exactly the member's own inclusion proof for that slot (nothing beyond what the member's record file
// shows); a concurrent burst from one client gets at most its burst; concurrent cache lookups share one rebuild.
import { createServer, request, type Server } from "node:http";
import { rm, writeFile } from "node:fs/promises";
import { connect, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import { releaseCurves } from "../../src/circuits/index.js";
import { TaskOutput } from "../../src/client/index.js";
import { bookedClaim, committedSet, readFraudProof } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  TreeCache,
  closeServer,
  localBlobSource,
  servePaths,
  silentLogger,
  type BlobSource,
  type PathServerOptions,
  type VerifyDeps,
} from "../../src/node/index.js";
import { proveFraud, proverCryptoFrom } from "../../src/prover/index.js";
import { pathNodes } from "../../src/prover/statement.js";
import {
  ForgedPathError,
  PathRefusedError,
  checkPrivateSlotPath,
  fetchPrivateSlotPath,
} from "../../src/prover/path-client.js";
import { recordFileOf, type RecordFile } from "../../src/records/record-file.js";
import { payoutHashOf, recordKeyHash, recordMessage, recordNullifier } from "../../src/records/index.js";
import { SumTree, leafSetFrom } from "../../src/tree/index.js";
import { encodeLeaves } from "../../src/tree/leaves.js";
import { forwardedFromRecordFile, parseForwarded } from "../../src/verifier-service/forwarded.js";
import { fraudProve } from "../../tasks/prove-fraud.js";
import {
  commitPrivateSnapshot,
  pathDeps,
  privatePathWorld,
  recordFile,
  type PathWorld,
  type PrivateCommitter,
} from "../helpers/private-path.js";
import { E18, ETH, fundedWallet, type Conn, type MemberSnapshot } from "../node/fixture.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;
let crypto: Crypto;

/** As test/node/private-path.test.ts (test/helpers/private-path.ts): the hidden user is record 2, at slot 7. */
const setup = () => privatePathWorld(conn, crypto, "Path13Attack");
type Setup = PathWorld;
const commitPrivate = (w: PrivateCommitter, t: bigint, snap: Pick<MemberSnapshot, "tree" | "leaves">) =>
  commitPrivateSnapshot(conn, crypto, w, t, snap);

/** A record the member signs for (asset, t, slot) of a tree (what a member, or one of its users, holds). */
function signedRecord(
  s: Setup,
  tree: SumTree,
  fields: { asset: number; t: bigint; slot: number; balance: bigint },
): RecordFile {
  const poseidon = (xs: readonly bigint[]) => crypto.poseidon(xs);
  const payout = { address: Wallet.createRandom().address, salt: 9n };
  const record = { member: BigInt(s.member.address), accountKey: 77n, payoutHash: payoutHashOf(payout), ...fields };
  const message = recordMessage(poseidon, record);
  const [Ax, Ay] = crypto.publicKey(s.prv);
  return recordFileOf({
    accountId: "x",
    accountSalt: 1n,
    assetSymbol: "ETH",
    record,
    payout,
    message,
    nullifier: recordNullifier(poseidon, message),
    signature: crypto.sign(s.prv, message),
    recordKey: { Ax, Ay, keyHash: recordKeyHash(poseidon, Ax, Ay) },
    D: tree.depth,
    d: tree.slotBits,
    root: tree.root,
    proof: tree.proof(0),
  });
}

const deps = (s: Setup, i: number, blobs: BlobSource = localBlobSource(s.blobs)): VerifyDeps =>
  pathDeps(conn, crypto, s, s.operators[i].address, s.keys[i], blobs);

async function pathServer(
  o: Omit<PathServerOptions, "port" | "log"> & Record<string, unknown>,
): Promise<{ url: string; server: Server }> {
  const server = await servePaths({ port: 0, log: silentLogger, ...o });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function liar(
  body: string | ((res: import("node:http").ServerResponse) => void),
): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    if (typeof body === "string") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    } else body(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e as Error,
  );
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/path`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("attack path13: the private-set path endpoint and fraud prove --path-url", function () {
  this.timeout(900_000);
  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
  });
  after(async function () {
    await releaseCurves();
    await crypto.close();
    const s = await networkHelpers.loadFixture(setup);
    await rm(s.dir, { recursive: true, force: true });
  });

  it("defence (was EXPLOIT): behind a reverse proxy one client without any record locked every user out of the path endpoint (429); with pathTrustProxy each client has its own budget", async function () {
    const s = await networkHelpers.loadFixture(setup);
    // The operator set the endpoint up as the guide says (a reverse proxy in front), with the fix's option on.
    const { url, server } = await pathServer({ deps: () => deps(s, 0), trustProxy: true });
    try {
      const attacker = { "x-forwarded-for": "203.0.113.7" };
      for (let i = 0; i < 20; i++) expect((await post(url, {}, attacker)).status).to.equal(400);
      expect((await post(url, {}, attacker)).status).to.equal(429);
      // The hidden user, another client behind the same proxy, asks for its path.
      const res = await post(url, forwardedFromRecordFile(recordFile(s.snap, 2)), {
        "x-forwarded-for": "198.51.100.9",
      });
      // Today: 429 rate_limited (the attacker's junk emptied the proxy address's one bucket). Fixed: 200.
      expect(res.status).to.equal(200);
    } finally {
      await closeServer(server);
    }
  });

  it("defence (was EXPLOIT): every path request fetched, hashed and decrypted the whole blob again; now once per committed blob digest", async function () {
    const s = await networkHelpers.loadFixture(setup);
    // The member commits a private set of 65,536 users (1 wei each; reserves 10 ETH) and signs one record.
    await networkHelpers.time.increase(60);
    const t3 = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.increase(10);
    await networkHelpers.mine(1);
    const n = 1 << 16;
    const leaves = Array.from({ length: n }, (_, i) => ({ slot: i, h: BigInt(i + 1) * 0x1234567n, s: 1n }));
    const tree = await SumTree.build(crypto, leafSetFrom(leaves), 17, 32);
    const payload = encodeLeaves(tree, { member: BigInt(s.member.address), asset: ETH, t: t3 });
    await commitPrivate(s.w, t3, { tree, leaves: payload });
    await networkHelpers.mine(2);
    const file = signedRecord(s, tree, { asset: ETH, t: t3, slot: 5, balance: 1n });
    let fetches = 0;
    let bytes = 0;
    const inner = localBlobSource(s.blobs);
    const counting: BlobSource = {
      async fetch(d, at) {
        fetches++;
        const b = await inner.fetch(d, at);
        bytes = b.length;
        return b;
      },
    };
    // 20 requests at once from one address: the per-client connection cap (4, tested below) is raised here, this test
    // measures the work per request.
    const { url, server } = await pathServer({
      deps: () => deps(s, 1, counting),
      limits: { maxConnectionsPerClient: 64 },
    });
    try {
      const first = performance.now();
      await fetchPrivateSlotPath(url, file); // the one rebuild
      const cold = performance.now() - first;
      // Then 20 requests at once (one client's burst), while a 5 ms timer measures how long the event loop stalls.
      let last = performance.now();
      let maxLag = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        maxLag = Math.max(maxLag, now - last - 5);
        last = now;
      }, 5);
      const start = performance.now();
      const answers = await Promise.all(Array.from({ length: 19 }, () => fetchPrivateSlotPath(url, file)));
      const warm = (performance.now() - start) / 19;
      clearInterval(timer);
      expect(answers.every((a) => a.file.slot === 5)).to.equal(true);
      console.log(
        `      blob ${bytes} bytes; cold request ${cold.toFixed(0)} ms; 19 cached-tree requests: ` +
          `${warm.toFixed(0)} ms each, ${fetches} blob fetches+decryptions, event loop stalled up to ${maxLag.toFixed(0)} ms`,
      );
      // Today: 20 fetches and decryptions of the 4.2 MB blob for one tree. Fixed: the first request's only.
      expect(fetches).to.equal(1);
    } finally {
      await closeServer(server);
    }
  });

  it("defence (was EXPLOIT): fraud prove --path-url read an operator's answer of any size into memory; now refused past 1 MiB", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const honest = await pathServer({ deps: () => deps(s, 2) });
    const file = recordFile(s.snap, 2);
    const genuine = await fetchPrivateSlotPath(honest.url, file);
    await closeServer(honest.server);
    // 64 MB of JSON whitespace, then the genuine answer (schema-valid once parsed).
    const pad = " ".repeat(1 << 20);
    const big = await liar((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < 64; i++) res.write(pad);
      res.end(JSON.stringify(genuine.file));
    });
    try {
      const e = await refusal(fetchPrivateSlotPath(big.url, file));
      // Today: no refusal (the 64 MB answer is read, parsed and accepted). Fixed: refused by its size.
      expect(e.message).to.match(/large|limit|bytes/i);
    } finally {
      await closeServer(big.server);
    }
  });

  it("defence (was EXPLOIT): a truncated path that hashes to the committed root was accepted and the user told wrong-depth; now refused as forged, naming the operator", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const chain = { provider: ethers.provider, ledger: s.d.ledger };
    const file = recordFile(s.snap, 2); // slot 7, hidden
    const honest = await pathServer({ deps: () => deps(s, 2) });
    const genuine = await fetchPrivateSlotPath(honest.url, file);
    await closeServer(honest.server);
    // The level-1 node of index 7 (over slots 14, 15) and its 31 siblings: hashed with slot 7's low 31 bits it
    // climbs to the committed root.
    const p14 = s.snap.tree.proof(14);
    const level1 = pathNodes(
      proverCryptoFrom((xs) => crypto.poseidon(xs)),
      14n,
      { slot: 14n, leaf: p14.leaf, siblings: p14.siblings },
    )[1];
    const str = (x: { h: bigint; s: bigint }) => ({ h: x.h.toString(), s: x.s.toString() });
    const truncated = { ...genuine.file, leaf: str(level1), siblings: p14.siblings.slice(1).map(str) };
    const lie = await liar(JSON.stringify(truncated));
    try {
      const answer = await fetchPrivateSlotPath(lie.url, file);
      const e1 = await refusal(checkPrivateSlotPath(ethers.provider, s.d.ledger, file, answer, lie.url));
      // Today: accepted (no refusal; fraud prove then says "refused (wrong-depth): the path has 31 levels").
      expect(e1).to.be.instanceOf(ForgedPathError);
      expect(e1.message).to.include(s.operators[2].address);
      const recordPath = join(s.dir, "t.json");
      await writeFile(recordPath, JSON.stringify(file));
      const e2 = await refusal(
        fraudProve(
          new TaskOutput(true, () => {}),
          { record: recordPath, pathUrl: lie.url, out: join(s.dir, "t-proof.json"), json: true },
          chain,
        ),
      );
      expect(e2.cause).to.be.instanceOf(ForgedPathError);
    } finally {
      await closeServer(lie.server);
    }
  });

  it("defence (was EXPLOIT): one client holding the 64 connections with unfinished headers locked every user out; now at most 4 per client and 2 s for headers", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { server } = await pathServer({ deps: () => deps(s, 0), host: "0.0.0.0" });
    const port = (server.address() as AddressInfo).port;
    const sockets: Socket[] = [];
    try {
      // The attacker (127.0.0.3): 64 connections, each sends a request line and then nothing (it would resend
      // every requestTimeoutMs, 10 s, to keep them).
      for (let i = 0; i < 64; i++) {
        const sock = connect({ host: "127.0.0.1", port, localAddress: "127.0.0.3" });
        await new Promise<void>((resolve) => sock.once("connect", () => resolve()));
        sock.write("POST /path HTTP/1.1\r\nHost: x\r\n");
        sock.on("error", () => {});
        sockets.push(sock);
      }
      await new Promise((r) => setTimeout(r, 100));
      // The hidden user (127.0.0.2) asks for its path.
      const body = JSON.stringify(forwardedFromRecordFile(recordFile(s.snap, 2)));
      const status = await new Promise<number | string>((resolve) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: "/path",
            method: "POST",
            localAddress: "127.0.0.2",
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
        req.end(body);
      });
      // Today: ECONNRESET (the server drops every connection past maxConnections, whoever holds them). Fixed (a
      // per-client connection cap, a short headers timeout): 200.
      expect(status).to.equal(200);
    } finally {
      for (const sock of sockets) sock.destroy();
      await closeServer(server);
    }
  });

  it("defence: a third party holding only the forwarded record (the serving operator) proves first: the claim books to the record's payout; it gets only the bounty", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const file = recordFile(s.snap, 2);
    // The operator behind the endpoint keeps the body it was sent, and asks its own (or any) node for the path.
    let seen: unknown;
    const { url, server } = await pathServer({ deps: () => deps(s, 0) });
    let answer: Awaited<ReturnType<typeof fetchPrivateSlotPath>>;
    try {
      answer = await fetchPrivateSlotPath(url, file);
      seen = forwardedFromRecordFile(file); // exactly what POST /path carried
      const again = await post(url, seen);
      expect(again.status).to.equal(200);
    } finally {
      await closeServer(server);
    }
    const f = parseForwarded(seen as ReturnType<typeof forwardedFromRecordFile>);
    const record = {
      ...f.record,
      asset: BigInt(f.record.asset),
      slot: BigInt(f.record.slot),
      signature: f.signature,
      publicKey: { Ax: f.recordKey[0], Ay: f.recordKey[1] },
    };
    const { file: proofFile } = await proveFraud({ record, path: answer.path, expectedRoot: answer.rootHash });
    const proofPath = join(s.dir, "third.json");
    await writeFile(proofPath, JSON.stringify(proofFile));
    const proof = await readFraudProof(proofPath);
    const set = await committedSet(ethers.provider, s.d.ledger, proof.member, proof.t);
    const adjudicator = await ethers.getContractAt("Adjudicator", s.d.adjudicator);
    const thief = s.operators[0].connect(ethers.provider);
    await (await adjudicator.connect(thief).proveFraud(proof, set.commitments)).wait();
    const claim = await bookedClaim(ethers.provider, s.d.adjudicator, s.member.address, BigInt(file.nullifier));
    expect(claim?.terms.payoutHash).to.equal(BigInt(file.record.payoutHash));
    expect(claim?.terms.claim).to.equal(4n * E18);
    expect(claim?.prover).to.equal(s.operators[0].address);
    // The user's own proof of the same record is now spent (one claim per nullifier), not re-routed.
    const user = (await fundedWallet(conn, E18)).connect(ethers.provider);
    let reverted = false;
    try {
      await (await adjudicator.connect(user).proveFraud(proof, set.commitments)).wait();
    } catch {
      reverted = true;
    }
    expect(reverted).to.equal(true);
  });

  it("defence: only a record signed for (member, asset, t, slot) gets a path, and the path is the member's own inclusion proof of that slot", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { url, server } = await pathServer({ deps: () => deps(s, 1) });
    try {
      const kept = recordFile(s.snap, 1); // slot 4, in the tree
      const a = await fetchPrivateSlotPath(url, kept);
      expect(a.file.leaf).to.deep.equal(kept.tree.leaf);
      expect(a.file.siblings).to.deep.equal(kept.tree.siblings);
      expect(a.file.rootHash).to.equal(kept.tree.rootHash);
      // Another slot, t, asset or member in the same record: the signature does not cover it.
      const r = kept.record;
      const other = Wallet.createRandom().address;
      for (const [what, change] of [
        ["slot", { slot: 5 }],
        ["t", { t: (s.t + 1n).toString() }],
        ["asset", { asset: 2 }],
        ["member", { member: other }],
      ] as const) {
        const e = (await refusal(
          fetchPrivateSlotPath(url, { ...kept, record: { ...r, ...change } }),
        )) as PathRefusedError;
        expect(e, what).to.be.instanceOf(PathRefusedError);
        expect(e.status, what).to.equal(422);
      }
      // A record the member itself signs for an asset its set leaves out: 404, no path, no tree read.
      const e404 = (await refusal(
        fetchPrivateSlotPath(url, signedRecord(s, s.snap.tree, { asset: 2, t: s.t, slot: 3, balance: 1n })),
      )) as PathRefusedError;
      expect([e404.status, e404.code]).to.deep.equal([404, "asset_not_committed"]);
    } finally {
      await closeServer(server);
    }
  });

  it("defence: a concurrent burst from one client gets at most its burst (the rest 429), and concurrent cache lookups share one rebuild", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { url, server } = await pathServer({
      deps: () => deps(s, 0),
      limits: { rate: { perSecond: 0.01, burst: 5 }, maxConnectionsPerClient: 64 }, // 15 at once from one address
    });
    try {
      const body = forwardedFromRecordFile(recordFile(s.snap, 2));
      const statuses = await Promise.all(Array.from({ length: 15 }, () => post(url, body).then((r) => r.status)));
      expect(statuses.filter((x) => x === 200)).to.have.length(5);
      expect(statuses.filter((x) => x === 429)).to.have.length(10);
    } finally {
      await closeServer(server);
    }
    const cache = new TreeCache(2);
    let builds = 0;
    const tree = { header: { member: 0n, asset: ETH, t: 0n, depth: 32, slotBits: 4, count: 0 }, tree: s.snap.tree };
    const build = async () => {
      builds++;
      await new Promise((r) => setTimeout(r, 20));
      return tree;
    };
    const got = await Promise.all(Array.from({ length: 10 }, () => cache.get("x", build)));
    expect(builds).to.equal(1);
    expect(got.every((g) => g === tree)).to.equal(true);
  });
});
