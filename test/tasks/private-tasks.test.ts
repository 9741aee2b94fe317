// The member's private-mode tasks on the in-process Hardhat EDR chain with real proofs and real X25519 keys:
// `snapshot --private` (the summary holds each root's two children), `ledger commit` of that snapshot (proven,
// blobs encrypted to the registry's recipients at t, stored, openings written, `commitPrivate`), an operator's check
// of the committed set, `ledger status` showing the private set and what its solvency means, a user's record checked
// against a private set (the root hash, not the hidden sum), and `ledger respond` answering a back-in-time request
// privately; unhappy paths refused before anything is sent. An auditor samples a private set: it registers an
// encryption key, the blob is sealed to it, `audit open` (the member) and `audit check` (the auditor) open it and
// draw the slots from its leaves.
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { hexlify } from "ethers";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { TaskOutput } from "../../src/client/index.js";
import { Verdict, expectedRootOf, publishedTree } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { encryptKeystore, generateMemberKeys, writeKeystoreFile } from "../../src/keys/index.js";
import { PASSWORD_ENV } from "../../src/keys/password.js";
import { localBlobSource, silentLogger, verifySubject } from "../../src/node/index.js";
import { buildPoa } from "../../src/poa/index.js";
import {
  blobRecipientsAt,
  generateEncryptionKey,
  isPrivateBlob,
  type EncryptionKeyPair,
} from "../../src/private/index.js";
import { readRecordFile, verifyRecordFile } from "../../src/records/file.js";
import { ledgerCommit } from "../../tasks/commit-roots.js";
import { ledgerStatus } from "../../tasks/ledger-status.js";
import { ledgerRespond } from "../../tasks/respond-request.js";
import { snapshot } from "../../tasks/snapshot.js";
import { auditCheck } from "../../tasks/audit-check.js";
import { auditOpen } from "../../tasks/audit-open.js";
import { auditSample } from "../../tasks/audit-sample.js";
import { auditSeed } from "../../tasks/audit-seed.js";
import { operatorEncryptionKeyRegister } from "../../tasks/operator-encryption-key.js";
import { expectTaskError, testClient } from "../helpers/client.js";
import { expectRejectContaining } from "../helpers/expect.js";
import {
  E18,
  ETH,
  deploy,
  fundedWallet,
  onboard,
  registerKeyPoint,
  registerReserve,
  writeDeploymentDir,
  type Conn,
} from "../node/fixture.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;
const PASSWORD = "private-tasks-password";

describe("private-mode tasks: snapshot --private, ledger commit, status, respond, a user's check", function () {
  this.timeout(600_000);
  let crypto: Crypto;
  let dir: string;
  const previousPassword = process.env[PASSWORD_ENV];

  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
    dir = await mkdtemp(join(tmpdir(), "por-private-tasks-"));
    process.env[PASSWORD_ENV] = PASSWORD;
  });
  after(async function () {
    if (previousPassword === undefined) delete process.env[PASSWORD_ENV];
    else process.env[PASSWORD_ENV] = previousPassword;
    await releaseCurves();
    await crypto.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A deployment, the member (account 1) with its record key and a 10-unit reserve wallet, two keyed operators. */
  async function setup() {
    const d = await deploy(conn, "PrivateTasks", "MockLeafMismatchVerifier");
    const [, member, requester] = await ethers.getSigners();
    await onboard(conn, d, member, 2n * E18);
    const registry = await ethers.getContractAt("ConsortiumRegistry", d.registry);
    const operators = [];
    const keys: EncryptionKeyPair[] = [];
    for (let i = 0; i < 2; i++) {
      const w = await fundedWallet(conn, 5n * E18);
      await onboard(conn, d, w, 2n * E18);
      const k = generateEncryptionKey();
      await (
        await registry.connect(w).registerEncryptionKey(k.publicKey, BigInt(await networkHelpers.time.latest()) + 5n)
      ).wait();
      operators.push(w);
      keys.push(k);
    }
    const memberKeys = generateMemberKeys();
    await registerKeyPoint(conn, d, crypto, member, crypto.publicKey(memberKeys.recordKey));
    const reserve = await fundedWallet(conn, 10n * E18);
    await registerReserve(conn, d, member, reserve);
    const work = await mkdtemp(join(dir, "run-"));
    const keystore = join(work, "member.keystore.json");
    await writeKeystoreFile(
      keystore,
      await encryptKeystore(crypto, memberKeys, member.address, PASSWORD, { N: 1024, r: 8, p: 1 }),
    );
    await writeFile(
      join(work, "assets.json"),
      JSON.stringify({
        format: "por.assets",
        version: 1,
        assets: [{ id: ETH, symbol: "ETH", chainId: 31337, token: "0x" + "00".repeat(20), decimals: 18 }],
      }),
    );
    await writeFile(
      join(work, "ledger.csv"),
      ["account_id,asset,balance,payout", `alice,ETH,${2n * E18},`, `bob,ETH,${3n * E18},`].join("\n") + "\n",
    );
    const deployment = await writeDeploymentDir(join(work, "deployment"), d);
    const blobDir = join(work, "blobs");
    await (await import("node:fs/promises")).mkdir(blobDir);
    return { d, member, requester, operators, keys, reserve, work, keystore, deployment, blobDir };
  }
  type Setup = Awaited<ReturnType<typeof setup>>;

  /** `snapshot --private` at the latest block's time (then a block later), and the member's PoA at t in a file. */
  async function privateSnapshot(s: Setup, name: string): Promise<{ t: bigint; summaryDir: string; poaFile: string }> {
    await networkHelpers.time.increase(60);
    const t = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.increase(10);
    await networkHelpers.mine(1);
    const lines: string[] = [];
    await snapshot(new TaskOutput(false, (l) => lines.push(l)), {
      ledger: join(s.work, "ledger.csv"),
      assets: join(s.work, "assets.json"),
      keystore: s.keystore,
      time: t,
      out: join(s.work, name),
      depth: 32,
      slotBits: 0,
      noRecords: false,
      recordFiles: true,
      private: true,
      json: false,
    });
    expect(lines[0]).to.contain("(private mode: commit it with ledger commit --poa --blob-dir)");
    const summaryDir = join(s.work, name, `${s.member.address.toLowerCase()}-${t}`);
    const poa = await buildPoa({
      provider: ethers.provider,
      ledger: s.d.ledger,
      reserveRegistry: s.d.reserveRegistry,
      registry: s.d.registry,
      member: s.member.address,
      t,
      assets: [ETH],
      signers: [s.reserve],
    });
    const poaFile = join(s.work, `${name}-poa.json`);
    await writeFile(poaFile, JSON.stringify(poa));
    return { t, summaryDir, poaFile };
  }

  it("commit a private snapshot, see it checked, shown and verified by a user; answer a request privately", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { t, summaryDir, poaFile } = await privateSnapshot(s, "snap1");
    const summary = JSON.parse(await readFile(join(summaryDir, "summary.json"), "utf8")) as {
      private?: boolean;
      assets: Array<{ rootChildren?: Record<string, string> }>;
    };
    expect(summary.private).to.equal(true);
    expect(Object.keys(summary.assets[0].rootChildren ?? {})).to.deep.equal(["hL", "sL", "hR", "sR"]);

    // Unhappy paths first: nothing is sent.
    const m = await testClient(ethers, s.member.address, s.deployment);
    await expectTaskError(ledgerCommit(m.ctx, { summary: summaryDir, blobDir: s.blobDir }), "needs --poa");
    await expectTaskError(
      ledgerCommit(m.ctx, { summary: summaryDir, poa: poaFile, blobDir: s.blobDir, reserves: "1=5" }),
      "drop --reserves",
    );
    await expectTaskError(ledgerCommit(m.ctx, { summary: summaryDir, poa: poaFile }), "needs --blob-dir");
    const other = await testClient(ethers, s.requester.address, s.deployment);
    await expectTaskError(
      ledgerCommit(other.ctx, { summary: summaryDir, poa: poaFile, blobDir: s.blobDir }),
      "snapshot; the account is",
    );

    await ledgerCommit(m.ctx, { summary: summaryDir, poa: poaFile, blobDir: s.blobDir });
    const text = m.lines.join("\n");
    expect(text).to.contain(`member ${s.member.address}, t ${t}, 1 private asset(s)`);
    expect(text).to.match(
      /asset 1: rootHash \d+, totals hidden \(C_A, C_L, C_S\), blob 0x[0-9a-f]{64} encrypted to 2 operator\(s\)/,
    );
    expect(text).to.contain("commitPrivate");
    const ledger = await ethers.getContractAt("CommitmentLedger", s.d.ledger);
    const set = await ledger.setOf(s.member.address, t);
    expect(set.isPrivate).to.equal(true);
    // The stored blob is ciphertext; the openings file holds the secret openings and the proofs.
    const openings = JSON.parse(await readFile(join(summaryDir, "private-openings-31337.json"), "utf8")) as {
      assets: Array<{ blobDigest: string; openings: Record<string, string>; recipients: string[] }>;
    };
    const stored = await localBlobSource(new LocalBlobStore(s.blobDir)).fetch(openings.assets[0].blobDigest, {
      member: s.member.address,
      t,
      asset: ETH,
    });
    expect(isPrivateBlob(stored)).to.equal(true);
    expect(BigInt(openings.assets[0].openings.liabilities)).to.equal(5n * E18);
    expect(BigInt(openings.assets[0].openings.assets)).to.equal(10n * E18);
    expect(openings.assets[0].recipients).to.deep.equal(s.operators.map((w) => w.address));
    // Committed once: a second commit is refused before anything is proven or written.
    await expectTaskError(
      ledgerCommit(m.ctx, { summary: summaryDir, poa: poaFile, blobDir: s.blobDir }),
      "already committed a set at t",
    );

    // An operator opens and checks the committed set.
    const v = await verifySubject(
      {
        provider: ethers.provider,
        chainId: 31337n,
        addresses: {
          ledger: s.d.ledger,
          registry: s.d.registry,
          reserveRegistry: s.d.reserveRegistry,
          adjudicator: s.d.adjudicator,
        },
        crypto,
        blobs: localBlobSource(new LocalBlobStore(s.blobDir)),
        depth: 32,
        log: silentLogger,
        privateKeys: { operator: s.operators[0].address, encryptionKey: s.keys[0] },
      },
      { kind: "set", member: s.member.address, t, requestId: 0n },
    );
    expect(v.verdict, v.reasons.join("; ")).to.equal(Verdict.Solvent);

    // ledger status: the set is private, its totals hidden, and what "solvent" means.
    const st = await testClient(ethers, "", s.deployment);
    await ledgerStatus(st.ctx, { member: s.member.address, limit: 5 });
    const status = st.lines.join("\n");
    expect(status).to.contain(
      `t ${t}: Pending (private: solvent in its commitments (proofs verified on-chain), reserves not yet attested)`,
    );
    expect(status).to.match(/asset 1: rootHash \d+ totals hidden \(A >= L proven on-chain\)/);

    // A user's record file against the private set: the root hash is compared, not the hidden (zero) sum.
    const recordsDir = join(summaryDir, "records", String(ETH));
    const file = await readRecordFile(join(recordsDir, (await readdir(recordsDir))[0]));
    const published = await publishedTree(
      ethers.provider,
      { ledger: s.d.ledger, registry: s.d.registry },
      s.member.address,
      ETH,
      t,
    );
    expect(published.isPrivate).to.equal(true);
    const verdict = verifyRecordFile(crypto, file, { root: expectedRootOf(published), keyHash: published.keyHash });
    expect(verdict.ok, verdict.summary).to.equal(true);
    expect(verdict.checks.find((c) => c.name === "published root")?.detail).to.contain(
      "a private set: its sum is hidden",
    );
    // Comparing with the entry's zero sum (as before) fails: that is what expectedRootOf avoids.
    expect(verifyRecordFile(crypto, file, { root: published.root }).ok).to.equal(false);

    // A back-in-time request for an uncommitted t, answered privately.
    const later = await privateSnapshot(s, "snap2");
    await (await ledger.connect(s.requester).requestProof(s.member.address, later.t)).wait();
    const requested = await ledger.queryFilter(ledger.filters.ProofRequested(undefined, s.member.address));
    const requestId = requested.at(-1)!.args.requestId;
    const r = await testClient(ethers, s.member.address, s.deployment);
    await ledgerRespond(r.ctx, {
      request: requestId,
      summary: later.summaryDir,
      poa: later.poaFile,
      blobDir: s.blobDir,
    });
    expect(r.lines.join("\n")).to.contain(`answers request ${requestId} (t ${later.t}) with a private set`);
    expect(r.lines.join("\n")).to.contain("respondToRequestPrivate");
    expect((await ledger.setOf(s.member.address, later.t)).isPrivate).to.equal(true);
    expect((await ledger.requestOf(requestId)).status).to.equal(2n); // Answered
  });

  it("an auditor samples a private set: its encryption key registered, the blob sealed to it, audit open and check", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const signers = await ethers.getSigners();
    const [governance] = signers;
    // Hardhat accounts (the tasks sign as --from): an auditor and an account that is neither auditor nor operator.
    const [auditor, stranger] = [signers[12], signers[13]];
    const registry = await ethers.getContractAt("ConsortiumRegistry", s.d.registry);
    await (await registry.connect(governance).grantRole(await registry.AUDITOR_ROLE(), auditor.address)).wait();
    // The auditor and the member's own operator register encryption keys with the task (POR_ENCRYPTION_KEY).
    const hex = (k: EncryptionKeyPair) => hexlify(k.privateKey);
    const auditorKey = generateEncryptionKey();
    const memberKey = generateEncryptionKey();
    const as = (from: string, key: EncryptionKeyPair) =>
      testClient(ethers, from, s.deployment, { variables: { POR_ENCRYPTION_KEY: hex(key) } });
    // Not an operator nor an auditor: refused by the registry.
    await expectRejectContaining(
      operatorEncryptionKeyRegister(
        (await as(stranger.address, auditorKey)).ctx,
        { validFrom: 0n },
        "POR_ENCRYPTION_KEY",
      ),
      "registerEncryptionKey failed: ConsortiumRegistry: wrong status",
    );
    const a = await as(auditor.address, auditorKey);
    await operatorEncryptionKeyRegister(a.ctx, { validFrom: 0n }, "POR_ENCRYPTION_KEY");
    await operatorEncryptionKeyRegister(
      (await as(s.member.address, memberKey)).ctx,
      { validFrom: 0n },
      "POR_ENCRYPTION_KEY",
    );
    await networkHelpers.time.increase(200); // both keys in force before t
    const { t, summaryDir, poaFile } = await privateSnapshot(s, "sampled");
    const recipients = await blobRecipientsAt(ethers.provider, s.d.registry, t);
    expect(recipients.map((r) => r.operator)).to.deep.equal([
      ...s.operators.map((w) => w.address),
      auditor.address,
      s.member.address,
    ]);
    const m = await testClient(ethers, s.member.address, s.deployment);
    await ledgerCommit(m.ctx, { summary: summaryDir, poa: poaFile, blobDir: s.blobDir });
    expect(m.lines.join("\n")).to.match(/encrypted to 4 operator\(s\)/);
    const [{ blobDigest }] = (
      JSON.parse(await readFile(join(summaryDir, "private-openings-31337.json"), "utf8")) as {
        assets: Array<{ blobDigest: string }>;
      }
    ).assets;
    const blob = new LocalBlobStore(s.blobDir).pathOf(blobDigest.toLowerCase());

    await auditSample(a.ctx, { member: s.member.address, t, asset: ETH, size: 2 });
    await networkHelpers.mine(3);
    await auditSeed((await testClient(ethers, s.requester.address, s.deployment)).ctx, { sample: 1n });
    // The member opens the sampled accounts: its operator's key opens the blob, whose leaves give the slots.
    const opened = join(s.work, "opened");
    const mo = await as(s.member.address, memberKey);
    await auditOpen(mo.ctx, { sample: 1n, blob, records: summaryDir, out: opened }, "POR_ENCRYPTION_KEY");
    expect(mo.lines.join("\n")).to.contain("sample 1: 2 of 2 sampled account(s)");
    // Unhappy paths: no key configured; a key that is not a recipient's; the entry digest instead of the blob's.
    await expectTaskError(
      auditCheck((await testClient(ethers, auditor.address, s.deployment)).ctx, {
        sample: 1n,
        blob,
        records: opened,
        report: false,
      }),
      "configuration variable POR_ENCRYPTION_KEY is not set",
    );
    await expectTaskError(
      auditCheck((await as(s.requester.address, generateEncryptionKey())).ctx, {
        sample: 1n,
        blob,
        records: opened,
        report: false,
      }),
      "is not a recipient of this private blob",
    );
    await expectTaskError(
      auditCheck((await as(auditor.address, generateEncryptionKey())).ctx, {
        sample: 1n,
        blob,
        records: opened,
        report: false,
      }),
      "does not authenticate",
    );
    const wrong = join(s.work, "not-the-blob.bin");
    await writeFile(wrong, new Uint8Array([1, 2, 3]));
    await expectTaskError(
      auditCheck(a.ctx, { sample: 1n, blob: wrong, records: opened, report: false }),
      "not the DA blob the member committed",
    );
    // The auditor checks the opened records against the private set's root hash (its sum is hidden) and reports.
    const check = await as(auditor.address, auditorKey);
    await auditCheck(check.ctx, { sample: 1n, blob, records: opened, report: true }, "POR_ENCRYPTION_KEY");
    expect(check.lines.join("\n")).to.contain("sample 1: 2 of 2 opened, 0 failed a check");
    expect(check.lines.join("\n")).to.contain("SampleReported");
    const attestations = await ethers.getContractAt("Attestations", s.d.attestations);
    expect((await attestations.dutiesOf(s.member.address)).samplesOpened).to.equal(1n);
  });
});
