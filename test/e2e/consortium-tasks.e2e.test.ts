// The consortium tasks run in-process against a deployment made with the Ignition module and the generated
// fraud-proof verifier: ledger commit from an engine summary (a real snapshot whose published tree omits a user),
// quorum attest by three operators, quorum submit, ledger request-proof, ledger report-missed-deadline (too early:
// a decoded custom error and a non-zero exit code), fraud submit from the prover's por.fraud-proof file (a real
// Groth16 proof; the claim is booked to the payout hash in bob's record), claim pay once the claim round has closed
// (the Adjudicator settles the round from the member's restitution pool and pays bob's payout address, with the
// opening from his record file, read from the proof and record files), ledger status (text and --json).
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256 } from "ethers";
import { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { buildConsortiumModule, FRAUD_VERIFIER } from "../../deploy/Consortium.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { CONSORTIUM_FUTURES, TaskOutput, clientOf } from "../../src/client/index.js";
import { bookedClaim, publishedTree, setSubject } from "../../src/consortium/index.js";
import { settlementOf } from "../contracts/ledger-fixture.js";
import { omissionSnapshot, proveOmission } from "./omission-fraud.js";
import attest from "../../tasks/attest.js";
import commitRoots from "../../tasks/commit-roots.js";
import { claimPay } from "../../tasks/claim-pay.js";
import ledgerStatus from "../../tasks/ledger-status.js";
import reportMissedDeadline from "../../tasks/report-missed-deadline.js";
import requestProof from "../../tasks/request-proof.js";
import respondRequest from "../../tasks/respond-request.js";
import submitFraud from "../../tasks/submit-fraud.js";
import submitQuorum from "../../tasks/submit-quorum.js";
import verifyRecord from "../../tasks/verify-record.js";
import { captureTask } from "../helpers/capture.js";

const connection = await network.create();
const { ethers, ignition, networkHelpers } = connection;
const E18 = 10n ** 18n;

const capture = captureTask;

async function setup() {
  const d = await ignition.deploy(buildConsortiumModule("ConsortiumTasks", FRAUD_VERIFIER), {
    parameters: { ConsortiumTasks: { responseWindow: 3_600n, quorumWeight: 6n * E18, minSigners: 3n } },
  });
  const dir = await mkdtemp(join(tmpdir(), "por-tasks-"));
  const deployment = join(dir, "deployment");
  await mkdir(deployment);
  const addresses: Record<string, string> = {};
  for (const [key, future] of Object.entries(CONSORTIUM_FUTURES)) {
    addresses[`Consortium#${future}`] = await (d as Record<string, { getAddress(): Promise<string> }>)[
      key
    ].getAddress();
  }
  await writeFile(join(deployment, "deployed_addresses.json"), JSON.stringify(addresses));
  const hre = {
    network: { connect: async () => connection, getOrCreate: async () => connection },
    config: { paths: { root: dir, artifacts: join(process.cwd(), "artifacts") } },
  } as unknown as HardhatRuntimeEnvironment;

  const signers = await ethers.getSigners();
  const [governance, member, user] = signers;
  const operators = signers.slice(3, 6);
  const registry = await ethers.getContractAt("ConsortiumRegistry", addresses["Consortium#ConsortiumRegistry"]);
  const vault = await ethers.getContractAt("CollateralVault", addresses["Consortium#CollateralVault"]);
  for (const [account, stake] of [[member, 10n * E18], ...operators.map((o) => [o, 2n * E18] as const)] as const) {
    await registry.connect(account).applyForMembership(ethers.id("profile"));
    await registry.connect(governance).approveGenesis(account.address, ethers.id("genesis"));
    await vault.connect(account).deposit(account.address, ethers.ZeroAddress, stake, { value: stake });
    await registry.connect(governance).activate(account.address);
  }
  // The member's engine snapshot at t (base units: alice 1000, bob 1500, carol 2000); the tree it publishes and
  // commits omits bob, who registered a payout address with the member. Its record key is registered before t.
  const keyFrom = BigInt(await networkHelpers.time.latest()) + 5n;
  const t = keyFrom + 30n;
  const snapDir = join(dir, "engine");
  await mkdir(snapDir);
  const snap = await omissionSnapshot({
    workDir: snapDir,
    member: member.address,
    t,
    balances: { alice: 1_000n, bob: 1_500n, carol: 2_000n },
    victim: "bob",
    payouts: { bob: user.address },
  });
  await registry.connect(member).registerKey(snap.key.keyHash, snap.key.ax, snap.key.ay, keyFrom);
  await networkHelpers.time.increaseTo(t + 10n);

  // ledger commit reads the engine's summary: the member's doctored copy names the published tree and leaves.
  const summary = JSON.parse(await readFile(join(snap.dir, "summary.json"), "utf8")) as {
    assets: { rootHash: string; rootSum: string; leavesFile: string; leavesSha256: string }[];
  };
  await copyFile(snap.publishedLeavesFile, join(dir, "leaves-1.bin"));
  const leaves = await readFile(join(dir, "leaves-1.bin"));
  summary.assets[0].rootHash = snap.commitment.rootHash.toString();
  summary.assets[0].rootSum = snap.commitment.rootSum.toString();
  summary.assets[0].leavesFile = "leaves-1.bin";
  summary.assets[0].leavesSha256 = createHash("sha256").update(leaves).digest("hex");
  const summaryFile = join(dir, "summary.json");
  await writeFile(summaryFile, JSON.stringify(summary));
  const ledger = await ethers.getContractAt("CommitmentLedger", addresses["Consortium#CommitmentLedger"]);
  const adjudicator = await ethers.getContractAt("Adjudicator", addresses["Consortium#Adjudicator"]);
  return {
    hre,
    dir,
    deployment,
    member,
    user,
    operators,
    t,
    summaryFile,
    leaves,
    ledger,
    adjudicator,
    vault,
    snap,
    registry,
  };
}

describe("consortium tasks", function () {
  // One snapshot at D = 32 and one Groth16 proof.
  this.timeout(300_000);
  after(async function () {
    await releaseCurves();
  });
  it("commit, attest, submit a quorum, request, report too early, submit a fraud proof, show status", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const common = { deployment: s.deployment };

    const committed = await capture(() =>
      commitRoots({ ...common, from: "1", summary: s.summaryFile, reserves: "1=6000" }, s.hre),
    );
    expect(committed.code, committed.out).to.equal(0);
    expect(committed.out).to.match(/^tx 0x[0-9a-f]{64}/m);
    expect(committed.out).to.contain("event SetCommitted(");
    const logs = await s.ledger.queryFilter(s.ledger.filters.RootCommitted(s.member.address));
    expect(logs[0].args.blobDigest).to.equal(keccak256(s.leaves));
    expect(logs[0].args.reserves).to.equal(6000n);

    // The user checks the record against what the member published on-chain: the root omits them.
    const published = await publishedTree(
      s.ledger.runner,
      { ledger: await s.ledger.getAddress(), registry: await s.registry.getAddress() },
      s.member.address,
      1,
      s.t,
    );
    expect(published.root).to.deep.equal({ h: s.snap.commitment.rootHash, s: s.snap.commitment.rootSum });
    expect(published.keyHash).to.equal(s.snap.key.keyHash);
    const check = { deployment: s.deployment, chain: true, json: false };
    const victim = await capture(() => verifyRecord({ ...check, file: s.snap.victimRecordFile }, s.hre));
    expect(victim.code, victim.out).to.equal(1);

    const wrongMember = await capture(() =>
      commitRoots({ ...common, from: "2", summary: s.summaryFile, reserves: "1=6000" }, s.hre),
    );
    expect(wrongMember.code).to.equal(1);
    expect(wrongMember.out).to.contain("snapshot; the account is");

    const files: string[] = [];
    for (const [i, op] of s.operators.entries()) {
      const out = join(s.dir, `att-${i}.json`);
      const r = await capture(() =>
        attest(
          {
            ...common,
            from: op.address,
            member: s.member.address,
            t: s.t,
            request: 0n,
            verdict: "solvent",
            out,
          },
          s.hre,
        ),
      );
      expect(r.code, r.out).to.equal(0);
      expect(r.out).to.contain(setSubject(s.member.address, s.t));
      files.push(out);
    }
    const short = await capture(() => submitQuorum({ ...common, from: "", files: files.slice(0, 2) }, s.hre));
    expect(short.code).to.equal(1);
    expect(short.out).to.contain("CommitmentLedger: quorum not reached");
    const quorum = await capture(() => submitQuorum({ ...common, from: "", files }, s.hre));
    expect(quorum.code, quorum.out).to.equal(0);
    expect(quorum.out).to.contain("event QuorumAttested(");
    expect((await s.ledger.setOf(s.member.address, s.t)).status).to.equal(2n);

    const requested = await capture(() =>
      requestProof({ ...common, from: "2", member: s.member.address, t: s.t - 500n }, s.hre),
    );
    expect(requested.code, requested.out).to.equal(0);
    expect(requested.out).to.contain("event ProofRequested(");
    const early = await capture(() => reportMissedDeadline({ ...common, from: "2", request: 1n }, s.hre));
    expect(early.code).to.equal(1);
    expect(early.out).to.contain("CommitmentLedger: deadline not passed (requestId 1");

    // ledger respond: only the requested member answers; with no set at t it needs that snapshot's summary; with
    // the set committed it answers without one.
    const answer = (from: string, request: bigint, summary = "") =>
      capture(() => respondRequest({ ...common, from, request, summary }, s.hre));
    const notMine = await answer("2", 1n);
    expect(notMine.code).to.equal(1);
    expect(notMine.out).to.contain(`request 1 is addressed to ${s.member.address}`);
    const noSummary = await answer("1", 1n);
    expect(noSummary.code).to.equal(1);
    expect(noSummary.out).to.contain(`no set is committed for t ${s.t - 500n}: pass --summary`);
    const otherSnapshot = await answer("1", 1n, s.summaryFile);
    expect(otherSnapshot.code).to.equal(1);
    expect(otherSnapshot.out).to.contain(`is not member ${s.member.address}'s snapshot at t ${s.t - 500n}`);
    // With --json the new request's id is in the output; ledger respond reads it from that file.
    const second = await capture(() =>
      requestProof({ ...common, from: "2", member: s.member.address, t: s.t, json: true }, s.hre),
    );
    expect(second.code, second.out).to.equal(0);
    const requestJson = JSON.parse(second.out) as { requestId: string; transactions: Array<{ status: string }> };
    expect(requestJson.requestId).to.equal("2");
    expect(requestJson.transactions.map((x) => x.status)).to.deep.equal(["success"]);
    const requestFile = join(s.dir, "request.json");
    await writeFile(requestFile, second.out);
    const withSummary = await answer("1", 2n, s.summaryFile);
    expect(withSummary.code).to.equal(1);
    expect(withSummary.out).to.contain(`the set for t ${s.t} is already committed: answer without --summary`);
    const answered = await capture(() => respondRequest({ ...common, from: "1", request: 0n, requestFile }, s.hre));
    expect(answered.code, answered.out).to.equal(0);
    expect(answered.out).to.contain("answers request 2");
    expect(answered.out).to.contain("event RequestAnswered(");
    const twice = await answer("1", 2n);
    expect(twice.code).to.equal(1);
    expect(twice.out).to.contain("request 2 is not open: Answered");

    // Bob's record file and the published leaves through the prover: the por.fraud-proof file fraud submit reads.
    const { file } = await proveOmission(s.snap);
    const proofFile = join(s.dir, "fraud-proof.json");
    await writeFile(proofFile, JSON.stringify(file, null, 2));
    const fraud = await capture(() => submitFraud({ ...common, from: "2", proof: proofFile }, s.hre));
    expect(fraud.code, fraud.out).to.equal(0);
    expect(fraud.out).to.contain(
      `event FraudProven(member=${s.member.address}, nullifier=${file.publicSignals.nullifier}, asset=1, t=${s.t}, ` +
        `claim=1500, payoutHash=${file.publicSignals.payoutHash}, round=1, prover=`,
    );
    expect(file.publicSignals.payoutHash).to.equal(s.snap.victimPayoutHash.toString());
    expect(fraud.out).to.contain(`to payout hash ${file.publicSignals.payoutHash}, nullifier`);
    const again = await capture(() => submitFraud({ ...common, from: "2", proof: proofFile }, s.hre));
    expect(again.code).to.equal(1);
    expect(again.out).to.contain(
      `Adjudicator: nullifier spent (member ${s.member.address}, nullifier ${file.publicSignals.nullifier})`,
    );

    // claim pay: anyone pays bob's booked claim, once its claim round has closed, to the payout address his
    // record file opens (whoever sends it; the task takes the claim's terms from the FraudProven event). The first
    // payment settles the round: the claims reserved (up to 80% of the member's pool) and paid pro rata, the
    // insurance side taking 20% of what the round takes.
    const printed: string[] = [];
    const [, , , , , , payer] = await ethers.getSigners();
    const ctx = await clientOf(ethers, {
      deploymentDir: s.deployment,
      root: s.dir,
      artifactsDir: join(process.cwd(), "artifacts"),
      from: payer.address,
      out: new TaskOutput(false, (line) => printed.push(line)),
      readConfigVariable: () => Promise.reject(new Error("no variables")),
    });
    const adjudicatorAddress = await s.adjudicator.getAddress();
    const nullifier = BigInt(file.publicSignals.nullifier);
    const payout = s.snap.victimPayout;
    if (payout === null) throw new Error("bob's record file carries no payout opening");
    expect(payout.address).to.equal(s.user.address);
    const pay = {
      nullifier: file.publicSignals.nullifier,
      member: s.member.address,
      payout: payout.address,
      salt: payout.salt.toString(),
    };
    const open = await bookedClaim(ethers.provider, adjudicatorAddress, s.member.address, nullifier);
    expect(open?.status).to.equal("open");
    expect(open?.terms).to.deep.equal({ asset: 1, claim: 1_500n, round: 1, payoutHash: s.snap.victimPayoutHash });
    let tooEarly = "";
    await claimPay(ctx, pay).catch((e: unknown) => (tooEarly = (e as Error).message));
    expect(tooEarly).to.contain(`the claim's round is open until ${open?.closesAt} (Unix time`);
    await networkHelpers.time.increaseTo(open!.closesAt);
    const pool = await s.vault.restitutionOf(s.member.address, ethers.ZeroAddress);
    const { reserved, insurance } = settlementOf(pool, 1_500n, 2_000n);
    const share = (1_500n * reserved) / 1_500n;
    let wrong = "";
    await claimPay(ctx, { ...pay, payout: payer.address }).catch((e: unknown) => (wrong = (e as Error).message));
    expect(wrong).to.contain(
      `Restitution: wrong payout (member ${s.member.address}, nullifier ${nullifier}, payoutAddress ${payer.address})`,
    );
    const bobBefore = await ethers.provider.getBalance(s.user.address);
    // The member and nullifier from the proof file, the payout opening from bob's record file.
    await claimPay(ctx, { proof: proofFile, record: s.snap.victimRecordFile });
    expect(printed.join("\n")).to.contain(
      `event ClaimPaid(member=${s.member.address}, nullifier=${nullifier}, payoutAddress=${s.user.address}, ` +
        `token=${ethers.ZeroAddress}, amount=${share})`,
    );
    expect(printed.join("\n")).to.contain(
      `event RoundSettled(member=${s.member.address}, token=${ethers.ZeroAddress}, round=1, pool=${pool}, ` +
        `insurance=${insurance}, booked=1500, reserved=${reserved})`,
    );
    expect(printed.at(-1)).to.contain(`1500 paid to ${s.user.address}`);
    expect(await ethers.provider.getBalance(s.user.address)).to.equal(bobBefore + share);
    expect(await s.vault.restitutionOf(s.member.address, ethers.ZeroAddress)).to.equal(pool - insurance - reserved);
    const claim = await bookedClaim(ethers.provider, adjudicatorAddress, s.member.address, nullifier);
    expect(claim?.status).to.equal("paid");
    let paidTwice = "";
    await claimPay(ctx, pay).catch((e: unknown) => (paidTwice = (e as Error).message));
    expect(paidTwice).to.contain("the claim was already paid");

    const status = await capture(() => ledgerStatus({ ...common, member: s.member.address, limit: 5 }, s.hre));
    expect(status.code, status.out).to.equal(0);
    // Exactly the proven asset's row is marked, under the set of the proof's t.
    const lines = status.out.split("\n");
    const marked = lines.filter((l) => l.includes("FRAUD PROVEN"));
    expect(marked, status.out).to.have.length(1);
    const p = file.publicSignals;
    expect(marked[0]).to.contain(`asset ${p.asset}: rootHash ${p.rootHash} `);
    const header = lines
      .slice(0, lines.indexOf(marked[0]))
      .reverse()
      .find((l) => /^\s+t \d+:/.test(l));
    expect(header).to.contain(`t ${p.t}: Fraudulent`);
    expect(status.out).to.contain("#1 t");
    expect(status.out).to.contain("slashes 1");
    const json = await capture(() =>
      ledgerStatus({ ...common, member: s.member.address, limit: 5, json: true }, s.hre),
    );
    expect(json.code, json.out).to.equal(0);
    const parsed = JSON.parse(json.out) as {
      sets: Array<{ t: string; status: string; assets: Array<{ rootHash: string; fraudProven: boolean }> }>;
      requests: Array<{ id: string }>;
    };
    const proven = parsed.sets.find((x) => x.t === p.t);
    expect(proven?.status).to.equal("Fraudulent");
    expect(proven?.assets[0]).to.deep.include({ rootHash: p.rootHash, fraudProven: true });
    expect(parsed.requests.map((r) => r.id)).to.include("1");
    await rm(s.dir, { recursive: true, force: true });
  });
});
