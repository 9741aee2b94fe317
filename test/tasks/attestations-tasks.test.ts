// The `interim` and `audit` task bodies (tasks/interim-*.ts, tasks/audit-*.ts over src/attestations) on the consortium
// deployed by its Ignition module, operators and auditor as Hardhat accounts: an IA posted for a real ether transfer,
// checked by the operators on the chain and settled by their quorum; IAs for a wrong amount, a transaction never sent
// and one reorged away judged missed at their deadline (and refused before it); an auditor sampling a real snapshot
// (records signed by the member's key, committed root), the member opening the accounts, the auditor checking them
// (one tampered record fails) and reporting; a reserve attestation with findings, its report in the local blob store.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, keccak256, type EventLog } from "ethers";
import { network } from "hardhat";

import { auditAttest } from "../../tasks/audit-attest.js";
import { auditCheck } from "../../tasks/audit-check.js";
import { auditOpen } from "../../tasks/audit-open.js";
import { auditOverdue } from "../../tasks/audit-overdue.js";
import { auditSample } from "../../tasks/audit-sample.js";
import { auditSeed } from "../../tasks/audit-seed.js";
import { interimAttest } from "../../tasks/interim-attest.js";
import { interimList } from "../../tasks/interim-list.js";
import { interimPost } from "../../tasks/interim-post.js";
import { interimSubmit } from "../../tasks/interim-submit.js";
import { ledgerStatus } from "../../tasks/ledger-status.js";
import {
  attestationsDomain,
  freeInterimSlots,
  interimRecordFromEvent,
  signInterimVerdict,
  signReserveAttestation,
  type InterimRecord,
} from "../../src/attestations/index.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { packSignatures } from "../../src/consortium/index.js";
import { loadCrypto } from "../../src/crypto/index.js";
import { generateMemberKeys } from "../../src/keys/index.js";
import { runSnapshot } from "../../src/snapshot/index.js";
import { PRODUCTION_DEPTH } from "../../src/tree/index.js";
import { ETH_ASSET, OPERATOR_STAKE, deployLedgerSystem, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { registerReserve } from "../node/fixture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const E18 = 10n ** 18n;

async function deployed() {
  const f = await deployLedgerSystem(connection, { operators: 0 });
  const signers = await ethers.getSigners();
  // Three co-signing operators the tasks can sign as (Hardhat accounts).
  const operators = [signers[7], signers[8], signers[9]];
  for (const o of operators) await f.onboard(o, OPERATOR_STAKE);
  const addresses = await fixtureAddresses(f);
  // The member pays its withdrawals from its own account, one of its reserve wallets.
  await registerReserve(connection, addresses, f.member, f.member);
  const dir = await deploymentDir(addresses);
  return { ...f, operators, dir };
}
type F = Awaited<ReturnType<typeof deployed>>;

/** An honest snapshot of `balances` (whole ETH) at `t`: its directory, leaves file, record key and commitment. */
async function honestSnapshot(dir: string, member: string, t: bigint, balances: bigint[]) {
  await mkdir(dir, { recursive: true });
  const assetsPath = join(dir, "assets.json");
  const ledgerPath = join(dir, "ledger.csv");
  const assets = [{ id: ETH_ASSET, symbol: "ETH", chainId: 31337, token: ZeroAddress, decimals: 18 }];
  await writeFile(assetsPath, JSON.stringify({ format: "por.assets", version: 1, assets }));
  const rows = balances.map((b, i) => `user${i},ETH,${b * E18},`);
  await writeFile(ledgerPath, ["account_id,asset,balance,payout", ...rows].join("\n") + "\n");
  const crypto = await loadCrypto({ threads: 0 });
  try {
    const { dir: out, summary } = await runSnapshot(crypto, {
      ledgerPath,
      assetsPath,
      keys: generateMemberKeys(),
      member,
      t,
      outDir: join(dir, "snapshots"),
      depth: PRODUCTION_DEPTH,
    });
    const a = summary.assets[0];
    const leavesFile = join(out, a.leavesFile);
    const rootSum = BigInt(a.rootSum);
    return {
      dir: out,
      leavesFile,
      key: {
        keyHash: BigInt(summary.recordKey.keyHash),
        ax: BigInt(summary.recordKey.Ax),
        ay: BigInt(summary.recordKey.Ay),
      },
      commitment: {
        asset: ETH_ASSET,
        rootHash: BigInt(a.rootHash),
        rootSum,
        reserves: rootSum + 1n,
        blobDigest: keccak256(await readFile(leavesFile)),
      },
    };
  } finally {
    await crypto.close();
  }
}

const client = (signer: HardhatEthersSigner, dir: string) => testClient(ethers, signer.address, dir);
const common = { json: false };

describe("attestation tasks", function () {
  this.timeout(300_000);
  let work: string;
  before(async function () {
    work = await mkdtemp(join(tmpdir(), "por-attestation-tasks-"));
  });
  after(async function () {
    await rm(work, { recursive: true, force: true });
    await releaseCurves();
  });

  /** Posts an IA as the member; returns its id. */
  async function post(f: F, fields: { amount: string; tx?: string; within?: bigint }): Promise<string> {
    const c = await client(f.member, f.dir);
    await interimPost(c.ctx, {
      ...common,
      asset: ETH_ASSET,
      amount: fields.amount,
      destination: f.user.address.toLowerCase(),
      tx: fields.tx,
      deadline: 0n,
      within: fields.within ?? 3_600n,
    });
    const line = c.lines.find((l) => l.startsWith("IA 0x"))!;
    return line.slice(3, 69);
  }

  /** Each operator checks and signs; returns the verdict files. */
  async function attestAll(f: F, id: string): Promise<string[]> {
    const files = [];
    for (const [i, o] of f.operators.entries()) {
      const out = join(work, `${id.slice(2, 10)}-${i}.json`);
      await interimAttest((await client(o, f.dir)).ctx, { ...common, interim: id, confirmations: 1, out });
      files.push(out);
    }
    return files;
  }

  it("settles an IA for a real ether transfer: post, list, each operator's check and signature, submit", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const sent = await f.member.sendTransaction({ to: f.user.address, value: 2n * E18 });
    const id = await post(f, { amount: "2", tx: sent.hash });
    const listed = await client(f.other, f.dir);
    await interimList(listed.ctx, { ...common, member: f.member.address, open: true });
    expect(listed.lines.join("\n")).to.contain(`${id}: ${f.member.address} asset 1 #1: ${2n * E18} base units`);
    expect(listed.lines.join("\n")).to.contain("1 IA(s) open");
    const files = await attestAll(f, id);
    const verdict = JSON.parse(await readFile(files[0], "utf8"));
    expect([verdict.format, verdict.settled]).to.deep.equal(["por.interim-verdict", true]);
    const submit = await client(f.other, f.dir);
    await interimSubmit(submit.ctx, { ...common, files });
    expect(submit.lines.join("\n")).to.contain("InterimAttested");
    const after = await client(f.other, f.dir);
    await interimList(after.ctx, { ...common, member: f.member.address, open: false });
    expect(after.lines.join("\n")).to.contain(": Settled");
    expect((await f.attestations.dutiesOf(f.member.address)).interimsSettled).to.equal(1n);
  });

  it("judges missed at the deadline, and refuses to judge before it: a wrong amount, a transaction never sent, one reorged away", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const wrong = await f.member.sendTransaction({ to: f.user.address, value: E18 });
    const wrongId = await post(f, { amount: "2", tx: wrong.hash });
    const neverId = await post(f, { amount: "1", tx: keccak256("0x1234") });
    // Reorged away: the transaction is mined, then the chain goes back to before it.
    const snapshot = await networkHelpers.takeSnapshot();
    const reorged = await f.member.sendTransaction({ to: f.user.address, value: E18 });
    await reorged.wait();
    await snapshot.restore();
    const reorgId = await post(f, { amount: "1", tx: reorged.hash });
    await expectTaskError(
      interimAttest((await client(f.operators[0], f.dir)).ctx, { ...common, interim: wrongId, confirmations: 1 }),
      "cannot be judged yet",
    );
    await time.increase(3_601);
    for (const [id, reason] of [
      [wrongId, `sends ${E18} wei, not ${2n * E18}`],
      [neverId, "is not on the chain (never sent, or reorged away)"],
      [reorgId, "is not on the chain (never sent, or reorged away)"],
    ]) {
      const files = await attestAll(f, id);
      const verdict = JSON.parse(await readFile(files[0], "utf8"));
      expect(verdict.settled, id).to.equal(false);
      expect(verdict.reason).to.contain(reason);
      await interimSubmit((await client(f.other, f.dir)).ctx, { ...common, files });
    }
    const duties = await f.attestations.dutiesOf(f.member.address);
    expect(duties.interimsMissed).to.equal(3n);
    await expectTaskError(
      interimAttest((await client(f.operators[0], f.dir)).ctx, { ...common, interim: wrongId, confirmations: 1 }),
      "is Missed: it takes no verdict",
    );
    // Mixed verdict files are refused before anything is sent.
    await expectTaskError(interimSubmit((await client(f.other, f.dir)).ctx, { ...common, files: [] }), "are required");
  });

  it("refuses a bad IA before sending: unlisted asset, missing destination, a bad file entry", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const c = await client(f.member, f.dir);
    const base = { ...common, amount: "1", destination: f.user.address, deadline: 0n, within: 3_600n };
    await expectTaskError(interimPost(c.ctx, { ...base, asset: 99 }), "asset 99 is not listed");
    await expectTaskError(interimPost(c.ctx, { ...base, asset: ETH_ASSET, destination: undefined }), "--destination");
    await expectTaskError(
      interimPost(c.ctx, { ...base, asset: ETH_ASSET }),
      "--tx <the withdrawal's transaction hash>",
    );
    const file = join(work, "withdrawals.json");
    await writeFile(
      file,
      JSON.stringify([
        { asset: ETH_ASSET, amount: "1", destination: f.user.address, tx: keccak256("0x01"), within: 600 },
        { asset: ETH_ASSET, amount: "-1", destination: f.user.address, tx: keccak256("0x02"), within: 600 },
      ]),
    );
    await expectTaskError(interimPost(c.ctx, { ...base, asset: 0, file }), "entry 1: --amount");
    // Nothing of the file was posted.
    expect((await f.attestations.assetBookOf(f.member.address, ETH_ASSET)).seq).to.equal(0n);
  });

  it("posts a file of withdrawals in one batched transaction, in order", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const c = await client(f.member, f.dir);
    const file = join(work, "batch.json");
    await writeFile(
      file,
      JSON.stringify(
        [1, 2, 3].map((i) => ({
          asset: ETH_ASSET,
          amount: String(i),
          destination: f.user.address,
          tx: keccak256(`0x0${i}`),
          within: 600,
        })),
      ),
    );
    const block = await ethers.provider.getBlockNumber();
    await interimPost(c.ctx, { ...common, asset: 0, deadline: 0n, within: 3_600n, file });
    expect(c.lines.filter((l) => l.startsWith("IA 0x"))).to.have.length(3);
    expect(c.lines.join("\n")).to.contain("seq 3 of asset 1");
    const book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
    expect([book.seq, book.cumulative]).to.deep.equal([3n, 6n * E18]);
    // One transaction for the three.
    expect((await ethers.provider.getBlockNumber()) - block).to.equal(1);
  });

  it("puts IAs into the slots of IAs judged and accounted for by an RA, oldest first; the list keeps their verdicts", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
    const posted: InterimRecord[] = [];
    for (const i of [1, 2, 3]) {
      await post(f, { amount: String(i), tx: keccak256(`0x1${i}`) });
      const logs = await f.attestations.queryFilter(f.attestations.filters.InterimPosted(undefined, f.member.address));
      posted.push(interimRecordFromEvent(logs.at(-1)! as unknown as EventLog));
    }
    // The operators settle the first two (signed as the node would); an RA accounts for all three.
    for (const record of posted.slice(0, 2)) {
      const signatures = packSignatures(
        await Promise.all(
          [...f.operators]
            .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
            .map((o) => signInterimVerdict(o, domain, record, true)),
        ),
      );
      await f.attestations.attestInterim(record, true, signatures);
    }
    const chain = await f.attestations.auditorChainOf(f.member.address, f.auditor.address);
    const ra = {
      member: f.member.address,
      auditor: f.auditor.address,
      periodStart: chain.lastPeriodEnd,
      periodEnd: BigInt(await time.latest()),
      nonce: chain.nonce,
      findings: { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 },
      reportDigest: keccak256("0x01"),
      reserves: [{ asset: ETH_ASSET, reserves: 100n * E18, throughSeq: 3n }],
    };
    await time.increase(1);
    await f.attestations.postReserveAttestation(ra, [posted[2]], await signReserveAttestation(f.auditor, domain, ra));
    // Three withdrawals: two take the settled IAs' slots (1 and 2), the third a new one.
    const c = await client(f.member, f.dir);
    const file = join(work, "into.json");
    const withdrawals = [4, 5, 6].map((i) => ({
      asset: ETH_ASSET,
      amount: String(i),
      destination: f.user.address,
      tx: keccak256(`0x2${i}`),
      within: 600,
    }));
    await writeFile(file, JSON.stringify(withdrawals));
    await interimPost(c.ctx, { ...common, asset: 0, deadline: 0n, within: 3_600n, file });
    const lines = c.lines.filter((l) => l.startsWith("IA 0x"));
    expect(lines.map((l) => l.replace(/^IA 0x[0-9a-f]{64}: /, "").replace(/due \d+/, "due T"))).to.deep.equal([
      "seq 4 of asset 1, due T (into the slot of seq 1)",
      "seq 5 of asset 1, due T (into the slot of seq 2)",
      "seq 6 of asset 1, due T",
    ]);
    const book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
    expect([book.seq, book.cumulative]).to.deep.equal([6n, 21n * E18]);
    // No free slot left: the next withdrawal takes a new one.
    expect(await freeInterimSlots(f.attestations, f.member.address, ETH_ASSET, 0)).to.deep.equal([]);
    const listed = await client(f.other, f.dir);
    await interimList(listed.ctx, { ...common, member: f.member.address, open: false });
    const text = listed.lines.join("\n");
    expect(text.match(/: Settled/g)).to.have.length(2);
    expect(text.match(/: Open/g)).to.have.length(3);
  });

  it("samples a committed snapshot: the member opens the accounts, the auditor checks them and reports; then attests reserves", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const now = BigInt(await time.latest());
    const t = now + 7_200n;
    const snap = await honestSnapshot(join(work, "snap"), f.member.address, t, [2n, 1n, 3n, 4n, 5n, 6n]);
    await f.registry.connect(f.member).registerKey(snap.key.keyHash, snap.key.ax, snap.key.ay, now + 3_600n);
    await time.increaseTo(t + 40n);
    await f.ledger.connect(f.member).commit(t, [snap.commitment]);

    const sample = await client(f.auditor, f.dir);
    await auditSample(sample.ctx, { ...common, member: f.member.address, t, asset: ETH_ASSET, size: 3 });
    await networkHelpers.mine(3);
    await auditSeed((await client(f.other, f.dir)).ctx, { ...common, sample: 1n });
    const opened = join(work, "opened");
    const open = await client(f.member, f.dir);
    await auditOpen(open.ctx, {
      ...common,
      sample: 1n,
      blob: snap.leavesFile,
      records: snap.dir,
      out: opened,
    });
    expect(open.lines.join("\n")).to.contain("3 of 3 sampled account(s)");
    const check = await client(f.auditor, f.dir);
    await auditCheck(check.ctx, {
      ...common,
      sample: 1n,
      blob: snap.leavesFile,
      records: opened,
      report: true,
    });
    expect(check.lines.join("\n")).to.contain("3 of 3 opened, 0 failed a check");
    expect(check.lines.join("\n")).to.contain("SampleReported");
    expect((await f.attestations.dutiesOf(f.member.address)).samplesOpened).to.equal(1n);

    // A second sample with one opened record tampered: it fails the auditor's check.
    await auditSample((await client(f.auditor, f.dir)).ctx, {
      ...common,
      member: f.member.address,
      t,
      asset: ETH_ASSET,
      size: 2,
    });
    await networkHelpers.mine(3);
    await auditSeed((await client(f.other, f.dir)).ctx, { ...common, sample: 2n });
    const opened2 = join(work, "opened2");
    await auditOpen((await client(f.member, f.dir)).ctx, {
      ...common,
      sample: 2n,
      blob: snap.leavesFile,
      records: snap.dir,
      out: opened2,
    });
    const first = join(opened2, (await readdir(opened2))[0]);
    const json = JSON.parse(await readFile(first, "utf8"));
    json.record.balance = (BigInt(json.record.balance) + 1n).toString();
    await writeFile(first, JSON.stringify(json));
    const check2 = await client(f.auditor, f.dir);
    await auditCheck(check2.ctx, {
      ...common,
      sample: 2n,
      blob: snap.leavesFile,
      records: opened2,
      report: false,
    });
    expect(check2.lines.join("\n")).to.contain("2 of 2 opened, 1 failed a check");
    // The wrong blob is refused.
    await expectTaskError(
      auditCheck((await client(f.auditor, f.dir)).ctx, {
        ...common,
        sample: 2n,
        blob: first,
        records: opened2,
        report: false,
      }),
      "not the DA blob the member committed",
    );

    // The reserve attestation: report to the local blob store, findings, signed and posted.
    const report = join(work, "report.txt");
    await writeFile(report, "Audit of the member's reserves: accounted for; two minor findings.\n");
    const attest = await client(f.auditor, f.dir);
    await auditAttest(attest.ctx, {
      ...common,
      member: f.member.address,
      reserves: "1=20",
      findings: "0,0,1,1",
      score: 9_500,
      sampleSize: 5,
      sampleFailures: 1,
      periodEnd: 0n,
      report,
      blobDir: join(work, "blobs"),
    });
    expect(attest.lines.join("\n")).to.contain("ReserveAttested");
    expect((await f.attestations.auditStateOf(f.member.address)).count).to.equal(1n);
    const [attested] = await f.attestations.queryFilter(f.attestations.filters.ReserveAttested(f.member.address));
    const posted = attested.args.findings;
    expect([posted.medium, posted.low, posted.score, posted.sampleFailures]).to.deep.equal([1n, 1n, 9_500n, 1n]);
    // 250 + 50 + (10000 - 9500) x 5000 / 10000 = 550 bps on the member's reputation.
    expect((await f.reputation.partsOf(f.member.address)).findingsPenaltyBps).to.equal(550n);
    const [expected] = await f.attestations.expectedReserves(f.member.address, ETH_ASSET);
    expect(expected).to.equal(20n * E18);
    const status = await client(f.other, f.dir);
    await ledgerStatus(status.ctx, { ...common, member: f.member.address, limit: 1 });
    const text = status.lines.join("\n");
    expect(text).to.contain("RAs on time 1, overdue 0; samples opened 1, missed 0");
    expect(text).to.contain("reserve attestations: 1, last period end");
    expect(text).to.match(/findings penalty [1-9][0-9]* bps/);
    await expectTaskError(
      auditOverdue((await client(f.other, f.dir)).ctx, { ...common, member: f.member.address }),
      "not overdue",
    );
    await expectTaskError(
      auditAttest((await client(f.auditor, f.dir)).ctx, {
        ...common,
        member: f.member.address,
        reserves: "1=20",
        findings: "0,0,1",
        score: 9_500,
        sampleSize: 0,
        sampleFailures: 0,
        periodEnd: 0n,
        report,
        blobDir: join(work, "blobs"),
      }),
      "give four counts",
    );
  });
});
