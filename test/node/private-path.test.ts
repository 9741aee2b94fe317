// A user proves fraud against a private set on its own (docs/protocol.md section 17.6, "Fraud proofs against a private
// set"), on the Ignition deployment with the REAL LeafMismatch32 verifier, real Groth16 proofs (the private set's
// PrivateAsset proof and the user's LeafMismatch proof) and real X25519 keys: a member hides a user in its private
// set; the user asks a recipient operator's node for the path at its slot (`POST /path`, src/node/path-server.ts),
// `fraud prove --path-url` checks it against the on-chain root and proves, the user submits: the member is slashed
// and the restitution is booked to the record's payout. Refusals: a forged record signature, a record changed to
// another slot, a public set, a node that is no recipient, an operator answering a forged path (refused before any
// proof), and the honest case (the record matches its leaf: nothing to prove).
import { createServer, type Server } from "node:http";
import { readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import { releaseCurves } from "../../src/circuits/index.js";
import { TaskOutput } from "../../src/client/index.js";
import { bookedClaim, committedSet, readFraudProof } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  OperatorNode,
  TreeCache,
  closeServer,
  nodeConfigSchema,
  localBlobSource,
  servePaths,
  silentLogger,
  type VerifyDeps,
} from "../../src/node/index.js";
import { generateEncryptionKey, type EncryptionKeyPair } from "../../src/private/index.js";
import { PrivateSetLeavesError, committedLeaves } from "../../src/prover/da.js";
import { ForgedPathError, PathRefusedError, fetchPrivateSlotPath } from "../../src/prover/path-client.js";
import { parsePrivateSlotPathFile } from "../../src/prover/files.js";
import { recordFileOf, type RecordFile } from "../../src/records/record-file.js";
import { payoutHashOf, recordKeyHash, recordMessage, recordNullifier } from "../../src/records/index.js";
import { fraudProve, type Args as ProveArgs } from "../../tasks/prove-fraud.js";
import {
  commitPrivateSnapshot as commitPrivateSnapshot_,
  pathDeps,
  privatePathWorld,
  recordFile,
  type PathWorld,
  type PrivateCommitter,
} from "../helpers/private-path.js";
import { E18, ETH, fundedWallet, makeSnapshot, type Conn, type MemberSnapshot } from "./fixture.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;
let crypto: Crypto;

const setup = () => privatePathWorld(conn, crypto, "PrivatePathTest");
type Setup = PathWorld;
const commitPrivateSnapshot = (w: PrivateCommitter, t: bigint, snap: MemberSnapshot) =>
  commitPrivateSnapshot_(conn, crypto, w, t, snap);
const deps = (s: Setup, operator: string, key: EncryptionKeyPair): VerifyDeps =>
  pathDeps(conn, crypto, s, operator, key);

/** The path endpoint of a node with `d` (what OperatorNode serves on `pathPort`), on a free port. */
async function pathServer(d: VerifyDeps): Promise<{ url: string; server: Server }> {
  const server = await servePaths({ port: 0, deps: () => d, log: silentLogger });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function writeRecord(s: Setup, name: string, f: RecordFile): Promise<string> {
  const path = join(s.dir, name);
  await writeFile(path, JSON.stringify(f, null, 2));
  return path;
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e as Error,
  );
}

function proveArgs(s: Setup, record: string, pathUrl: string, out: string): ProveArgs {
  return { record, pathUrl, out: join(s.dir, out), json: true };
}

describe("a user proves fraud against a private set with a path from a recipient operator's node", function () {
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

  it("the hidden user fetches its slot's path from an operator node, proves LeafMismatch and submits it: the member is slashed, the claim booked to the user's payout", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const chain = { provider: ethers.provider, ledger: s.d.ledger };
    const file = recordFile(s.snap, 2);
    expect(file.record.slot).to.equal(7);
    const record = await writeRecord(s, "hidden.json", file);
    // The DA route names the new option.
    const at = { member: s.member.address, asset: ETH, t: s.t };
    const da = await refusal(committedLeaves(ethers.provider, s.d.ledger, at, localBlobSource(s.blobs)));
    expect(da).to.be.instanceOf(PrivateSetLeavesError);
    expect(da.message).to.include("fraud prove <record> --path-url <operator node>");

    // Operator 0's node, started as `operator run` starts it, with its path endpoint on.
    const node = new OperatorNode({
      provider: ethers.provider,
      wallet: s.operators[0].connect(ethers.provider),
      addresses: deps(s, s.operators[0].address, s.keys[0]).addresses,
      crypto,
      blobs: localBlobSource(s.blobs),
      dbPath: join(s.dir, "node-0.sqlite"),
      aggregatorUrl: "http://127.0.0.1:1",
      confirmations: 1,
      pollMs: 60_000,
      pathPort: 0,
      encryptionKey: s.keys[0],
      log: silentLogger,
    });
    await node.start();
    let lines: string[] = [];
    try {
      const url = `http://127.0.0.1:${node.pathPort}`;
      // The answer: a por.private-slot-path v1 naming the operator and the committed root.
      const answer = await fetchPrivateSlotPath(url, file);
      expect(answer.file.operator).to.equal(s.operators[0].address);
      expect(answer.file.slot).to.equal(7);
      expect(answer.file.leaf).to.deep.equal({ h: "0", s: "0" });
      expect(answer.rootHash).to.equal(s.snap.tree.root.h);
      expect(answer.file.siblings).to.have.length(32);
      const out = new TaskOutput(true, (l) => lines.push(l));
      await fraudProve(out, proveArgs(s, record, url, "proof.json"), chain);
      out.flush();
    } finally {
      await node.stop();
    }
    const json = JSON.parse(lines.join("\n")) as Record<string, unknown>;
    lines = [];
    expect(json.pathOperator).to.equal(s.operators[0].address);
    expect(json.kind).to.equal("missing-user-empty-slot");

    // The user submits (what `fraud submit` sends) from its own wallet.
    const user = await fundedWallet(conn, E18);
    const proof = await readFraudProof(join(s.dir, "proof.json"));
    const set = await committedSet(ethers.provider, s.d.ledger, proof.member, proof.t);
    const vault = await ethers.getContractAt("CollateralVault", s.d.vault);
    const before = await vault.stakeOf(s.member.address);
    const adjudicator = await ethers.getContractAt("Adjudicator", s.d.adjudicator);
    await (await adjudicator.connect(user.connect(ethers.provider)).proveFraud(proof, set.commitments)).wait();
    expect(await vault.stakeOf(s.member.address)).to.be.below(before);
    const claim = await bookedClaim(ethers.provider, s.d.adjudicator, s.member.address, BigInt(file.nullifier));
    expect(claim?.status).to.equal("open");
    expect(claim?.terms.claim).to.equal(4n * E18);
    expect(claim?.terms.payoutHash).to.equal(BigInt(file.record.payoutHash));
    expect(claim?.prover).to.equal(user.address);
  });

  it("refuses a forged signature and a record changed to another slot (422 bad_signature): only a record signed for a slot gets its path", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { url, server } = await pathServer(deps(s, s.operators[1].address, s.keys[1]));
    try {
      const file = recordFile(s.snap, 2);
      const forged = { ...file, signature: { ...file.signature, S: (BigInt(file.signature.S) + 1n).toString() } };
      const e1 = await refusal(fetchPrivateSlotPath(url, forged));
      expect(e1).to.be.instanceOf(PathRefusedError);
      expect([(e1 as PathRefusedError).status, (e1 as PathRefusedError).code]).to.deep.equal([422, "bad_signature"]);
      // User 0's record (slot 1) changed to ask for slot 7: its signature does not cover it.
      const other = recordFile(s.snap, 0);
      const moved = { ...other, record: { ...other.record, slot: 7 } };
      const e2 = (await refusal(fetchPrivateSlotPath(url, moved))) as PathRefusedError;
      expect([e2.status, e2.code]).to.deep.equal([422, "bad_signature"]);
      expect(e2.message).to.include("the signature does not verify for this record and key");
      // Through the task: the refusal in words, no proof written.
      const e3 = await refusal(
        fraudProve(
          new TaskOutput(true, () => {}),
          proveArgs(s, await writeRecord(s, "f.json", forged), url, "x.json"),
          {
            provider: ethers.provider,
            ledger: s.d.ledger,
          },
        ),
      );
      expect(e3.message).to.match(/refused the path request \(422 bad_signature\)/);
      expect(await readFile(join(s.dir, "x.json")).catch(() => undefined)).to.equal(undefined);
    } finally {
      await closeServer(server);
    }
  });

  it("refuses a public set (409 public_set, pointing to the DA blob) and a node that is no recipient (403 not_recipient)", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { url, server } = await pathServer(deps(s, s.operators[1].address, s.keys[1]));
    const outsider = Wallet.createRandom();
    const other = await pathServer(deps(s, outsider.address, generateEncryptionKey()));
    try {
      const e1 = (await refusal(fetchPrivateSlotPath(url, recordFile(s.pub, 0)))) as PathRefusedError;
      expect([e1.status, e1.code]).to.deep.equal([409, "public_set"]);
      expect(e1.message).to.include("--blob-dir");
      const e2 = (await refusal(fetchPrivateSlotPath(other.url, recordFile(s.snap, 2)))) as PathRefusedError;
      expect([e2.status, e2.code]).to.deep.equal([403, "not_recipient"]);
      expect(e2.message).to.include(`no encryption key of ${outsider.address} is in force at t`);
      // A record of a t the member never committed: 422 snapshot_not_committed.
      const file = recordFile(s.snap, 2);
      const e3 = (await refusal(
        fetchPrivateSlotPath(url, { ...file, record: { ...file.record, t: (s.t - 1n).toString() } }),
      )) as PathRefusedError;
      expect(e3.status).to.equal(422);
    } finally {
      await closeServer(server);
      await closeServer(other.server);
    }
  });

  it("keeps the last two rebuilt trees by blob digest (one rebuild per snapshot, a failed one not kept), and pathPort is a node setting", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const cache = new TreeCache(2);
    let builds = 0;
    const tree = { header: { member: 0n, asset: ETH, t: 0n, depth: 32, slotBits: 4 }, tree: s.snap.tree };
    const build = () => {
      builds++;
      return Promise.resolve(tree as never);
    };
    await cache.get("a", build);
    await cache.get("a", build);
    await cache.get("b", build);
    await cache.get("a", build); // "a" most recent: "b" goes first
    await cache.get("c", build);
    await cache.get("a", build);
    expect(builds).to.equal(3);
    await cache.get("b", build);
    expect(builds).to.equal(4);
    const failing = await refusal(cache.get("d", () => Promise.reject(new Error("bad leaves"))));
    expect(failing.message).to.equal("bad leaves");
    await new Promise((r) => setImmediate(r));
    await cache.get("d", build);
    expect(builds).to.equal(5);
    // The node configuration takes pathPort and pathHost (a port out of range is refused by name).
    const base = {
      format: "por.node-config",
      version: 1,
      rpcUrl: "http://127.0.0.1:8545",
      ledger: s.d.ledger,
      registry: s.d.registry,
      reserveRegistry: s.d.reserveRegistry,
      adjudicator: s.d.adjudicator,
      db: "node.sqlite",
      blobDir: "blobs",
      aggregatorUrl: "http://127.0.0.1:8080",
    };
    expect(nodeConfigSchema.parse({ ...base, pathPort: 8547, pathHost: "0.0.0.0" })).to.include({
      pathPort: 8547,
      pathHost: "0.0.0.0",
    });
    const bad = nodeConfigSchema.safeParse({ ...base, pathPort: 70_000 });
    expect(bad.success).to.equal(false);
    expect(bad.error?.issues[0].path).to.deep.equal(["pathPort"]);
  });

  it("rate-limits each client (429 with Retry-After) before any work, and answers only POST /path", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const server = await servePaths({
      port: 0,
      deps: () => deps(s, s.operators[0].address, s.keys[0]),
      limits: { rate: { perSecond: 0.01, burst: 1 } },
      log: silentLogger,
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const file = recordFile(s.snap, 2);
      expect((await fetchPrivateSlotPath(url, file)).file.slot).to.equal(7);
      const e = (await refusal(fetchPrivateSlotPath(url, file))) as PathRefusedError;
      expect([e.status, e.code]).to.deep.equal([429, "rate_limited"]);
      const res = await fetch(`${url}/path`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      });
      expect(Number(res.headers.get("retry-after"))).to.be.above(0);
      expect((await fetch(`${url}/other`)).status).to.equal(404);
      expect((await fetch(`${url}/path`)).status).to.equal(405);
    } finally {
      await closeServer(server);
    }
  });

  it("refuses a record whose slot lies outside the committed tree (422 slot_outside_tree)", async function () {
    const s = await networkHelpers.loadFixture(setup);
    // A later private set whose tree has depth 8 (slots 0..255); a record the member signed for slot 300.
    await networkHelpers.time.increase(60);
    const t3 = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.increase(10);
    await networkHelpers.mine(1);
    const small = await makeSnapshot(crypto, s.prv, s.member.address, t3, [1n * E18], [], 8);
    await commitPrivateSnapshot({ ...s }, t3, small);
    await networkHelpers.mine(2);
    const poseidon = (xs: readonly bigint[]) => crypto.poseidon(xs);
    const payout = { address: Wallet.createRandom().address, salt: 9n };
    const record = {
      member: BigInt(s.member.address),
      asset: ETH,
      t: t3,
      slot: 300,
      accountKey: 77n,
      balance: E18,
      payoutHash: payoutHashOf(payout),
    };
    const message = recordMessage(poseidon, record);
    const signature = crypto.sign(s.prv, message);
    const [Ax, Ay] = crypto.publicKey(s.prv);
    const file = recordFileOf({
      accountId: "far",
      accountSalt: 1n,
      assetSymbol: "ETH",
      record,
      payout,
      message,
      nullifier: recordNullifier(poseidon, message),
      signature,
      recordKey: { Ax, Ay, keyHash: recordKeyHash(poseidon, Ax, Ay) },
      D: small.tree.depth,
      d: small.tree.slotBits,
      root: small.tree.root,
      proof: small.tree.proof(1),
    });
    const { url, server } = await pathServer(deps(s, s.operators[0].address, s.keys[0]));
    try {
      const e = (await refusal(fetchPrivateSlotPath(url, file))) as PathRefusedError;
      expect([e.status, e.code]).to.deep.equal([422, "slot_outside_tree"]);
      expect(e.message).to.include("slot 300 is outside the tree's depth 8");
    } finally {
      await closeServer(server);
    }
  });

  it("refuses an operator's forged path before proving (named), and says so when the record matches its leaf", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const chain = { provider: ethers.provider, ledger: s.d.ledger };
    const honest = await pathServer(deps(s, s.operators[2].address, s.keys[2]));
    const file = recordFile(s.snap, 2);
    const genuine = await fetchPrivateSlotPath(honest.url, file);
    // A lying operator: the hidden user's slot shown holding its balance, the siblings as they are.
    const lies: Array<(f: typeof genuine.file) => typeof genuine.file> = [
      (f) => ({ ...f, leaf: { h: "123", s: (4n * E18).toString() } }),
      (f) => ({ ...f, rootHash: "5" }),
      (f) => ({ ...f, slot: 4 }),
    ];
    const record = await writeRecord(s, "hidden.json", file);
    try {
      for (const [i, lie] of lies.entries()) {
        const body = JSON.stringify(lie(genuine.file));
        parsePrivateSlotPathFile(body); // schema-valid: only the checks against the record and chain refuse it
        const liar = createServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(body);
        });
        await new Promise<void>((resolve) => liar.listen(0, "127.0.0.1", resolve));
        try {
          const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
          const e = await refusal(
            fraudProve(new TaskOutput(true, () => {}), proveArgs(s, record, url, "lie.json"), chain),
          );
          expect(e.cause, `lie ${i}`).to.be.instanceOf(ForgedPathError);
          expect(e.message).to.include(`the path from operator ${s.operators[2].address} (${url})`);
          expect(e.message).to.include("refused");
          expect(await readFile(join(s.dir, "lie.json")).catch(() => undefined)).to.equal(undefined);
        } finally {
          await closeServer(liar);
        }
      }
      // The honest case: user 1's record sits in its slot; the path is served and the prover says there is no fraud.
      const kept = await writeRecord(s, "kept.json", recordFile(s.snap, 1));
      const e = await refusal(
        fraudProve(new TaskOutput(true, () => {}), proveArgs(s, kept, honest.url, "no.json"), chain),
      );
      expect(e.message).to.match(/^refused \(no-fraud\): /);
      expect(await readFile(join(s.dir, "no.json")).catch(() => undefined)).to.equal(undefined);
    } finally {
      await closeServer(honest.server);
    }
  });
});
