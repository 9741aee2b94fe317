// The aggregator's HTTP API: bad input of every kind is refused with a clear 4xx and never stored; valid attestations
// are stored once; the quorum is submitted when the stake threshold is reached; after a crash between collecting and
// submitting, a restart submits from the database; a subject finalized elsewhere is never submitted again.
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { ethers as E } from "ethers";
import { network } from "hardhat";

import { Aggregator, AggregatorDb } from "../../src/aggregator/index.js";
import {
  Verdict,
  ledgerDomain,
  packSignatures,
  requestSubject,
  rootsDigest,
  setBlobDigest,
  setSubject,
  signAttestation,
  type AssetCommitment,
} from "../../src/consortium/index.js";
import { silentLogger } from "../../src/node/index.js";
import { E18, deploy, onboard, type Conn } from "../node/fixture.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;

async function setup() {
  const d = await deploy(conn, "AggregatorTest", "MockLeafMismatchVerifier");
  const signers = await ethers.getSigners();
  const [, member, op1, op2, op3, outsider, submitter] = signers;
  for (const a of [member, op1, op2, op3]) await onboard(conn, d, a, 2n * E18);
  const ledger = await ethers.getContractAt("CommitmentLedger", d.ledger);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const commit = async (t: bigint, root: bigint): Promise<AssetCommitment[]> => {
    const c: AssetCommitment[] = [
      { asset: 1, rootHash: root, rootSum: 5n, reserves: 9n, blobDigest: E.id(`blob${t}`) },
    ];
    await ledger.connect(member).getFunction("commit")(t, c);
    return c;
  };
  const t1 = BigInt(await networkHelpers.time.latest()) - 100n;
  const c1 = await commit(t1, 1111n);
  await networkHelpers.time.increase(10);
  const t2 = t1 + 50n;
  const c2 = await commit(t2, 2222n);
  return { d, member, op1, op2, op3, outsider, submitter, ledger, chainId, t1, c1, t2, c2 };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function submission(s: Setup, signer: Setup["op1"], t: bigint, c: AssetCommitment[], verdict = Verdict.Solvent) {
  const attestation = {
    subject: setSubject(s.member.address, t),
    verdict,
    rootsDigest: rootsDigest(c),
    blobDigest: setBlobDigest(c),
  };
  const signed = await signAttestation(signer, ledgerDomain(s.chainId, s.d.ledger), attestation);
  return {
    format: "por.attestation-submission",
    version: 1,
    kind: "set",
    member: s.member.address,
    t: t.toString(),
    verdict: verdict === Verdict.Solvent ? "solvent" : "insolvent",
    rootsDigest: attestation.rootsDigest,
    blobDigest: attestation.blobDigest,
    signer: signed.signer,
    signature: signed.signature,
  } as Record<string, unknown>;
}

/** A raw HTTP request (so tests can send any content type, length and body). */
function http(
  url: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }),
      );
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe("Aggregator", function () {
  let dir: string;
  let agg: Aggregator | undefined;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "por-agg-"));
  });
  afterEach(async function () {
    await agg?.stop().catch(() => undefined);
    agg = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (s: Setup, retryIntervalMs = 0) => {
    agg = new Aggregator({
      retryIntervalMs,
      provider: ethers.provider,
      wallet: s.submitter,
      ledger: s.d.ledger,
      registry: s.d.registry,
      vault: s.d.vault,
      dbPath: join(dir, "agg.sqlite"),
      log: silentLogger,
      maxBodyBytes: 4096,
    });
    await agg.start(0);
    return agg;
  };

  describe("bad input", function () {
    it("refuses each with a clear 4xx and stores nothing", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const a = await start(s);
      const good = await submission(s, s.op1, s.t1, s.c1);
      const post = (body: unknown, headers?: Record<string, string>) =>
        http(a.url, "POST", "/attestations", typeof body === "string" ? body : JSON.stringify(body), headers);

      let r = await post(good, { "content-type": "text/plain" });
      expect([r.status, r.json.error]).to.deep.equal([415, "content-type must be application/json"]);
      r = await post("{not json");
      expect(r.status).to.equal(400);
      expect(r.json.error).to.match(/^malformed JSON/);
      r = await post(JSON.stringify({ ...good, pad: "x".repeat(5000) }));
      expect([r.status, r.json.error]).to.deep.equal([413, "body larger than 4096 bytes"]);
      r = await http(a.url, "POST", "/attestations", Buffer.alloc(5000, 0x20), {
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      });
      expect(r.status).to.equal(413);
      r = await post({ ...good, extra: 1 });
      expect(r.status).to.equal(422);
      r = await post({ ...good, verdict: "maybe" });
      expect([r.status, r.json.error]).to.deep.equal([
        422,
        'field verdict: Invalid option: expected one of "solvent"|"insolvent"',
      ]);
      r = await post({ ...good, signature: "0x1234" });
      expect(r.json.error).to.match(/^field signature: must be a 65-byte signature/);
      r = await post({ ...good, requestId: "1" });
      expect(r.json.error).to.match(/requestId: required exactly when kind is "request"/);
      // Signed by someone else, or over another verdict: the signature does not match the stated signer.
      r = await post({ ...good, signer: s.op2.address });
      expect(r.status).to.equal(422);
      expect(r.json.error).to.match(/^bad signature: signed by .*, not /);
      r = await post({ ...good, verdict: "insolvent" });
      expect(r.json.error).to.match(/^bad signature/);
      // Not an operator; the member itself.
      r = await post(await submission(s, s.outsider, s.t1, s.c1));
      expect(r.status).to.equal(403);
      expect(r.json.error).to.match(/may not co-sign/);
      r = await post(await submission(s, s.member, s.t1, s.c1));
      expect([r.status, r.json.error]).to.deep.equal([403, "a member cannot attest to its own commitments"]);
      // No such set; digests of another set.
      r = await post(await submission(s, s.op1, s.t1 + 1n, s.c1));
      expect(r.status).to.equal(404);
      r = await post(await submission(s, s.op1, s.t1, s.c2));
      expect([r.status, r.json.error]).to.deep.equal([409, "rootsDigest/blobDigest do not match the committed set"]);
      expect((await http(a.url, "GET", "/attestations")).status).to.equal(405);
      expect((await http(a.url, "GET", "/nope")).status).to.equal(404);
      expect((await http(a.url, "GET", `/subjects/0x${"00".repeat(32)}`)).status).to.equal(404);

      expect(a.db.countAttestations()).to.equal(0);
      const health = await http(a.url, "GET", "/health");
      expect(health.json).to.include({ status: "ok", attestations: 0, openSubjects: 0, chainId: "31337" });
      expect((health.json as { problems: string[] }).problems).to.deep.equal([]);
    });
  });

  describe("collection and submission", function () {
    it("stores an attestation once, and submits when the stake threshold is reached", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const a = await start(s);
      const post = async (b: unknown) => http(a.url, "POST", "/attestations", JSON.stringify(b));
      const one = await submission(s, s.op1, s.t1, s.c1);
      expect((await post(one)).status).to.equal(201);
      const dup = await post(one);
      expect([dup.status, dup.json.status]).to.deep.equal([200, "duplicate"]);
      // An insolvent vote is a separate ballot: it does not add weight to the solvent one.
      expect((await post(await submission(s, s.op3, s.t1, s.c1, Verdict.Insolvent))).status).to.equal(201);
      const subject = setSubject(s.member.address, s.t1);
      await a.trySubmit(subject);
      expect(a.db.subject(subject)?.status).to.equal("collecting");
      expect((await s.ledger.setOf(s.member.address, s.t1)).status).to.equal(1n);

      expect((await post(await submission(s, s.op2, s.t1, s.c1))).status).to.equal(201);
      await a.trySubmit(subject); // waits behind the submission the POST queued
      expect((await s.ledger.setOf(s.member.address, s.t1)).status).to.equal(2n);
      const row = a.db.subject(subject);
      expect(row?.status).to.equal("finalized");
      expect(row?.verdict).to.equal(Verdict.Solvent);
      const view = await http(a.url, "GET", `/subjects/${subject}`);
      expect(view.json.status).to.equal("finalized");
      expect(a.db.countAttestations()).to.equal(3);
    });

    it("retries a failed submission on its own, with no new attestation arriving", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const subject = setSubject(s.member.address, s.t1);
      // The submitter cannot pay for gas: the quorum is reached but the transaction cannot be sent.
      const funds = await ethers.provider.getBalance(s.submitter.address);
      await networkHelpers.setBalance(s.submitter.address, 0n);
      const a = await start(s, 200);
      const post = async (b: unknown) => http(a.url, "POST", "/attestations", JSON.stringify(b));
      expect((await post(await submission(s, s.op1, s.t1, s.c1))).status).to.equal(201);
      expect((await post(await submission(s, s.op2, s.t1, s.c1))).status).to.equal(201);
      await a.trySubmit(subject);
      expect((await s.ledger.setOf(s.member.address, s.t1)).status).to.equal(1n);
      expect(a.db.subject(subject)?.status).to.not.equal("finalized");
      // Money arrives; the periodic pass submits without any further request.
      await networkHelpers.setBalance(s.submitter.address, funds);
      const deadline = Date.now() + 10_000;
      while (a.db.subject(subject)?.status !== "finalized" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(a.db.subject(subject)?.status).to.equal("finalized");
      expect((await s.ledger.setOf(s.member.address, s.t1)).status).to.equal(2n);
    });

    it("after a crash between collecting and submitting, a restart submits from the database", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const subject = setSubject(s.member.address, s.t2);
      // The crashed instance had stored both attestations and marked the subject as being submitted.
      const db = new AggregatorDb(join(dir, "agg.sqlite"));
      for (const op of [s.op1, s.op2]) {
        const b = await submission(s, op, s.t2, s.c2);
        db.addAttestation({
          subject,
          kind: "set",
          member: s.member.address,
          t: s.t2,
          requestId: 0n,
          verdict: Verdict.Solvent,
          rootsDigest: b.rootsDigest as string,
          blobDigest: b.blobDigest as string,
          signer: b.signer as string,
          signature: b.signature as string,
        });
      }
      db.setStatus(subject, "submitting");
      db.close();
      const a = await start(s); // resume() runs before start returns
      expect((await s.ledger.setOf(s.member.address, s.t2)).status).to.equal(2n);
      expect(a.db.subject(subject)?.status).to.equal("finalized");
      expect(a.db.subject(subject)?.txHash).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("keeps attestations on an open request and submits them once the member answered", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const a = await start(s);
      await s.ledger.connect(s.outsider).requestProof(s.member.address, s.t1);
      const subject = requestSubject(s.member.address, s.t1, 1n);
      const att = {
        subject,
        verdict: Verdict.Solvent,
        rootsDigest: rootsDigest(s.c1),
        blobDigest: setBlobDigest(s.c1),
      };
      for (const op of [s.op1, s.op2]) {
        const signed = await signAttestation(op, ledgerDomain(s.chainId, s.d.ledger), att);
        const body = {
          ...(await submission(s, op, s.t1, s.c1)),
          kind: "request",
          requestId: "1",
          signature: signed.signature,
        };
        expect((await http(a.url, "POST", "/attestations", JSON.stringify(body))).status).to.equal(201);
      }
      const wrong = { ...(await submission(s, s.op3, s.t2, s.c2)), kind: "request", requestId: "1" };
      expect((await http(a.url, "POST", "/attestations", JSON.stringify(wrong))).status).to.be.oneOf([404, 422]);
      await a.trySubmit(subject);
      expect(a.db.subject(subject)?.status).to.equal("collecting");
      expect((await s.ledger.requestOf(1n)).status).to.equal(1n); // Open
      await s.ledger.connect(s.member).respondToRequest(1n, []);
      await a.trySubmit(subject);
      expect((await s.ledger.requestOf(1n)).status).to.equal(3n); // Finalized
      expect(a.db.subject(subject)?.status).to.equal("finalized");
    });

    it("never submits a subject that was finalized elsewhere", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const subject = setSubject(s.member.address, s.t1);
      const att = {
        subject,
        verdict: Verdict.Solvent,
        rootsDigest: rootsDigest(s.c1),
        blobDigest: setBlobDigest(s.c1),
      };
      const domain = ledgerDomain(s.chainId, s.d.ledger);
      const sigs = packSignatures(await Promise.all([s.op1, s.op2].map((o) => signAttestation(o, domain, att))));
      await s.ledger.attestCommitment(s.member.address, s.t1, Verdict.Solvent, att.rootsDigest, att.blobDigest, sigs);
      const a = await start(s);
      const before = await ethers.provider.getTransactionCount(s.submitter.address);
      for (const op of [s.op1, s.op2, s.op3]) {
        await http(a.url, "POST", "/attestations", JSON.stringify(await submission(s, op, s.t1, s.c1)));
      }
      await a.trySubmit(subject);
      expect(a.db.subject(subject)?.status).to.equal("finalized");
      expect(a.db.subject(subject)?.txHash).to.equal(null);
      expect(await ethers.provider.getTransactionCount(s.submitter.address)).to.equal(before);
    });
  });
});
